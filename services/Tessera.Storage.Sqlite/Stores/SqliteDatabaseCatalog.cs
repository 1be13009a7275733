using Microsoft.Data.Sqlite;

namespace Tessera.Storage.Sqlite.Stores;

/// <summary>The <c>databases</c> table: which databases a tenant has, and their counters. Changes go through the writer.</summary>
internal sealed class SqliteDatabaseCatalog(SqliteConnectionFactory connections) : IDatabaseCatalog
{
    private const string Columns = "key, tenant, name, update_seq, doc_count, del_count, revs_limit, security, created_at, public_read";

    public async Task<DatabaseRecord?> GetAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM databases WHERE tenant = $tenant AND name = $name";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$name", name);
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<DatabaseRecord?> CreateAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO databases (tenant, name, created_at) VALUES ($tenant, $name, $createdAt)
            ON CONFLICT (tenant, name) DO NOTHING RETURNING {Columns}
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$createdAt", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = connection.BeginTransaction();

        long key;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM databases WHERE tenant = $tenant AND name = $name RETURNING key";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", name);
            if (await command.ExecuteScalarAsync(cancellationToken) is not long deleted)
            {
                return false;
            }

            key = deleted;
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                DELETE FROM documents WHERE db = $db;
                DELETE FROM revisions WHERE db = $db;
                DELETE FROM attachments WHERE db = $db;
                DELETE FROM local_docs WHERE db = $db;
                """;
            command.Parameters.AddWithValue("$db", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM databases WHERE tenant = $tenant ORDER BY name";
        command.Parameters.AddWithValue("$tenant", tenant);
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
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM databases WHERE name = $name ORDER BY tenant";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<DatabaseRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    public Task SetRevsLimitAsync(long database, int revsLimit, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE databases SET revs_limit = $value WHERE key = $db", database, revsLimit, cancellationToken);

    public Task SetSecurityAsync(long database, string securityJson, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE databases SET security = $value WHERE key = $db", database, securityJson, cancellationToken);

    public Task SetPublicReadAsync(long database, bool publicRead, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE databases SET public_read = $value WHERE key = $db", database, publicRead ? 1 : 0, cancellationToken);

    private async Task UpdateAsync(string sql, long database, object value, CancellationToken cancellationToken)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$value", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<DatabaseRecord?> ReadSingleAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : null;
    }

    private static DatabaseRecord ReadRecord(SqliteDataReader reader) =>
        new(
            Key: reader.GetInt64(0),
            Tenant: reader.GetString(1),
            Name: reader.GetString(2),
            UpdateSeq: reader.GetInt64(3),
            DocCount: reader.GetInt64(4),
            DeletedDocCount: reader.GetInt64(5),
            RevsLimit: reader.GetInt32(6),
            SecurityJson: reader.IsDBNull(7) ? null : reader.GetString(7),
            CreatedAt: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
            PublicRead: reader.GetInt64(9) != 0);
}
