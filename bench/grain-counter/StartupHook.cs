// Note: the runtime looks a startup hook up by this exact name, outside any namespace.
#pragma warning disable CA1050

/// <summary>
/// Entry point of the startup hook: when <c>TESSERA_BENCH_GRAINS_FILE</c> is set, counts this process's grain
/// activations by grain type and rewrites that file with the counts every 250 ms (and at exit).
/// </summary>
/// <remarks>
/// Note: the benchmark needs activations per silo without a new HTTP endpoint on the server, so it listens to the
/// instrument Orleans already publishes (<c>Microsoft.Orleans</c> / <c>orleans-grains</c>, an up-down counter tagged
/// with the grain type) from inside each silo process, the way dotnet-counters would from outside.
/// </remarks>
public static class StartupHook
{
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("TESSERA_BENCH_GRAINS_FILE");
        if (!string.IsNullOrWhiteSpace(path))
        {
            Tessera.Bench.GrainCounter.GrainCounts.Start(path);
        }
    }
}
#pragma warning restore CA1050
