using System.Diagnostics;
using k8s;

namespace Tessera.Deploy.Tests;

/// <summary>
/// Renders helm/tessera with the repository's helm (<c>.tools/bin/helm</c>, installed by eng/deploy/install-tools.sh
/// when missing) and loads the output with KubernetesClient in strict mode, which rejects unknown fields and wrong
/// types. One per test assembly; helm takes a fraction of a second per render, so each test renders what it needs.
/// </summary>
public sealed class Helm : IAsyncLifetime
{
    public static readonly string RepositoryRoot = FindRepositoryRoot();

    public static string ChartPath => Path.Combine(RepositoryRoot, "helm", "tessera");

    /// <summary>The values file that turns every optional feature on.</summary>
    public static string FullValues => Path.Combine(ChartPath, "ci", "full-values.yaml");

    private string HelmPath => Path.Combine(RepositoryRoot, ".tools", "bin", "helm");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(HelmPath))
        {
            var (exitCode, output) = await RunAsync(Path.Combine(RepositoryRoot, "eng", "deploy", "install-tools.sh"), ["helm"]);
            Assert.True(exitCode == 0 && File.Exists(HelmPath), $"Could not install helm into .tools/bin: {output}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs <c>helm template</c>; the exit code and output (stdout, then stderr) are returned, not asserted.</summary>
    public async Task<(int ExitCode, string Output, string Errors)> TemplateAsync(params string[] valuesFiles)
    {
        List<string> arguments = ["template", "tessera", ChartPath, "--namespace", "tessera"];
        foreach (var file in valuesFiles)
        {
            arguments.AddRange(["-f", file]);
        }

        return await RunSplitAsync(HelmPath, arguments);
    }

    /// <summary>Renders the chart and loads every manifest strictly; fails the test when either step fails.</summary>
    public async Task<IReadOnlyList<object>> RenderAsync(params string[] valuesFiles)
    {
        var (exitCode, output, errors) = await TemplateAsync(valuesFiles);
        Assert.True(exitCode == 0, $"helm template failed: {errors}");
        // Note: strict: an unknown field (a typo such as "readinessProbes", or a field at the wrong level) throws
        // instead of being dropped, which is what the API server's strict field validation would do.
        var objects = KubernetesYaml.LoadAllFromString(output, typeMap: null, strict: true);
        Assert.NotEmpty(objects);
        return objects;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var (exitCode, output, errors) = await RunSplitAsync(fileName, arguments);
        return (exitCode, output + errors);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunSplitAsync(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
