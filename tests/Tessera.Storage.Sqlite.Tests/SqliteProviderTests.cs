using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Sqlite.Tests;

/// <summary>What only the SQLite provider promises: where its file lives, its journal mode, its startup checks.</summary>
public sealed class SqliteProviderTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tessera-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task UseSqlite_CreatesTheDataFolderAndAWalModeFileInIt()
    {
        var dataPath = Path.Combine(_root, "nested", "data");
        await using (var services = await StorageServices.BuildAsync(s => s.UseSqlite(o => o.DataPath = dataPath), Token))
        {
            Assert.NotNull(await services.GetRequiredService<IDatabaseCatalog>().CreateAsync("tenant", "db", Token));
        }

        var file = Path.Combine(dataPath, "tessera.db");
        Assert.True(File.Exists(file));
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task UseSqlite_ReopenedFile_KeepsDataAndAppliesNoMigrationTwice()
    {
        var dataPath = Path.Combine(_root, "reopen");
        long key;
        await using (var services = await StorageServices.BuildAsync(s => s.UseSqlite(o => o.DataPath = dataPath), Token))
        {
            key = (await services.GetRequiredService<IDatabaseCatalog>().CreateAsync("tenant", "db", Token))!.Key;
        }

        await using (var services = await StorageServices.BuildAsync(s => s.UseSqlite(o => o.DataPath = dataPath), Token))
        {
            Assert.Equal(key, (await services.GetRequiredService<IDatabaseCatalog>().GetAsync("tenant", "db", Token))!.Key);
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataPath, "tessera.db")};Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) = count(DISTINCT version) AND count(*) > 0 FROM schema_migrations";
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync(Token))!);
    }

    [Fact]
    public async Task Initializers_OfTwoProvidersRacingOnOneFile_BothSucceed()
    {
        var dataPath = Path.Combine(_root, "race");
        var first = BuildUninitialized(dataPath);
        var second = BuildUninitialized(dataPath);
        try
        {
            await Task.WhenAll(
                Task.Run(() => StorageServices.InitializeAsync(first, Token), Token),
                Task.Run(() => StorageServices.InitializeAsync(second, Token), Token));

            Assert.NotNull(await first.GetRequiredService<IDatabaseCatalog>().CreateAsync("tenant", "db", Token));
            Assert.NotNull(await second.GetRequiredService<IDatabaseCatalog>().GetAsync("tenant", "db", Token));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public void UseSqlite_WithoutDataPath_FailsOptionsValidation()
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UseSqlite(_ => { });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value);
        Assert.Contains(nameof(SqliteStorageOptions.DataPath), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSqlite_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UseSqlite(o => o.DataPath = _root);
        services.AddTesseraStorage().UseSqlite(o => o.DataPath = _root);

        Assert.Single(services, d => d.ServiceType == typeof(IDocumentWriter));
        Assert.Single(services, d => d.ServiceType == typeof(IDocumentReader));
        Assert.Single(services, d => d.ServiceType == typeof(IDatabaseCatalog));
        Assert.Single(services, d => d.ServiceType == typeof(IStorageInitializer));
    }

    private static ServiceProvider BuildUninitialized(string dataPath)
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UseSqlite(o => o.DataPath = dataPath);
        return services.BuildServiceProvider();
    }
}
