using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tessera.ServiceDefaults;

/// <summary>The paths, tags and response format of the health endpoints.</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness: the process is up and serving HTTP. A failure means "restart me".</summary>
    public const string LivenessPath = "/healthz";

    /// <summary>Readiness: every check tagged <see cref="ReadyTag"/> passes. A failure means "send me no traffic".</summary>
    public const string ReadinessPath = "/readyz";

    /// <summary>Tag of the checks that liveness runs. Keep them free of dependencies: a dead database is no reason to restart.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of the checks that readiness runs (storage reachable, Orleans silo active, not shutting down).</summary>
    public const string ReadyTag = "ready";

    internal static bool IsHealthPath(PathString path) =>
        path.Equals(LivenessPath, StringComparison.OrdinalIgnoreCase) || path.Equals(ReadinessPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Writes <c>{"status":"Healthy","checks":{"storage":"Healthy",...}}</c>.
    /// Note: no descriptions or exception messages: those can carry host names or connection details, and probes
    /// only need the status code. Logs have the details (the health check service logs every failure).
    /// </summary>
    internal static Task WriteResponseAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString(), StringComparer.Ordinal),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
