using Microsoft.Extensions.DependencyInjection;
using Tessera.Storage.Conformance;
using Tessera.Testing;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>One PostgreSQL provider per test class, on a fresh database of the assembly's server.</summary>
public sealed class PostgresStorageFixture(PostgresServer server) : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = string.Empty;

    public ServiceProvider Services { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await server.CreateDatabaseAsync("storage");
        Services = await StorageServices.BuildAsync(storage => storage.UsePostgres(o => o.ConnectionString = ConnectionString), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Services is not null)
        {
            await Services.DisposeAsync();
        }
    }
}
