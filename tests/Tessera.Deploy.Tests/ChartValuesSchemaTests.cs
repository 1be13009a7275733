namespace Tessera.Deploy.Tests;

/// <summary>values.schema.json turns mistakes in a values file into a failed install instead of a broken cluster.</summary>
public sealed class ChartValuesSchemaTests(Helm helm)
{
    public static TheoryData<string, string> BadValues => new()
    {
        { "unknown top-level key", "replicaCount: 3" },
        { "unknown nested key (typo)", "data:\n  autoscaling:\n    enabeld: true" },
        { "wrong type", "gateway:\n  replicas: three" },
        { "port out of range", "orleans:\n  siloPort: 70000" },
        { "cluster id that is no label value", "orleans:\n  clusterId: \"prod cluster\"" },
        { "issuer without trailing slash", "publicUrl: https://tessera.example.com" },
        { "no PostgreSQL at all", "postgres:\n  connectionString: \"\"\n  existingSecret: \"\"" },
        { "unknown pull policy", "image:\n  pullPolicy: Sometimes" },
        { "bad resource quantity", "data:\n  resources:\n    requests:\n      memory: lots" },
        { "unknown address family of pod destinations", "gateway:\n  podDestinations:\n    addressFamily: InterNetwork" },
        { "pod destinations refreshed never", "gateway:\n  podDestinations:\n    refreshSeconds: 0" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Template_WithInvalidValues_FailsWithSchemaError(string mistake, string values)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tessera-values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, values, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, errors) = await helm.TemplateAsync(file);

            Assert.True(exitCode != 0, $"{mistake}: helm template accepted it");
            Assert.Contains("schema", errors, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Template_WithBootstrapKeyButNoSecret_FailsWithClearMessage()
    {
        var file = Path.Combine(Path.GetTempPath(), $"tessera-values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "bootstrap:\n  apiKey: admin\n", TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, _, errors) = await helm.TemplateAsync(file);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("bootstrap.apiSecret is required", errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
