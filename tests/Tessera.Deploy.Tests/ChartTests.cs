using k8s;
using k8s.Models;

namespace Tessera.Deploy.Tests;

/// <summary>helm/tessera renders manifests that Kubernetes accepts and that keep the platform's promises.</summary>
public sealed class ChartTests(Helm helm)
{
    public static TheoryData<string> ValueSets => ["default", "full"];

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Template_WithValueSet_LoadsStrictlyWithEveryComponent(string valueSet)
    {
        var objects = await RenderAsync(valueSet);

        Assert.Equal(["data", "gateway", "identity"], Components<V1Deployment>(objects));
        // data twice: its Service and the headless one (GatewayDestinationsChartTests).
        Assert.Equal(["data", "data", "gateway", "identity"], Components<V1Service>(objects));
        Assert.Equal(["data", "gateway", "identity"], Components<V1PodDisruptionBudget>(objects));
        Assert.Single(objects.OfType<V1Role>());
        Assert.Single(objects.OfType<V1RoleBinding>());
        Assert.Single(objects.OfType<V1ServiceAccount>());
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Deployments_Always_ProbeLivenessOnHealthzAndReadinessOnReadyz(string valueSet)
    {
        foreach (var deployment in (await RenderAsync(valueSet)).OfType<V1Deployment>())
        {
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal("/healthz", container.LivenessProbe?.HttpGet?.Path);
            Assert.Equal("/readyz", container.ReadinessProbe?.HttpGet?.Path);
            Assert.Equal("http", container.ReadinessProbe!.HttpGet.Port.Value);
            Assert.Contains(container.Ports, p => p.Name == "http" && p.ContainerPort == 8080);
            Assert.NotNull(container.Resources?.Requests);
            Assert.True(container.Resources.Requests.ContainsKey("cpu") && container.Resources.Requests.ContainsKey("memory"), deployment.Metadata.Name);
        }
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Deployments_Always_RunAsNonRootWithoutPrivileges(string valueSet)
    {
        foreach (var deployment in (await RenderAsync(valueSet)).OfType<V1Deployment>())
        {
            var pod = deployment.Spec.Template.Spec;
            Assert.True(pod.SecurityContext?.RunAsNonRoot, deployment.Metadata.Name);
            Assert.NotEqual(0, pod.SecurityContext!.RunAsUser);
            var container = Assert.Single(pod.Containers);
            Assert.False(container.SecurityContext?.AllowPrivilegeEscalation ?? true, deployment.Metadata.Name);
            Assert.True(container.SecurityContext!.ReadOnlyRootFilesystem);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities?.Drop);
        }
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Deployments_Always_RollWithoutUnavailablePodsAndWithinDisruptionBudgets(string valueSet)
    {
        var objects = await RenderAsync(valueSet);
        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            Assert.Equal("RollingUpdate", deployment.Spec.Strategy?.Type);
            Assert.Equal("0", deployment.Spec.Strategy!.RollingUpdate?.MaxUnavailable?.Value);
            var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>(), b => b.Metadata.Name == deployment.Metadata.Name);
            // The budget must select exactly this component's pods: a selector that matches nothing protects nothing.
            Assert.All(budget.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
            Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        }
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task DataDeployment_Always_HostsOrleansOnKubernetesWithPodAccess(string valueSet)
    {
        var objects = await RenderAsync(valueSet);
        var data = Single<V1Deployment>(objects, "data");
        var pod = data.Spec.Template;
        Assert.True(pod.Metadata.Labels.ContainsKey("orleans/serviceId"));
        Assert.True(pod.Metadata.Labels.ContainsKey("orleans/clusterId"));

        var env = Assert.Single(pod.Spec.Containers).Env.ToDictionary(e => e.Name);
        Assert.Equal("metadata.name", env["POD_NAME"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("status.podIP", env["POD_IP"].ValueFrom?.FieldRef?.FieldPath);
        Assert.Equal("AdoNet", env["Tessera__Orleans__Clustering"].Value);
        Assert.Equal("true", env["Tessera__Orleans__Kubernetes"].Value);
        Assert.Equal(pod.Metadata.Labels["orleans/clusterId"], env["Tessera__Orleans__ClusterId"].Value);
        Assert.Equal(pod.Metadata.Labels["orleans/serviceId"], env["Tessera__Orleans__ServiceId"].Value);
        Assert.Equal("data", env["Tessera__Roles"].Value);
        Assert.NotNull(env["ConnectionStrings__Tessera"].ValueFrom?.SecretKeyRef);
        // Orleans drains the silo on SIGTERM; the host's own deadline must come before Kubernetes' SIGKILL.
        Assert.True(pod.Spec.TerminationGracePeriodSeconds >= 30);
        Assert.True(int.Parse(env["DOTNET_SHUTDOWNTIMEOUTSECONDS"].Value, System.Globalization.CultureInfo.InvariantCulture) < pod.Spec.TerminationGracePeriodSeconds);

        var binding = Assert.Single(objects.OfType<V1RoleBinding>());
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == pod.Spec.ServiceAccountName);
        var role = Assert.Single(objects.OfType<V1Role>(), r => r.Metadata.Name == binding.RoleRef.Name);
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, new HashSet<string>(rule.Verbs));
    }

    [Fact]
    public async Task Template_WithDefaultValues_StoresConnectionStringInSecretAndHasNoIngressOrAutoscaler()
    {
        var objects = await helm.RenderAsync();

        var secret = Assert.Single(objects.OfType<V1Secret>());
        Assert.True(secret.StringData.ContainsKey("connection-string"));
        Assert.Empty(objects.OfType<V1Ingress>());
        Assert.Empty(objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.All(objects.OfType<V1Deployment>(), d => Assert.NotNull(d.Spec.Replicas));
    }

    [Fact]
    public async Task Template_WithFullValues_RoutesBaseDomainAndTenantHostsToGatewayAndScalesEveryComponent()
    {
        var objects = await helm.RenderAsync(Helm.FullValues);

        var ingress = Assert.Single(objects.OfType<V1Ingress>());
        Assert.Equal(["*.tessera.example.com", "tessera.example.com"], ingress.Spec.Rules.Select(r => r.Host).Order(StringComparer.Ordinal));
        var gateway = Single<V1Service>(objects, "gateway");
        Assert.All(ingress.Spec.Rules, r => Assert.Equal(gateway.Metadata.Name, Assert.Single(r.Http.Paths).Backend.Service.Name));
        Assert.Equal("tessera-wildcard-tls", Assert.Single(ingress.Spec.Tls).SecretName);

        var autoscalers = objects.OfType<V2HorizontalPodAutoscaler>().ToList();
        Assert.Equal(3, autoscalers.Count);
        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            // An HPA owns the replica count; a replicas field would fight it on every upgrade.
            Assert.Null(deployment.Spec.Replicas);
            Assert.Contains(autoscalers, a => a.Spec.ScaleTargetRef.Name == deployment.Metadata.Name && a.Spec.ScaleTargetRef.Kind == "Deployment");
        }

        // Both secrets are external: the chart renders none and points at the named ones.
        Assert.Empty(objects.OfType<V1Secret>());
        var identityEnv = Assert.Single(Single<V1Deployment>(objects, "identity").Spec.Template.Spec.Containers).Env.ToDictionary(e => e.Name);
        Assert.Equal("tessera-postgres", identityEnv["ConnectionStrings__Tessera"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("tessera-bootstrap", identityEnv["Tessera__Bootstrap__ApiSecret"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("https://tessera.example.com/", identityEnv["Tessera__Identity__Issuer"].Value);
    }

    [Fact]
    public async Task GatewayDeployment_Always_PointsAtIdentityService()
    {
        var objects = await helm.RenderAsync();
        var env = Assert.Single(Single<V1Deployment>(objects, "gateway").Spec.Template.Spec.Containers).Env.ToDictionary(e => e.Name, e => e.Value);

        var identity = Single<V1Service>(objects, "identity").Metadata.Name;
        Assert.Equal($"http://{identity}:8080/", env["Tessera__Gateway__IdentityAddress"]);
        Assert.Equal($"http://{identity}:8080/", env["ReverseProxy__Clusters__identity__Destinations__identity1__Address"]);
        // The data destinations: GatewayDestinationsChartTests.
        Assert.Equal(env["Tessera__Gateway__Issuer"], Assert.Single(Single<V1Deployment>(objects, "data").Spec.Template.Spec.Containers)
            .Env.Single(e => e.Name == "Tessera__Identity__Issuer").Value);
    }

    private Task<IReadOnlyList<object>> RenderAsync(string valueSet) =>
        valueSet == "full" ? helm.RenderAsync(Helm.FullValues) : helm.RenderAsync();

    private static string[] Components<T>(IEnumerable<object> objects)
        where T : IKubernetesObject<V1ObjectMeta> =>
        [.. objects.OfType<T>().Select(o => o.Metadata.Labels["app.kubernetes.io/component"]).Order(StringComparer.Ordinal)];

    private static T Single<T>(IEnumerable<object> objects, string component)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(objects.OfType<T>(), o => o.Metadata.Labels["app.kubernetes.io/component"] == component);
}
