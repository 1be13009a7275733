using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Tessera.Deploy.Tests;

/// <summary>
/// The gateway reaches each data pod on its own (values <c>gateway.podDestinations</c>), so its DatabaseAffinity load
/// balancing, not kube-proxy, picks the pod of a database: a headless Service of the data pods, and the gateway's data
/// clusters pointed at it with destination resolution on.
/// </summary>
public sealed class GatewayDestinationsChartTests(Helm helm)
{
    private const string Component = "app.kubernetes.io/component";

    public static TheoryData<string> ValueSets => ["default", "full"];

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task DataHeadlessService_Always_SelectsExactlyTheReadyDataPodsWithoutClusterIp(string valueSet)
    {
        var objects = await RenderAsync(valueSet);

        var headless = Assert.Single(objects.OfType<V1Service>(), s => s.Spec.ClusterIP == "None");
        Assert.Equal("data", headless.Metadata.Labels[Component]);
        // The data Service stays, with a virtual IP, for whatever reaches "any data node".
        Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Labels[Component] == "data" && s.Spec.ClusterIP != "None");

        var deployments = objects.OfType<V1Deployment>().ToList();
        var data = Assert.Single(deployments, d => d.Metadata.Labels[Component] == "data");
        Assert.Equal(data.Spec.Selector.MatchLabels, headless.Spec.Selector);
        Assert.All(headless.Spec.Selector, label => Assert.Equal(label.Value, data.Spec.Template.Metadata.Labels[label.Key]));
        Assert.All(deployments.Where(d => d != data), other =>
            Assert.False(headless.Spec.Selector.All(l => other.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value), other.Metadata.Name));
        // Only ready pods are published: a starting or draining node gets no destination.
        Assert.NotEqual(true, headless.Spec.PublishNotReadyAddresses);

        var port = Assert.Single(headless.Spec.Ports);
        Assert.Equal(8080, port.Port);
        Assert.Equal("http", port.TargetPort.Value);
        Assert.Contains(Assert.Single(data.Spec.Template.Spec.Containers).Ports, p => p.Name == "http" && p.ContainerPort == 8080);
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task GatewayDeployment_ByDefault_ResolvesTheHeadlessServiceIntoOneDestinationPerPod(string valueSet)
    {
        var objects = await RenderAsync(valueSet);
        var env = GatewayEnv(objects);
        var headless = Assert.Single(objects.OfType<V1Service>(), s => s.Spec.ClusterIP == "None").Metadata.Name;

        // One destination per data cluster, the headless name: no leftover destination may bypass the pods.
        Assert.Equal(
            ["ReverseProxy__Clusters__data-grpc__Destinations__pods__Address", "ReverseProxy__Clusters__data__Destinations__pods__Address"],
            env.Keys.Where(k => k.StartsWith("ReverseProxy__Clusters__data", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal($"http://{headless}:8080/", env["ReverseProxy__Clusters__data__Destinations__pods__Address"]);
        Assert.Equal($"http://{headless}:8080/", env["ReverseProxy__Clusters__data-grpc__Destinations__pods__Address"]);

        Assert.Equal("true", env["Tessera__Gateway__ResolveDestinations"]);
        var full = valueSet == "full";
        Assert.Equal(TimeSpan.FromSeconds(full ? 90 : 5), TimeSpan.Parse(env["Tessera__Gateway__DestinationRefreshPeriod"], CultureInfo.InvariantCulture));
        Assert.Equal(full ? "IPv4" : "Any", env["Tessera__Gateway__DestinationAddressFamily"]);
    }

    [Fact]
    public async Task GatewayDeployment_WithPodDestinationsOff_UsesTheDataServiceWithoutResolution()
    {
        var objects = await RenderWithAsync("gateway:\n  podDestinations:\n    enabled: false\n");
        var env = GatewayEnv(objects);
        var data = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Labels[Component] == "data" && s.Spec.ClusterIP != "None").Metadata.Name;

        Assert.Equal($"http://{data}:8080/", env["ReverseProxy__Clusters__data__Destinations__pods__Address"]);
        Assert.Equal($"http://{data}:8080/", env["ReverseProxy__Clusters__data-grpc__Destinations__pods__Address"]);
        Assert.Equal("false", env["Tessera__Gateway__ResolveDestinations"]);
        Assert.False(env.ContainsKey("Tessera__Gateway__DestinationRefreshPeriod"));
    }

    [Fact]
    public async Task GatewayAppsettings_EveryDestinationItNames_IsOverriddenByTheChartAndResolutionIsOff()
    {
        var env = GatewayEnv(await helm.RenderAsync());
        using var appsettings = JsonDocument.Parse(await File.ReadAllTextAsync(
            Path.Combine(Helm.RepositoryRoot, "gateway", "Tessera.Gateway", "appsettings.json"), TestContext.Current.CancellationToken));

        foreach (var cluster in appsettings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters").EnumerateObject())
        {
            if (!cluster.Value.TryGetProperty("Destinations", out var destinations))
            {
                continue;
            }

            // Note: configuration merges, so a destination that appsettings.json names for docker-compose and the chart
            // does not override would stay next to the chart's, pointing at a host that does not exist in Kubernetes.
            Assert.False(cluster.Name.StartsWith("data", StringComparison.Ordinal), $"appsettings.json names data destinations in '{cluster.Name}'");
            foreach (var destination in destinations.EnumerateObject())
            {
                Assert.True(env.ContainsKey($"ReverseProxy__Clusters__{cluster.Name}__Destinations__{destination.Name}__Address"), $"{cluster.Name}/{destination.Name} is not overridden");
            }
        }

        // Off outside the chart: docker-compose and local runs name each node itself.
        Assert.False(appsettings.RootElement.GetProperty("Tessera").GetProperty("Gateway").GetProperty("ResolveDestinations").GetBoolean());
    }

    [Fact]
    public async Task DataHeadlessService_WithTheLongestFullname_StillFitsAServiceName()
    {
        var objects = await RenderWithAsync($"fullnameOverride: {new string('t', 54)}\n");

        var headless = Assert.Single(objects.OfType<V1Service>(), s => s.Spec.ClusterIP == "None");
        Assert.InRange(headless.Metadata.Name.Length, 1, 63);
        Assert.EndsWith("-data-headless", headless.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal($"http://{headless.Metadata.Name}:8080/", GatewayEnv(objects)["ReverseProxy__Clusters__data__Destinations__pods__Address"]);
    }

    private Task<IReadOnlyList<object>> RenderAsync(string valueSet) =>
        valueSet == "full" ? helm.RenderAsync(Helm.FullValues) : helm.RenderAsync();

    private async Task<IReadOnlyList<object>> RenderWithAsync(string values)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tessera-values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, values, TestContext.Current.CancellationToken);
        try
        {
            return await helm.RenderAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Dictionary<string, string> GatewayEnv(IEnumerable<object> objects) =>
        Assert.Single(Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Labels[Component] == "gateway").Spec.Template.Spec.Containers)
            .Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);
}
