using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Tessera.Storage.Sqlite.Stores;

/// <summary>
/// Reads on pooled connections, beside the writer (WAL mode gives each statement a consistent snapshot).
/// Range reads stream rows as SQLite steps through them instead of buffering the result set.
/// </summary>
internal sealed class SqliteDocumentReader(SqliteConnectionFactory connections) : IDocumentReader
{
    private const string DocumentColumns = "d.id, d.winning_rev, d.deleted, d.seq, d.rev_tree";
    private const string WinningBodyJoin = " LEFT JOIN revisions r ON r.db = d.db AND r.doc_id = d.id AND r.rev = d.winning_rev";

    public async Task<DocumentRecord?> GetDocumentAsync(long database, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DocumentColumns} FROM documents d WHERE d.db = $db AND d.id = $id";
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$id", id);
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

        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Note: the ids travel as one JSON array parameter, so any number of them fits in one constant statement.
        command.CommandText = $"SELECT {DocumentColumns} FROM documents d WHERE d.db = $db AND d.id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids, SqliteJsonContext.Default.IReadOnlyCollectionString));
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
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DocumentColumns}, r.body FROM documents d{WinningBodyJoin} WHERE d.db = $db AND d.id = $id";
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDocumentWithBody(reader, includeBody: true) : null;
    }

    public async Task<string?> GetBodyAsync(long database, string id, string rev, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM revisions WHERE db = $db AND doc_id = $id AND rev = $rev";
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$rev", rev);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyDictionary<RevisionKey, string>> GetBodiesAsync(long database, IReadOnlyCollection<RevisionKey> revisions, CancellationToken cancellationToken = default)
    {
        var bodies = new Dictionary<RevisionKey, string>(revisions.Count);
        if (revisions.Count == 0)
        {
            return bodies;
        }

        // Embedded SQLite has no round trips to save: one prepared lookup per revision on one connection.
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM revisions WHERE db = $db AND doc_id = $id AND rev = $rev";
        command.Parameters.AddWithValue("$db", database);
        var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        var rev = command.Parameters.Add("$rev", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var key in revisions)
        {
            id.Value = key.DocId;
            rev.Value = key.Rev;
            if (await command.ExecuteScalarAsync(cancellationToken) is string body)
            {
                bodies[key] = body;
            }
        }

        return bodies;
    }

    public async IAsyncEnumerable<DocumentWithBody> GetChangesAsync(long database, ChangesQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (query.Limit <= 0)
        {
            yield break;
        }

        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ").Append(DocumentColumns);
        sql.Append(query.IncludeBodies ? ", r.body FROM documents d" + WinningBodyJoin : " FROM documents d");
        sql.Append(" WHERE d.db = $db AND d.seq > $since ORDER BY d.seq").Append(query.Descending ? " DESC" : string.Empty);
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$since", query.Since);
        if (query.Limit != int.MaxValue)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", query.Limit);
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

        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$db", database);

        var sql = new StringBuilder("SELECT ").Append(DocumentColumns);
        sql.Append(query.IncludeBodies ? ", r.body FROM documents d" + WinningBodyJoin : " FROM documents d");
        sql.Append(" WHERE d.db = $db AND d.deleted = 0");

        // Note: as in CouchDB, a descending read starts at the high end, so startkey is the upper bound.
        if (query.StartKey is { } start)
        {
            sql.Append(query.Descending ? " AND d.id <= $start" : " AND d.id >= $start");
            command.Parameters.AddWithValue("$start", start);
        }

        if (query.EndKey is { } end)
        {
            sql.Append((query.Descending, query.InclusiveEnd) switch
            {
                (false, true) => " AND d.id <= $end",
                (false, false) => " AND d.id < $end",
                (true, true) => " AND d.id >= $end",
                (true, false) => " AND d.id > $end",
            });
            command.Parameters.AddWithValue("$end", end);
        }

        sql.Append(query.Descending ? " ORDER BY d.id DESC" : " ORDER BY d.id");
        if (query.Limit != int.MaxValue || query.Skip > 0)
        {
            // SQLite has no OFFSET without LIMIT; -1 means no limit.
            sql.Append(" LIMIT $limit OFFSET $skip");
            command.Parameters.AddWithValue("$limit", query.Limit == int.MaxValue ? -1 : query.Limit);
            command.Parameters.AddWithValue("$skip", Math.Max(query.Skip, 0));
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
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rev, body FROM local_docs WHERE db = $db AND id = $id";
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LocalDocument(id, reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<AttachmentContent?> GetAttachmentAsync(long database, string digest, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM attachments WHERE db = $db AND digest = $digest";
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$digest", digest);
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] data ? new AttachmentContent(digest, data) : null;
    }

    private static DocumentRecord ReadDocument(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        WinningRev: reader.GetString(1),
        Deleted: reader.GetBoolean(2),
        Seq: reader.GetInt64(3),
        RevTree: reader.GetFieldValue<byte[]>(4));

    private static DocumentWithBody ReadDocumentWithBody(SqliteDataReader reader, bool includeBody) =>
        new(ReadDocument(reader), includeBody && !reader.IsDBNull(5) ? reader.GetString(5) : null);
}
