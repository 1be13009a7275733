using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Tessera.Server.Hosting;
using Tessera.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

internal static class SiloHostingExtensions
{
    /// <summary>
    /// Hosts an Orleans silo in this process, clustered as <c>Tessera:Orleans</c> says (<see cref="OrleansHostingOptions"/>):
    /// <list type="bullet">
    /// <item><c>Localhost</c> (default): a single silo on loopback, on free ports unless <c>SiloPort</c>/<c>GatewayPort</c>
    /// are set, so several servers (such as test hosts) can share a machine.</item>
    /// <item><c>AdoNet</c>: membership in PostgreSQL (the Orleans scripts are applied at start), ports 11111/30000 unless
    /// set, reachable at <c>AdvertisedIP</c>; with <c>Kubernetes=true</c> also Orleans Kubernetes hosting.</item>
    /// </list>
    /// Adds the readiness check "orleans" (the local silo is an active cluster member). Invalid settings fail here,
    /// before anything starts, with every problem listed.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = ReadOptions(configuration);
        builder.Services.AddOptions<OrleansHostingOptions>()
            .BindConfiguration(OrleansHostingOptions.SectionName)
            .PostConfigure(o => o.ConnectionString = ConnectionStringOf(o, configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansHostingOptions>, OrleansHostingOptionsValidator>());
        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("orleans", tags: [HealthEndpoints.ReadyTag]);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (options.Clustering == OrleansClustering.AdoNet)
            {
                UseAdoNetClustering(silo, options);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort ?? FreePort(), options.GatewayPort ?? FreePort(), null, options.ServiceId, options.ClusterId);
            }

            // How fast a crashed silo is declared dead, and its databases' grains reactivated elsewhere: about
            // NumMissedProbesLimit (3) probe periods, each adapted between ProbeTimeout/2 and 4x ProbeTimeout.
            // Note: 2 s instead of Orleans' 5 s keeps writes to a crashed silo's databases failing for ~3-4 s, within
            // the 10 s target (~7 s with 5 s on a busy 2-core machine); a silo stalled for longer than three probe
            // periods (a very long GC pause, CPU throttling) is evicted and restarts. Orleans' own property names under
            // Tessera:Orleans:Membership override it (ProbeTimeout, NumMissedProbesLimit, DeathVoteExpirationTimeout, ...).
            silo.Configure<ClusterMembershipOptions>(o => o.ProbeTimeout = OrleansHostingOptions.DefaultProbeTimeout);
            silo.Services.AddOptions<ClusterMembershipOptions>().Bind(configuration.GetSection(OrleansHostingOptions.MembershipSectionName));
            silo.Configure<GrainCollectionOptions>(o =>
            {
                // Idle databases cost only rows: deactivate their grains soon after their last call.
                o.CollectionAge = TimeSpan.FromMinutes(options.IdleDeactivationMinutes);
                o.CollectionQuantum = TimeSpan.FromSeconds(Math.Clamp(options.IdleDeactivationMinutes * 30, 1, 60));
            });
        });
        return builder;
    }

    private static void UseAdoNetClustering(ISiloBuilder silo, OrleansHostingOptions options)
    {
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, OrleansPostgresSchema>());
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = OrleansPostgresSchema.Invariant;
            o.ConnectionString = options.ConnectionString;
        });

        var siloPort = options.SiloPort ?? OrleansHostingOptions.DefaultSiloPort;
        var gatewayPort = options.GatewayPort ?? OrleansHostingOptions.DefaultGatewayPort;
        var configured = string.IsNullOrWhiteSpace(options.AdvertisedIP) ? null : IPAddress.Parse(options.AdvertisedIP);
        if (options.Kubernetes)
        {
            // Note: Kubernetes hosting fills the advertised address from POD_IP (and listens on any address) only
            // while it is unset, so only ports, and an explicitly configured address, are set here.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                if (configured is not null)
                {
                    o.AdvertisedIPAddress = configured;
                }
            });
            silo.UseKubernetesHosting();
            return;
        }

        var advertised = configured ?? FirstNonLoopbackIPv4() ?? IPAddress.Loopback;
        // A loopback silo (tests, several silos on one machine) listens on loopback only; others on every address,
        // as containers do not know which of their addresses the others route to.
        silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
    }

    private static OrleansHostingOptions ReadOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(OrleansHostingOptions.SectionName).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        options.ConnectionString = ConnectionStringOf(options, configuration);

        // Note: the silo is configured now, while the host is being built, so the same checks ValidateOnStart runs
        // later are run here too; otherwise a typo would surface as an obscure Orleans error instead of ours.
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results.Select(r => $"Tessera:Orleans:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}").ToList();
        var crossField = new OrleansHostingOptionsValidator().Validate(null, options);
        if (crossField.Failed)
        {
            failures.AddRange(crossField.Failures);
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(OrleansHostingOptions.SectionName, typeof(OrleansHostingOptions), failures);
    }

    private static string? ConnectionStringOf(OrleansHostingOptions options, IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) ? configuration.GetConnectionString("Tessera") : options.ConnectionString;

    private static IPAddress? FirstNonLoopbackIPv4() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
