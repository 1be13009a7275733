using Npgsql;

namespace Tessera.Storage.Postgres.Stores;

/// <summary>
/// Writes of the single writer. A commit is one <see cref="NpgsqlBatch"/>: one round trip, executed by PostgreSQL as one
/// implicit transaction (Npgsql sends a single Sync, so an error anywhere rolls back the whole batch). Each kind of row
/// is written by one multi-row statement over <c>unnest()</c> of arrays, so the SQL stays constant (and auto-prepared)
/// whatever the batch size.
/// </summary>
internal sealed class PostgresDocumentWriter(NpgsqlDataSource dataSource) : IDocumentWriter
{
    // Fails the batch when the database no longer exists (SQLSTATE P0002) or another writer advanced it (40001); see
    // Migrations/0003_fenced_commit.sql.
    private const string AdvanceDatabaseSql = "SELECT tessera_advance_database($1, $2, $3, $4, $5)";

    private const string UpsertDocumentsSql = """
        INSERT INTO documents (db, id, winning_rev, deleted, seq, rev_tree)
        SELECT $1, u.id, u.winning_rev, u.deleted, u.seq, u.rev_tree
        FROM unnest($2::text[], $3::text[], $4::boolean[], $5::bigint[], $6::bytea[]) AS u(id, winning_rev, deleted, seq, rev_tree)
        ON CONFLICT (db, id) DO UPDATE
        SET winning_rev = EXCLUDED.winning_rev, deleted = EXCLUDED.deleted, seq = EXCLUDED.seq, rev_tree = EXCLUDED.rev_tree
        """;

    // Note: documents the writer knows are new (CommitBatch.NewDocuments) and every body (a new revision) are plain
    // inserts: ON CONFLICT makes every row a speculative insertion, about a third slower in PostgreSQL 15, and a row
    // that exists anyway should fail the commit rather than be overwritten.
    private const string InsertDocumentsSql = """
        INSERT INTO documents (db, id, winning_rev, deleted, seq, rev_tree)
        SELECT $1, u.id, u.winning_rev, u.deleted, u.seq, u.rev_tree
        FROM unnest($2::text[], $3::text[], $4::boolean[], $5::bigint[], $6::bytea[]) AS u(id, winning_rev, deleted, seq, rev_tree)
        """;

    private const string InsertBodiesSql = """
        INSERT INTO revisions (db, doc_id, rev, body)
        SELECT $1, u.doc_id, u.rev, u.body::jsonb
        FROM unnest($2::text[], $3::text[], $4::text[]) AS u(doc_id, rev, body)
        """;

    private const string DeleteBodiesSql = """
        DELETE FROM revisions AS r
        USING unnest($2::text[], $3::text[]) AS u(doc_id, rev)
        WHERE r.db = $1 AND r.doc_id = u.doc_id AND r.rev = u.rev
        """;

    // Note: the documents of the page are the distinct ids of the kept revisions; each is probed by the primary key.
    private const string DeleteBodiesExceptSql = """
        DELETE FROM revisions AS r
        USING (SELECT DISTINCT doc_id FROM unnest($2::text[]) AS k(doc_id)) AS d
        WHERE r.db = $1 AND r.doc_id = d.doc_id
        AND NOT EXISTS (SELECT FROM unnest($2::text[], $3::text[]) AS k(doc_id, rev) WHERE k.doc_id = r.doc_id AND k.rev = r.rev)
        """;

    private const string InsertAttachmentsSql = """
        INSERT INTO attachments (db, digest, data)
        SELECT $1, u.digest, u.data FROM unnest($2::text[], $3::bytea[]) AS u(digest, data)
        ON CONFLICT (db, digest) DO NOTHING
        """;

    // Note: digests still referenced by any remaining body's _attachments stubs are computed once and anti-joined,
    // rather than scanning the bodies once per attachment.
    private const string DeleteUnreferencedAttachmentsSql = """
        WITH used AS (
            SELECT DISTINCT a.value ->> 'digest' AS digest
            FROM revisions r
            CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(r.body -> '_attachments') = 'object' THEN r.body -> '_attachments' ELSE '{}'::jsonb END) AS a
            WHERE r.db = $1 AND r.body ? '_attachments')
        DELETE FROM attachments t
        WHERE t.db = $1 AND NOT EXISTS (SELECT 1 FROM used WHERE used.digest = t.digest)
        """;

    public async Task CommitAsync(long database, CommitBatch batch, CancellationToken cancellationToken = default)
    {
        await using var npgsqlBatch = dataSource.CreateBatch();

        // Note: the catalog row is updated first: it takes the database's row lock (a concurrent DeleteAsync waits for
        // this commit) and fails the batch when the database is gone.
        var advance = Add(npgsqlBatch, AdvanceDatabaseSql, database);
        advance.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = batch.ExpectedUpdateSeq });
        advance.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.UpdateSeq });
        advance.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.DocCountDelta });
        advance.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.DeletedDocCountDelta });

        var created = batch.NewDocuments;
        AddDocuments(npgsqlBatch, InsertDocumentsSql, database, created is null ? [] : [.. batch.Documents.Where(d => created.Contains(d.Id))]);
        AddDocuments(npgsqlBatch, UpsertDocumentsSql, database, created is null ? batch.Documents : [.. batch.Documents.Where(d => !created.Contains(d.Id))]);
        AddBodies(npgsqlBatch, database, batch.Bodies);
        AddRevisionKeys(npgsqlBatch, DeleteBodiesSql, database, batch.RemovedBodies);
        AddAttachments(npgsqlBatch, database, batch.Attachments);

        try
        {
            await npgsqlBatch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.NoDataFound)
        {
            throw new InvalidOperationException($"Storage database {database} does not exist; nothing was committed.", exception);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.SerializationFailure && batch.ExpectedUpdateSeq is long expected)
        {
            throw new ConcurrentWriterException(database, expected, exception);
        }
    }

    // Note: set_config(..., true) lasts until the end of the transaction, which is this statement's own: its commit
    // does not wait for the WAL flush (IDocumentWriter.UpdateLocalAsync says why that is fine for _local documents).
    // The rev check and the write are one statement, so a stale rev changes nothing and there is no read before.
    private const string UpdateLocalSql = """
        WITH async AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))
        INSERT INTO local_docs AS l (db, id, rev, body)
        SELECT $1, $2, $3, $4::jsonb FROM async
        ON CONFLICT (db, id) DO UPDATE SET rev = $5, body = EXCLUDED.body
        WHERE l.rev = $6
        RETURNING l.rev
        """;

    private const string DeleteLocalIfSql = """
        WITH current AS (SELECT rev FROM local_docs WHERE db = $1 AND id = $2),
        deleted AS (DELETE FROM local_docs WHERE db = $1 AND id = $2 AND ($3::text IS NULL OR rev = $3) RETURNING rev)
        SELECT (SELECT rev FROM current), EXISTS (SELECT FROM deleted), set_config('synchronous_commit', 'off', true)
        """;

    public async Task<LocalUpdateResult> UpdateLocalAsync(long database, LocalDocumentUpdate update, CancellationToken cancellationToken = default)
    {
        if (update.Deleted)
        {
            await using var delete = dataSource.CreateCommand(DeleteLocalIfSql);
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = update.Id });
            delete.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = update.ExpectedRev });
            await using var result = await delete.ExecuteReaderAsync(cancellationToken);
            await result.ReadAsync(cancellationToken);
            return result.GetBoolean(1) ? new LocalUpdateResult(LocalUpdateStatus.Written, "0-0")
                : result.IsDBNull(0) ? new LocalUpdateResult(LocalUpdateStatus.NotFound, null)
                : new LocalUpdateResult(LocalUpdateStatus.Conflict, null);
        }

        await using var command = dataSource.CreateCommand(UpdateLocalSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = update.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LocalDocumentUpdate.FirstRev });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = update.Json });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = update.NextRev });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = update.ExpectedRev });
        return await command.ExecuteScalarAsync(cancellationToken) is string rev
            ? new LocalUpdateResult(LocalUpdateStatus.Written, rev)
            : new LocalUpdateResult(LocalUpdateStatus.Conflict, null);
    }

    public async Task DeleteBodiesExceptAsync(long database, IReadOnlyList<RevisionKey> keep, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        AddRevisionKeys(batch, DeleteBodiesExceptSql, database, keep);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteUnreferencedAttachmentsAsync(long database, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DeleteUnreferencedAttachmentsSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, long database)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = database });
        batch.BatchCommands.Add(command);
        return command;
    }

    private static void AddDocuments(NpgsqlBatch batch, string sql, long database, IReadOnlyList<DocumentRecord> documents)
    {
        if (documents.Count == 0)
        {
            return;
        }

        // Note: ON CONFLICT DO UPDATE cannot touch a row twice in one statement, so a document listed twice keeps its last state.
        var latest = LastById(documents);
        var ids = new string[latest.Count];
        var winningRevs = new string[latest.Count];
        var deleted = new bool[latest.Count];
        var seqs = new long[latest.Count];
        var revTrees = new byte[latest.Count][];
        for (var i = 0; i < latest.Count; i++)
        {
            var document = latest[i];
            ids[i] = document.Id;
            winningRevs[i] = document.WinningRev;
            deleted[i] = document.Deleted;
            seqs[i] = document.Seq;
            revTrees[i] = document.RevTree;
        }

        var command = Add(batch, sql, database);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = winningRevs });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = deleted });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = seqs });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = revTrees });
    }

    private static void AddBodies(NpgsqlBatch batch, long database, IReadOnlyList<RevisionBody> bodies)
    {
        if (bodies.Count == 0)
        {
            return;
        }

        var latest = LastByRevision(bodies);
        var docIds = new string[latest.Count];
        var revs = new string[latest.Count];
        var json = new string[latest.Count];
        for (var i = 0; i < latest.Count; i++)
        {
            docIds[i] = latest[i].DocId;
            revs[i] = latest[i].Rev;
            json[i] = latest[i].Json;
        }

        var command = Add(batch, InsertBodiesSql, database);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = docIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = revs });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = json });
    }

    private static void AddRevisionKeys(NpgsqlBatch batch, string sql, long database, IReadOnlyList<RevisionKey> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var docIds = new string[keys.Count];
        var revs = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            docIds[i] = keys[i].DocId;
            revs[i] = keys[i].Rev;
        }

        var command = Add(batch, sql, database);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = docIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = revs });
    }

    private static void AddAttachments(NpgsqlBatch batch, long database, IReadOnlyList<AttachmentContent> attachments)
    {
        if (attachments.Count == 0)
        {
            return;
        }

        var digests = new string[attachments.Count];
        var data = new byte[attachments.Count][];
        for (var i = 0; i < attachments.Count; i++)
        {
            digests[i] = attachments[i].Digest;
            data[i] = attachments[i].Data;
        }

        var command = Add(batch, InsertAttachmentsSql, database);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = digests });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = data });
    }

    private static List<DocumentRecord> LastById(IReadOnlyList<DocumentRecord> documents)
    {
        var index = new Dictionary<string, int>(documents.Count, StringComparer.Ordinal);
        var latest = new List<DocumentRecord>(documents.Count);
        foreach (var document in documents)
        {
            if (index.TryGetValue(document.Id, out var position))
            {
                latest[position] = document;
            }
            else
            {
                index.Add(document.Id, latest.Count);
                latest.Add(document);
            }
        }

        return latest;
    }

    private static List<RevisionBody> LastByRevision(IReadOnlyList<RevisionBody> bodies)
    {
        var index = new Dictionary<RevisionKey, int>(bodies.Count);
        var latest = new List<RevisionBody>(bodies.Count);
        foreach (var body in bodies)
        {
            var key = new RevisionKey(body.DocId, body.Rev);
            if (index.TryGetValue(key, out var position))
            {
                latest[position] = body;
            }
            else
            {
                index.Add(key, latest.Count);
                latest.Add(body);
            }
        }

        return latest;
    }
}
