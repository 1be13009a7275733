using Testcontainers.PostgreSql;

namespace Tessera.Testing;

/// <summary>
/// Starts PostgreSQL with Testcontainers. Kept apart from <see cref="PostgresServer"/> so Testcontainers' types
/// (whose static setup looks for a Docker engine) load only after the engine answered.
/// </summary>
internal static class PostgresContainer
{
    public static async Task<(IAsyncDisposable Container, string ConnectionString)> StartAsync()
    {
        var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        try
        {
            await container.StartAsync();
            return (container, container.GetConnectionString());
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }
}
