using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Tessera.Server.Hosting;

/// <summary>
/// Applies the Orleans ADO.NET scripts for PostgreSQL (<c>Sql/PostgreSQL-Main.sql</c> and
/// <c>Sql/PostgreSQL-Clustering.sql</c>, embedded) before the silo joins its cluster. Each script runs once per
/// database: in one transaction holding an advisory lock, so silos starting together neither race nor apply a
/// script twice, and recorded in <c>tessera_orleans_scripts</c>. A database where the Orleans tables already exist
/// (scripts applied by hand) is recorded as is.
/// </summary>
/// <remarks>
/// The scripts are dotnet/orleans' own files, unchanged (src/AdoNet/Shared/PostgreSQL-Main.sql and
/// src/AdoNet/Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql at commit e558829b, which include the
/// CleanupDefunctSiloEntriesKey query Orleans 10 uses). Later Orleans migrations go in as further scripts with
/// their own sentinel; the list below is append-only.
/// </remarks>
internal sealed partial class OrleansPostgresSchema(IOptions<OrleansHostingOptions> options, ILogger<OrleansPostgresSchema> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The ADO.NET invariant Orleans loads Npgsql by.</summary>
    public const string Invariant = "Npgsql";

    // Note: an arbitrary constant ("orleans1" in ASCII), distinct from the storage migrator's; keys are per database.
    private const long LockKey = 0x6f726c65616e7331;

    /// <summary>Scripts in the order they must run, each with a table whose presence means it ran already.</summary>
    private static readonly (string Name, string Sentinel)[] Scripts =
    [
        ("PostgreSQL-Main.sql", "orleansquery"),
        ("PostgreSQL-Clustering.sql", "orleansmembershiptable"),
    ];

    public void Participate(ISiloLifecycle lifecycle) =>
        // Note: the first stage, because membership (RuntimeInitialize) reads OrleansQuery as soon as it starts.
        lifecycle.Subscribe(nameof(OrleansPostgresSchema), ServiceLifecycleStage.First, ApplyAsync);

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        // Note: Orleans opens its own ADO.NET connections from the connection string; this short-lived data source
        // exists only for the scripts, so the storage's data source (and its tuned settings) stays untouched.
        await using var dataSource = NpgsqlDataSource.Create(options.Value.ConnectionString!);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", LockKey, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS tessera_orleans_scripts (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);

        foreach (var (name, sentinel) in Scripts)
        {
            if (await IsRecordedAsync(connection, transaction, name, cancellationToken))
            {
                continue;
            }

            if (await ExistsAsync(connection, transaction, sentinel, cancellationToken))
            {
                LogAlreadyPresent(logger, name);
            }
            else
            {
                await ExecuteAsync(connection, transaction, await ReadScriptAsync(name), cancellationToken);
                LogApplied(logger, name);
            }

            await ExecuteAsync(connection, transaction, "INSERT INTO tessera_orleans_scripts (name) VALUES ($1)", name, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<bool> IsRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM tessera_orleans_scripts WHERE name = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        // Note: to_regclass follows the search_path, as the unqualified names in the Orleans scripts do.
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task ExecuteAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, T argument, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = argument });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> ReadScriptAsync(string name)
    {
        var resource = $"{typeof(OrleansPostgresSchema).Namespace}.Sql.{name}";
        await using var stream = typeof(OrleansPostgresSchema).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded script {resource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied the Orleans script {Script}.")]
    private static partial void LogApplied(ILogger logger, string script);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Orleans script {Script} was applied outside Tessera; recorded it as applied.")]
    private static partial void LogAlreadyPresent(ILogger logger, string script);
}
