using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tessera.ServiceDefaults;

namespace Microsoft.Extensions.DependencyInjection;

public static class ServiceDefaultsExtensions
{
    /// <summary>Orleans' meter (grain, messaging and membership instruments).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// What every Tessera process has: OpenTelemetry metrics and traces (ASP.NET Core, HttpClient, .NET runtime,
    /// Orleans, and every <c>Tessera*</c> meter and activity source), the per-tenant request counter
    /// <c>tessera.http.requests</c>, and health checks (liveness: the process is up; readiness: checks tagged
    /// <see cref="HealthEndpoints.ReadyTag"/>, to which this adds "not shutting down"). Telemetry is exported over OTLP
    /// only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables configure the rest, such as
    /// <c>OTEL_SERVICE_NAME</c>). Safe to call more than once. Pair it with <c>app.MapDefaultEndpoints()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ServiceDefaultsMarker)))
        {
            return builder;
        }

        services.AddSingleton<ServiceDefaultsMarker>();
        services.AddOptions<TelemetryOptions>().BindConfiguration("Tessera:Telemetry").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<TenantRequestMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, TenantRequestCountingStartupFilter>());

        // One cleartext port for HTTP/1.1 and HTTP/2 with prior knowledge (gRPC), in every process.
        services.Configure<KestrelServerOptions>(static kestrel => kestrel.ConfigureEndpointDefaults(Http2PriorKnowledge.Use));

        builder.AddDefaultOpenTelemetry();
        services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag])
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    private static void AddDefaultOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OrleansMeterName, TenantRequestMetrics.MeterName, "Tessera.*"));

        // Note: traces only when there is somewhere to send them: a tracer without an exporter would still record a span
        // for every request and every grain call for nobody. The metrics instruments stay on for in-process listeners
        // (dotnet-counters, tests) and cost little.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(builder.Environment.ApplicationName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Tessera", "Tessera.*")
                    // Note: probes would fill the trace store with identical spans.
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !HealthEndpoints.IsHealthPath(context.Request.Path))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }
    }

    /// <summary>Marks that the defaults were added, so a second call adds no second OpenTelemetry pipeline.</summary>
    private sealed class ServiceDefaultsMarker;
}
