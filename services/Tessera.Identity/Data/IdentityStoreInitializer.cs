using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tessera.Identity.Data;

/// <summary>
/// Creates the identity tables once per store and serializes start-up work (schema, keys, bootstrap) across processes.
/// </summary>
/// <remarks>
/// Note: we skip EF Core migrations (CONVENTIONS.md). The schema is EF's own <c>CreateTables</c> of this model, run
/// when the marker table <c>identity_schema</c> is missing, under a PostgreSQL advisory lock so replicas that start
/// together do not race. Not <c>EnsureCreated</c>: it skips creation when the database has any table at all, and in
/// clusters the document store's tables share the database. A later schema change adds a version row and an upgrade
/// script here, as the storage providers do with their numbered SQL files.
/// </remarks>
public sealed class IdentityStoreInitializer(IServiceScopeFactory scopes, IdentityStore store, ILogger<IdentityStoreInitializer> logger) : IDisposable
{
    private const long AdvisoryLockKey = 0x7465_7373_6964_0001; // "tessid" + 1: one lock id for identity start-up work.
    private const int SchemaVersion = 1;

    private readonly SemaphoreSlim _localLock = new(1, 1);
    private readonly Lock _gate = new();
    private Task? _created;

    /// <summary>Creates the tables if they are missing; runs once per process, later calls return the same task.</summary>
    public Task EnsureCreatedAsync()
    {
        lock (_gate)
        {
            return _created ??= Task.Run(CreateAsync);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding the store-wide start-up lock (an advisory lock on PostgreSQL, a
    /// process lock on SQLite, whose file belongs to one process).
    /// </summary>
    public async Task<T> RunExclusiveAsync<T>(Func<IServiceProvider, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _localLock.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (!store.IsPostgres)
            {
                return await work(scope.ServiceProvider);
            }

            var dataSource = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
            try
            {
                return await work(scope.ServiceProvider);
            }
            finally
            {
                // Note: pooled connections are not reset on close (the storage provider sets No Reset On Close), so the
                // session lock must be released explicitly.
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            _localLock.Release();
        }
    }

    public void Dispose() => _localLock.Dispose();

    private async Task CreateAsync()
    {
        await RunExclusiveAsync(async services =>
        {
            var db = services.GetRequiredService<IdentityDbContext>();
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                if (store.IsPostgres is false)
                {
                    // Readers never wait for the writer, as in the document store's file.
                    await ExecuteAsync(connection, "PRAGMA journal_mode=WAL", CancellationToken.None);
                }

                if (await SchemaExistsAsync(connection))
                {
                    return true;
                }

                logger.LogInformation("Creating the identity tables ({Provider}).", store.IsPostgres ? "PostgreSQL" : "SQLite");
                await db.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
                await ExecuteAsync(connection, $"CREATE TABLE identity_schema (version integer NOT NULL); INSERT INTO identity_schema VALUES ({SchemaVersion})", CancellationToken.None);
                return true;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
    }

    private async Task<bool> SchemaExistsAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = store.IsPostgres
            ? "SELECT to_regclass('identity_schema') IS NOT NULL"
            : "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'identity_schema'";
        return Convert.ToBoolean(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
