namespace Tessera.Grains;

/// <summary>Builds and splits the string key of an <see cref="IDatabaseGrain"/>.</summary>
public static class DatabaseGrainKey
{
    // Note: tenant names never contain '/', database names may; so the first '/' separates them.
    public static string For(string tenant, string database) => tenant + "/" + database;

    /// <summary>
    /// The grain of a database. Note: <c>IGrainFactory.GetGrain&lt;T&gt;(string)</c> works out the grain interface and grain
    /// type from the CLR interface on every call (about 5 % of a data node's CPU under W4's single-document updates);
    /// here they are worked out once per process, and every reference is made from the grain id directly.
    /// </summary>
    public static IDatabaseGrain GetDatabaseGrain(this IGrainFactory grains, string tenant, string database)
    {
        var types = grainTypes ??= ResolveTypes(grains);
        return (IDatabaseGrain)grains.GetGrain(GrainId.Create(types.Grain, IdSpan.Create(For(tenant, database))), types.Interface);
    }

    private static GrainTypes? grainTypes;

    private static GrainTypes ResolveTypes(IGrainFactory grains)
    {
        var reference = (GrainReference)grains.GetGrain<IDatabaseGrain>(For("types", "lookup"));
        return new GrainTypes(reference.GrainId.Type, reference.InterfaceType);
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);

    public static (string Tenant, string Database) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? throw new FormatException($"Not a database grain key: {key}") : (key[..slash], key[(slash + 1)..]);
    }
}
