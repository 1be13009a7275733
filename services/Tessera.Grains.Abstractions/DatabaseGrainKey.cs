namespace Tessera.Grains;

/// <summary>Builds and splits the string key of an <see cref="IDatabaseGrain"/>.</summary>
public static class DatabaseGrainKey
{
    // Note: tenant names never contain '/', database names may; so the first '/' separates them.
    public static string For(string tenant, string database) => tenant + "/" + database;

    public static (string Tenant, string Database) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? throw new FormatException($"Not a database grain key: {key}") : (key[..slash], key[(slash + 1)..]);
    }
}
