using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Tessera.Storage.Sqlite.Stores;

/// <summary>
/// Writes on the one writer connection. A commit is one <c>BEGIN IMMEDIATE</c> transaction in which each kind of row is
/// written by one prepared statement executed per row: in-process SQLite has no round trips to save, only parsing.
/// </summary>
internal sealed class SqliteDocumentWriter(SqliteConnectionFactory connections) : IDocumentWriter
{
    private const string UpdateDatabaseSql =
        "UPDATE databases SET update_seq = $seq, doc_count = doc_count + $docs, del_count = del_count + $deleted WHERE key = $db AND ($expected IS NULL OR update_seq = $expected)";

    private const string UpsertDocumentSql = """
        INSERT INTO documents (db, id, winning_rev, deleted, seq, rev_tree) VALUES ($db, $p0, $p1, $p2, $p3, $p4)
        ON CONFLICT (db, id) DO UPDATE
        SET winning_rev = excluded.winning_rev, deleted = excluded.deleted, seq = excluded.seq, rev_tree = excluded.rev_tree
        """;

    // Note: a body is a new revision (CommitBatch.Bodies); one that exists anyway fails the commit.
    private const string InsertBodySql = "INSERT INTO revisions (db, doc_id, rev, body) VALUES ($db, $p0, $p1, $p2)";

    private const string DeleteBodiesExceptSql =
        "DELETE FROM revisions WHERE db = $db AND doc_id = $p0 AND rev NOT IN (SELECT value FROM json_each($p1))";

    private const string DeleteBodySql = "DELETE FROM revisions WHERE db = $db AND doc_id = $p0 AND rev = $p1";

    private const string InsertAttachmentSql =
        "INSERT INTO attachments (db, digest, data) VALUES ($db, $p0, $p1) ON CONFLICT (db, digest) DO NOTHING";

    // Note: the digests still referenced by a remaining body's _attachments stubs are collected once (NOT IN builds
    // a temporary index over them), rather than scanning the bodies once per attachment.
    private const string DeleteUnreferencedAttachmentsSql = """
        DELETE FROM attachments WHERE db = $db AND digest NOT IN (
            SELECT json_extract(CASE WHEN a.type = 'object' THEN a.value ELSE '{}' END, '$.digest')
            FROM revisions r, json_each(r.body, '$._attachments') a
            WHERE r.db = $db AND json_extract(CASE WHEN a.type = 'object' THEN a.value ELSE '{}' END, '$.digest') IS NOT NULL);
        """;

    public async Task CommitAsync(long database, CommitBatch batch, CancellationToken cancellationToken = default)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        var connection = lease.Connection;
        using var transaction = connection.BeginTransaction();

        // The catalog row first: it tells whether the database still exists.
        using (var command = Prepare(connection, transaction, UpdateDatabaseSql, database))
        {
            command.Parameters.AddWithValue("$seq", batch.UpdateSeq);
            command.Parameters.AddWithValue("$docs", batch.DocCountDelta);
            command.Parameters.AddWithValue("$deleted", batch.DeletedDocCountDelta);
            command.Parameters.AddWithValue("$expected", batch.ExpectedUpdateSeq is long expected ? expected : DBNull.Value);
            if (command.ExecuteNonQuery() == 0)
            {
                var exists = Exists(connection, transaction, database);
                transaction.Rollback();
                throw exists && batch.ExpectedUpdateSeq is long stale
                    ? new ConcurrentWriterException(database, stale)
                    : new InvalidOperationException($"Storage database {database} does not exist; the commit was rolled back.");
            }
        }

        ExecuteEach(connection, transaction, UpsertDocumentSql, database, batch.Documents, static (p, d) =>
        {
            p[0].Value = d.Id;
            p[1].Value = d.WinningRev;
            p[2].Value = d.Deleted;
            p[3].Value = d.Seq;
            p[4].Value = d.RevTree;
        });
        ExecuteEach(connection, transaction, InsertBodySql, database, batch.Bodies, static (p, b) =>
        {
            p[0].Value = b.DocId;
            p[1].Value = b.Rev;
            p[2].Value = b.Json;
        });
        ExecuteEach(connection, transaction, DeleteBodySql, database, batch.RemovedBodies, SetRevisionKey);
        ExecuteEach(connection, transaction, InsertAttachmentSql, database, batch.Attachments, static (p, a) =>
        {
            p[0].Value = a.Digest;
            p[1].Value = a.Data;
        });

        transaction.Commit();
    }

    // Note: the rev check and the write are one statement on the one writer connection. WAL mode with synchronous=NORMAL
    // already commits without an fsync, so unlike PostgreSQL there is no durability setting to relax here.
    private const string UpdateLocalSql = """
        INSERT INTO local_docs (db, id, rev, body) VALUES ($db, $id, $first, $body)
        ON CONFLICT (db, id) DO UPDATE SET rev = $next, body = excluded.body WHERE rev = $expected
        RETURNING rev
        """;

    public async Task<LocalUpdateResult> UpdateLocalAsync(long database, LocalDocumentUpdate update, CancellationToken cancellationToken = default)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        await using var command = lease.Connection.CreateCommand();
        command.Parameters.AddWithValue("$db", database);
        command.Parameters.AddWithValue("$id", update.Id);
        command.Parameters.AddWithValue("$expected", update.ExpectedRev is { } expected ? expected : DBNull.Value);
        if (update.Deleted)
        {
            command.CommandText = "DELETE FROM local_docs WHERE db = $db AND id = $id AND ($expected IS NULL OR rev = $expected)";
            if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                return new LocalUpdateResult(LocalUpdateStatus.Written, "0-0");
            }

            // Nothing deleted: tell a stale rev from a missing document (same connection, nothing written in between).
            command.CommandText = "SELECT 1 FROM local_docs WHERE db = $db AND id = $id";
            return await command.ExecuteScalarAsync(cancellationToken) is null
                ? new LocalUpdateResult(LocalUpdateStatus.NotFound, null)
                : new LocalUpdateResult(LocalUpdateStatus.Conflict, null);
        }

        command.CommandText = UpdateLocalSql;
        command.Parameters.AddWithValue("$first", LocalDocumentUpdate.FirstRev);
        command.Parameters.AddWithValue("$next", update.NextRev);
        command.Parameters.AddWithValue("$body", update.Json);
        return await command.ExecuteScalarAsync(cancellationToken) is string rev
            ? new LocalUpdateResult(LocalUpdateStatus.Written, rev)
            : new LocalUpdateResult(LocalUpdateStatus.Conflict, null);
    }

    public async Task DeleteBodiesExceptAsync(long database, IReadOnlyList<RevisionKey> keep, CancellationToken cancellationToken = default)
    {
        var leavesByDocument = keep.GroupBy(k => k.DocId, StringComparer.Ordinal)
            .Select(g => (DocId: g.Key, Leaves: JsonSerializer.Serialize(g.Select(k => k.Rev).ToArray())))
            .ToList();
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        using var transaction = lease.Connection.BeginTransaction();
        ExecuteEach(lease.Connection, transaction, DeleteBodiesExceptSql, database, leavesByDocument, static (p, d) =>
        {
            p[0].Value = d.DocId;
            p[1].Value = d.Leaves;
        });
        transaction.Commit();
    }

    public async Task DeleteUnreferencedAttachmentsAsync(long database, CancellationToken cancellationToken = default)
    {
        using var lease = await connections.AcquireWriterAsync(cancellationToken);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = DeleteUnreferencedAttachmentsSql;
        command.Parameters.AddWithValue("$db", database);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void SetRevisionKey(SqliteParameter[] parameters, RevisionKey key)
    {
        parameters[0].Value = key.DocId;
        parameters[1].Value = key.Rev;
    }

    private static bool Exists(SqliteConnection connection, SqliteTransaction transaction, long database)
    {
        using var command = Prepare(connection, transaction, "SELECT 1 FROM databases WHERE key = $db", database);
        return command.ExecuteScalar() is not null;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, long database)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$db", database);
        return command;
    }

    /// <summary>Runs one statement per item, parsed once; its parameters are <c>$p0</c>, <c>$p1</c>, ... in the order the SQL numbers them.</summary>
    private static void ExecuteEach<T>(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sql,
        long database,
        IReadOnlyList<T> items,
        Action<SqliteParameter[], T> bind)
    {
        if (items.Count == 0)
        {
            return;
        }

        using var command = Prepare(connection, transaction, sql, database);
        var parameters = new SqliteParameter[CountParameters(sql)];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = "$p" + i });
        }

        command.Prepare();
        foreach (var item in items)
        {
            bind(parameters, item);
            command.ExecuteNonQuery();
        }
    }

    private static int CountParameters(string sql)
    {
        var count = 0;
        while (sql.Contains("$p" + count, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
