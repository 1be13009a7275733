using Tessera.Server.Hosting;
using Tessera.ServiceDefaults;
using Tessera.Storage;

namespace Microsoft.Extensions.Hosting;

internal static class StorageHostingExtensions
{
    /// <summary>
    /// PostgreSQL when <c>ConnectionStrings:Tessera</c> is set (clusters), otherwise the embedded SQLite store under
    /// <c>Tessera:DataPath</c> (default <c>./data</c>). Only the server picks a provider; libraries see the contracts.
    /// Adds the readiness check "storage" (a catalog query answers within 5 s).
    /// </summary>
    public static TesseraStorageBuilder AddTesseraStorageFromConfiguration(this IHostApplicationBuilder builder)
    {
        var storage = builder.Services.AddTesseraStorage();
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [HealthEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        var connectionString = builder.Configuration.GetConnectionString("Tessera");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return storage.UsePostgres(o => o.ConnectionString = connectionString);
        }

        var dataPath = builder.Configuration["Tessera:DataPath"] is { Length: > 0 } path ? path : "./data";
        return storage.UseSqlite(o => o.DataPath = Path.GetFullPath(dataPath));
    }
}
