using System.Diagnostics;

namespace Tessera.Cluster.IntegrationTests.Processes;

/// <summary>
/// Runs a node script of this project (<c>Scripts/*.cjs</c>, copied to the output) with the npm packages of
/// <c>tests/compat</c> (real PouchDB), installing them with <c>npm ci</c> first when that folder has none yet.
/// </summary>
internal static class NodeScript
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string CompatFolder => Path.Combine(BuildOutput.RepositoryRoot, "tests", "compat");

    /// <summary>Runs <c>node Scripts/{script} {compat folder} {arguments}</c>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await EnsurePackagesAsync(cancellationToken);
        return await RunToolAsync("node", [Path.Combine(AppContext.BaseDirectory, "Scripts", script), CompatFolder, .. arguments], timeout, cancellationToken);
    }

    private static async Task EnsurePackagesAsync(CancellationToken cancellationToken)
    {
        await InstallGate.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(Path.Combine(CompatFolder, "node_modules", "pouchdb")))
            {
                return;
            }

            var (exitCode, output) = await RunToolAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", CompatFolder], TimeSpan.FromMinutes(3), cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {CompatFolder} failed ({exitCode}):\n{output}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunToolAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{tool} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout}.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
