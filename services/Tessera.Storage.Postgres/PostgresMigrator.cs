using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Tessera.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts that the database has not seen yet, in version order,
/// in one transaction that holds an advisory lock, so nodes starting together apply each script exactly once.
/// </summary>
internal sealed partial class PostgresMigrator(NpgsqlDataSource dataSource, ILogger<PostgresMigrator>? logger = null) : IStorageInitializer
{
    // Note: an arbitrary constant ("tessera1" in ASCII); advisory lock keys are scoped to the current database.
    private const long MigrationLockKey = 0x7465737365726131;

    private readonly ILogger _logger = logger ?? NullLogger<PostgresMigrator>.Instance;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            connection,
            transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var migration in EmbeddedMigrations.In(typeof(PostgresMigrator).Assembly))
        {
            var (version, resource) = (migration.Version, migration.Resource);
            if (applied.Contains(version))
            {
                continue;
            }

            await using (var command = new NpgsqlCommand(await migration.ReadAsync(cancellationToken), connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES ($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            LogMigrationApplied(_logger, version, resource);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied storage migration {Version} ({Resource}).")]
    private static partial void LogMigrationApplied(ILogger logger, int version, string resource);
}
