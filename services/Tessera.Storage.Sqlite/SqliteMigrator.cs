using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tessera.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts that the file has not seen yet, in version order, in one
/// <c>BEGIN IMMEDIATE</c> transaction: it takes SQLite's write lock, so two processes opening the file together apply
/// each script exactly once.
/// </summary>
internal sealed partial class SqliteMigrator(SqliteConnectionFactory connections, ILogger<SqliteMigrator>? logger = null) : IStorageInitializer
{
    private readonly ILogger _logger = logger ?? NullLogger<SqliteMigrator>.Instance;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = connection.BeginTransaction();

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<long>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        foreach (var migration in EmbeddedMigrations.In(typeof(SqliteMigrator).Assembly))
        {
            var (version, resource) = (migration.Version, migration.Resource);
            if (applied.Contains(version))
            {
                continue;
            }

            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = await migration.ReadAsync(cancellationToken);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $appliedAt)";
                command.Parameters.AddWithValue("$version", version);
                command.Parameters.AddWithValue("$appliedAt", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            LogMigrationApplied(_logger, version, resource);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied storage migration {Version} ({Resource}).")]
    private static partial void LogMigrationApplied(ILogger logger, int version, string resource);
}
