namespace Tessera.Cluster.IntegrationTests.Processes;

/// <summary>
/// Where the executables under test are: the build output of their own projects under <c>artifacts/bin</c>, in the
/// configuration this test assembly was built in (<c>artifacts/bin/Tessera.Server/release/Tessera.Server.dll</c> when
/// the tests run from <c>artifacts/bin/Tessera.Cluster.IntegrationTests/release/</c>). The project references of this
/// test project make them build first.
/// </summary>
internal static class BuildOutput
{
    private static readonly DirectoryInfo TestOutput = new(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));

    /// <summary>The repository root (the folder holding Platform.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The configuration folder name, <c>debug</c> or <c>release</c>.</summary>
    public static string Configuration => TestOutput.Name;

    /// <summary>The main dll of <paramref name="project"/> and its folder (the content root: appsettings.json is there).</summary>
    public static string AppDll(string project)
    {
        var bin = TestOutput.Parent?.Parent ?? throw new InvalidOperationException($"{TestOutput.FullName} is not under artifacts/bin/<project>/<configuration>.");
        var dll = Path.Combine(bin.FullName, project, Configuration, project + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is missing: build {project} in the '{Configuration}' configuration (this test project references it, so building the tests builds it).", dll);
    }

    private static string FindRoot()
    {
        for (var dir = TestOutput; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Platform.sln not found above {TestOutput.FullName}.");
    }
}
