using System.Globalization;
using System.Reflection;

namespace Tessera.Storage;

/// <summary>One versioned SQL script embedded in a provider assembly as <c>Migrations/NNNN_name.sql</c>.</summary>
public sealed record EmbeddedMigration(int Version, string Resource, Assembly Assembly)
{
    public async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        await using var stream = Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"Embedded migration '{Resource}' is missing.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}

/// <summary>Finds a provider's embedded migrations, so every provider versions its schema the same way.</summary>
public static class EmbeddedMigrations
{
    /// <summary>The assembly's scripts named <c>...Migrations.NNNN_name.sql</c>, ordered by version.</summary>
    public static IReadOnlyList<EmbeddedMigration> In(Assembly assembly)
    {
        const string marker = ".Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(marker, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var file = name[(name.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
                var digits = file[..file.IndexOf('_', StringComparison.Ordinal)];
                return new EmbeddedMigration(int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture), name, assembly);
            })
            .OrderBy(migration => migration.Version)
            .ToList();
    }
}
