namespace Tessera.Gateway.IntegrationTests.Infrastructure;

/// <summary>Folders of the repository, found from the test's output folder by walking up to Platform.sln.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string GatewayProject => Path.Combine(Root, "gateway", "Tessera.Gateway");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Platform.sln not found above {AppContext.BaseDirectory}.");
    }
}
