using Npgsql;

namespace Tessera.Storage.Postgres.Stores;

/// <summary>The <c>databases</c> table: which databases a tenant has, and their counters.</summary>
internal sealed class PostgresDatabaseCatalog(NpgsqlDataSource dataSource) : IDatabaseCatalog
{
    private const string Columns = "key, tenant, name, update_seq, doc_count, del_count, revs_limit, security, created_at, public_read";

    public async Task<DatabaseRecord?> GetAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM databases WHERE tenant = $1 AND name = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<DatabaseRecord?> CreateAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO databases (tenant, name) VALUES ($1, $2) ON CONFLICT (tenant, name) DO NOTHING RETURNING {Columns}");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Note: the catalog row goes first and in its own statement. It waits for a commit in flight on this
        // database (CommitAsync updates the row first), and the data deletes below then run on a fresh snapshot
        // that includes that commit's rows, so nothing is left behind.
        long key;
        await using (var command = new NpgsqlCommand("DELETE FROM databases WHERE tenant = $1 AND name = $2 RETURNING key", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            if (await command.ExecuteScalarAsync(cancellationToken) is not long deleted)
            {
                return false;
            }

            key = deleted;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var table in (ReadOnlySpan<string>)["documents", "revisions", "attachments", "local_docs"])
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE db = $1");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT name FROM databases WHERE tenant = $1 ORDER BY name");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public async Task<IReadOnlyList<DatabaseRecord>> ListByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM databases WHERE name = $1 ORDER BY tenant");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<DatabaseRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    public async Task SetRevsLimitAsync(long database, int revsLimit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE databases SET revs_limit = $2 WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = revsLimit });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetSecurityAsync(long database, string securityJson, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE databases SET security = $2 WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = securityJson });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetPublicReadAsync(long database, bool publicRead, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE databases SET public_read = $2 WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = publicRead });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<DatabaseRecord?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : null;
    }

    private static DatabaseRecord ReadRecord(NpgsqlDataReader reader) =>
        new(
            Key: reader.GetInt64(0),
            Tenant: reader.GetString(1),
            Name: reader.GetString(2),
            UpdateSeq: reader.GetInt64(3),
            DocCount: reader.GetInt64(4),
            DeletedDocCount: reader.GetInt64(5),
            RevsLimit: reader.GetInt32(6),
            SecurityJson: reader.IsDBNull(7) ? null : reader.GetString(7),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(8),
            PublicRead: reader.GetBoolean(9));
}
