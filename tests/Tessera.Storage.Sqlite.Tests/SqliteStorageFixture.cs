using Microsoft.Extensions.DependencyInjection;
using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Sqlite.Tests;

/// <summary>One SQLite provider per test class, on a file in a fresh temporary folder that is deleted afterwards.</summary>
public sealed class SqliteStorageFixture : IAsyncLifetime
{
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "tessera-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public ServiceProvider Services { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Services = await StorageServices.BuildAsync(storage => storage.UseSqlite(o => o.DataPath = DataPath), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (Directory.Exists(DataPath))
        {
            Directory.Delete(DataPath, recursive: true);
        }
    }
}
