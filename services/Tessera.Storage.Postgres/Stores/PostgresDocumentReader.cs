using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;

namespace Tessera.Storage.Postgres.Stores;

/// <summary>
/// Reads straight from PostgreSQL on pooled connections of the process's data source. Every statement is constant,
/// parameterized SQL (a few variants for the optional range bounds), so automatic preparation applies.
/// Range reads stream rows as they arrive instead of buffering the result set.
/// </summary>
internal sealed class PostgresDocumentReader(NpgsqlDataSource dataSource) : IDocumentReader
{
    private const string DocumentColumns = "d.id, d.winning_rev, d.deleted, d.seq, d.rev_tree";
    private const string WinningBodyJoin = " LEFT JOIN revisions r ON r.db = d.db AND r.doc_id = d.id AND r.rev = d.winning_rev";

    public async Task<DocumentRecord?> GetDocumentAsync(long database, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {DocumentColumns} FROM documents d WHERE d.db = $1 AND d.id = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDocument(reader) : null;
    }

    public async Task<IReadOnlyDictionary<string, DocumentRecord>> GetDocumentsAsync(long database, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var documents = new Dictionary<string, DocumentRecord>(ids.Count, StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return documents;
        }

        // Note: written as a join over unnest() rather than "id = ANY($2)": once auto-prepared, a generic plan for ANY()
        // made from the statistics of a still-small table can scan the whole table (seconds per call at 100k rows);
        // the planner estimates unnest() at a few rows, so the join stays an index lookup per id whatever the statistics.
        await using var command = dataSource.CreateCommand(
            $"SELECT {DocumentColumns} FROM unnest($2::text[]) AS u(id) JOIN documents d ON d.db = $1 AND d.id = u.id");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ids] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var document = ReadDocument(reader);
            documents[document.Id] = document;
        }

        return documents;
    }

    public async Task<DocumentWithBody?> GetWinningAsync(long database, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {DocumentColumns}, r.body FROM documents d{WinningBodyJoin} WHERE d.db = $1 AND d.id = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDocumentWithBody(reader, includeBody: true) : null;
    }

    public async Task<string?> GetBodyAsync(long database, string id, string rev, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body FROM revisions WHERE db = $1 AND doc_id = $2 AND rev = $3");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rev });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : null;
    }

    public async Task<IReadOnlyDictionary<RevisionKey, string>> GetBodiesAsync(long database, IReadOnlyCollection<RevisionKey> revisions, CancellationToken cancellationToken = default)
    {
        var bodies = new Dictionary<RevisionKey, string>(revisions.Count);
        if (revisions.Count == 0)
        {
            return bodies;
        }

        // Note: a join over unnest() keeps this an index probe per revision whatever the table statistics (see GetDocumentsAsync).
        await using var command = dataSource.CreateCommand(
            "SELECT r.doc_id, r.rev, r.body FROM unnest($2::text[], $3::text[]) AS u(doc_id, rev) " +
            "JOIN revisions r ON r.db = $1 AND r.doc_id = u.doc_id AND r.rev = u.rev");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. revisions.Select(r => r.DocId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. revisions.Select(r => r.Rev)] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            bodies[new RevisionKey(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        }

        return bodies;
    }

    public async IAsyncEnumerable<DocumentWithBody> GetChangesAsync(long database, ChangesQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (query.Limit <= 0)
        {
            yield break;
        }

        var sql = new StringBuilder("SELECT ").Append(DocumentColumns);
        sql.Append(query.IncludeBodies ? ", r.body FROM documents d" + WinningBodyJoin : " FROM documents d");
        sql.Append(" WHERE d.db = $1 AND d.seq > $2 ORDER BY d.seq").Append(query.Descending ? " DESC" : string.Empty);

        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = query.Since });
        if (query.Limit != int.MaxValue)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
            sql.Append(" LIMIT $3");
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadDocumentWithBody(reader, query.IncludeBodies);
        }
    }

    public async IAsyncEnumerable<DocumentWithBody> GetAllDocsAsync(long database, AllDocsQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (query.Limit <= 0)
        {
            yield break;
        }

        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });

        var sql = new StringBuilder("SELECT ").Append(DocumentColumns);
        sql.Append(query.IncludeBodies ? ", r.body FROM documents d" + WinningBodyJoin : " FROM documents d");
        sql.Append(" WHERE d.db = $1 AND NOT d.deleted");

        // Note: as in CouchDB, a descending read starts at the high end, so startkey is the upper bound.
        if (query.StartKey is { } start)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = start });
            sql.Append(query.Descending ? " AND d.id <= $" : " AND d.id >= $").Append(command.Parameters.Count);
        }

        if (query.EndKey is { } end)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = end });
            var comparison = (query.Descending, query.InclusiveEnd) switch
            {
                (false, true) => " AND d.id <= $",
                (false, false) => " AND d.id < $",
                (true, true) => " AND d.id >= $",
                (true, false) => " AND d.id > $",
            };
            sql.Append(comparison).Append(command.Parameters.Count);
        }

        sql.Append(query.Descending ? " ORDER BY d.id DESC" : " ORDER BY d.id");
        if (query.Limit != int.MaxValue)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
            sql.Append(" LIMIT $").Append(command.Parameters.Count);
        }

        if (query.Skip > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Skip });
            sql.Append(" OFFSET $").Append(command.Parameters.Count);
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadDocumentWithBody(reader, query.IncludeBodies);
        }
    }

    public async Task<LocalDocument?> GetLocalAsync(long database, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT rev, body FROM local_docs WHERE db = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LocalDocument(id, reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<AttachmentContent?> GetAttachmentAsync(long database, string digest, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT data FROM attachments WHERE db = $1 AND digest = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = digest });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AttachmentContent(digest, reader.GetFieldValue<byte[]>(0)) : null;
    }

    private static DocumentRecord ReadDocument(NpgsqlDataReader reader) => new(
        Id: reader.GetString(0),
        WinningRev: reader.GetString(1),
        Deleted: reader.GetBoolean(2),
        Seq: reader.GetInt64(3),
        RevTree: reader.GetFieldValue<byte[]>(4));

    private static DocumentWithBody ReadDocumentWithBody(NpgsqlDataReader reader, bool includeBody) =>
        new(ReadDocument(reader), includeBody && !reader.IsDBNull(5) ? reader.GetString(5) : null);
}
