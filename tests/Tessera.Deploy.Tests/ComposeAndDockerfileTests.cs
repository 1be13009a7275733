using YamlDotNet.RepresentationModel;

namespace Tessera.Deploy.Tests;

/// <summary>
/// docker-compose.yml and the Dockerfiles wire the cluster as documented. Their syntax is checked by
/// eng/validate-deploy.sh (docker-compose config, dockerfile-utils); these tests check the meaning.
/// </summary>
public sealed class ComposeAndDockerfileTests
{
    private static readonly string[] ServerDockerfiles = ["services/Tessera.Server/Dockerfile", "gateway/Tessera.Gateway/Dockerfile"];

    [Fact]
    public void Compose_DataNodes_FormOneAdoNetClusterOnThePostgresService()
    {
        var services = LoadCompose();

        foreach (var name in new[] { "data1", "data2" })
        {
            var env = Environment(services, name);
            Assert.Equal("data", env["Tessera__Roles"]);
            Assert.Equal("AdoNet", env["Tessera__Orleans__Clustering"]);
            Assert.Contains("Host=postgres;", env["ConnectionStrings__Tessera"], StringComparison.Ordinal);
            Assert.Equal("service_healthy", Scalar(services, name, "depends_on", "postgres", "condition"));
        }

        Assert.Equal(Environment(services, "data1")["Tessera__Orleans__ClusterId"], Environment(services, "data2")["Tessera__Orleans__ClusterId"]);
        Assert.Equal("identity", Environment(services, "identity")["Tessera__Roles"]);
        Assert.Equal("service_healthy", Scalar(services, "identity", "depends_on", "postgres", "condition"));
        Assert.StartsWith("pg_isready", ((YamlSequenceNode)Node(services, "postgres", "healthcheck", "test"))[1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Gateway_RoutesToServicesThatExistAndIsTheOnlyPublishedService()
    {
        var services = LoadCompose();
        var env = Environment(services, "gateway");

        var destinations = env.Where(e => e.Key.StartsWith("ReverseProxy__Clusters__", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, destinations.Count);
        foreach (var (key, address) in destinations)
        {
            var host = new Uri(address).Host;
            Assert.True(services.Children.ContainsKey(host), $"{key} points at {host}, which is no service");
        }

        Assert.Equal("http://identity:8080/", env["Tessera__Gateway__IdentityAddress"]);
        Assert.Equal(Environment(services, "identity")["Tessera__Identity__Issuer"], env["Tessera__Gateway__Issuer"]);
        Assert.Equal(["gateway"], services.Children.Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("ports")).Select(s => s.Key.ToString()));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_FinalStage_RunsNonRootOnChiseledRuntimeOnPort8080(string path)
    {
        var lines = File.ReadAllLines(Path.Combine(Helm.RepositoryRoot, path)).Select(l => l.Trim()).ToList();
        var final = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var stage = lines[final..];

        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", stage[0], StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", stage);
        Assert.Contains(stage, l => l.StartsWith("EXPOSE 8080", StringComparison.Ordinal));
        Assert.Contains(stage, l => l.Contains("ASPNETCORE_HTTP_PORTS=8080", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("dotnet publish", StringComparison.Ordinal) && l.Contains("-c \"$CONFIGURATION\"", StringComparison.Ordinal));
        // The restore runs before the sources are copied, so source edits do not invalidate the restore layer.
        Assert.True(lines.FindIndex(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal)) < lines.FindLastIndex(l => l == "COPY . ."));
    }

    public static TheoryData<string> Dockerfiles => [.. ServerDockerfiles];

    private static YamlMappingNode LoadCompose()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Helm.RepositoryRoot, "docker-compose.yml"));
        stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        // Compose v1 (the validator that runs here) rejects a top-level name.
        Assert.False(root.Children.ContainsKey("name"));
        return (YamlMappingNode)root["services"];
    }

    private static Dictionary<string, string> Environment(YamlMappingNode services, string service)
    {
        // Note: YamlDotNet's representation model does not apply "<<" merge keys, so they are resolved here.
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Merge((YamlMappingNode)Node(services, service, "environment"), result);
        return result;

        static void Merge(YamlMappingNode mapping, Dictionary<string, string> into)
        {
            if (mapping.Children.TryGetValue("<<", out var merged))
            {
                Merge((YamlMappingNode)merged, into);
            }

            foreach (var (key, value) in mapping.Children.Where(c => c.Key.ToString() != "<<"))
            {
                into[key.ToString()] = value.ToString();
            }
        }
    }

    private static YamlNode Node(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node)[key];
        }

        return node;
    }

    private static string Scalar(YamlMappingNode root, params string[] path) => Node(root, path).ToString();
}
