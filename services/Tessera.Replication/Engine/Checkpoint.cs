using System.Text.Json;

namespace Tessera.Replication.Engine;

/// <summary>
/// The replication log CouchDB keeps in <c>_local/{replication id}</c> on both source and target:
/// <c>{"session_id","source_last_seq","replication_id_version","history":[{"session_id","recorded_seq",...}]}</c>.
/// A replication resumes from the last sequence both sides recorded in a common session (couch_replicator's
/// <c>compare_replication_logs</c>), so a checkpoint written to only one side before a crash is never trusted.
/// </summary>
internal sealed class Checkpoint
{
    public const int ReplicationIdVersion = 4;

    /// <summary>The sequence a replication starts from when the logs share nothing.</summary>
    public const string Origin = "0";

    private const int MaxHistory = 50;

    private Checkpoint(string? rev, string? sessionId, string? sourceLastSeq, IReadOnlyList<HistoryItem> history)
    {
        Rev = rev;
        SessionId = sessionId;
        SourceLastSeq = sourceLastSeq;
        History = history;
    }

    /// <summary>The <c>_local</c> revision to update; null before the first write.</summary>
    public string? Rev { get; private set; }

    public string? SessionId { get; }

    /// <summary>Raw JSON.</summary>
    public string? SourceLastSeq { get; }

    /// <summary>Sessions as read when this session started, newest first; each write puts the current session on top.</summary>
    public IReadOnlyList<HistoryItem> History { get; }

    public static Checkpoint Empty() => new(null, null, null, []);

    public static Checkpoint Parse(JsonElement? document)
    {
        if (document is not { ValueKind: JsonValueKind.Object } doc)
        {
            return Empty();
        }

        var history = doc.TryGetProperty("history", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(i => new HistoryItem(
                i.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null,
                i.TryGetProperty("recorded_seq", out var r) && r.ValueKind is JsonValueKind.String or JsonValueKind.Number ? r.GetRawText() : null,
                i.GetRawText())).ToList()
            : [];
        return new Checkpoint(
            doc.TryGetProperty("_rev", out var rev) && rev.ValueKind == JsonValueKind.String ? rev.GetString() : null,
            doc.TryGetProperty("session_id", out var session) && session.ValueKind == JsonValueKind.String ? session.GetString() : null,
            doc.TryGetProperty("source_last_seq", out var seq) && seq.ValueKind is JsonValueKind.String or JsonValueKind.Number ? seq.GetRawText() : null,
            history);
    }

    /// <summary>Where to resume: the last session both logs know (CouchDB's rule), else the beginning.</summary>
    public static string StartSeq(Checkpoint source, Checkpoint target)
    {
        if (source.SessionId is not null && source.SessionId == target.SessionId)
        {
            return source.SourceLastSeq ?? Origin;
        }

        var (s, t) = (source.History, target.History);
        for (var i = 0; i < s.Count && i < t.Count; i++)
        {
            if (s[i].SessionId is { } sourceSession && t.Skip(i).Any(h => h.SessionId == sourceSession))
            {
                return s[i].RecordedSeq ?? Origin;
            }

            if (t[i].SessionId is { } targetSession && s.Skip(i + 1).Any(h => h.SessionId == targetSession))
            {
                return t[i].RecordedSeq ?? Origin;
            }
        }

        return Origin;
    }

    /// <summary>
    /// Records <paramref name="seq"/> in the database's log; retries once on a stale revision (someone else wrote the log).
    /// </summary>
    public async Task WriteAsync(CouchDatabaseClient database, string id, string sessionId, string seq, HistoryEntry current, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var rev = await database.PutLocalAsync(id, w =>
            {
                w.WriteStartObject();
                w.WriteString("_id", id);
                if (Rev is not null)
                {
                    w.WriteString("_rev", Rev);
                }

                w.WriteString("session_id", sessionId);
                w.WritePropertyName("source_last_seq");
                w.WriteRawValue(seq, skipInputValidation: true);
                w.WriteNumber("replication_id_version", ReplicationIdVersion);
                w.WriteStartArray("history");
                current.WriteTo(w);
                foreach (var item in History.Take(MaxHistory - 1))
                {
                    w.WriteRawValue(item.Raw, skipInputValidation: true);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }, ct);
            if (rev is not null)
            {
                Rev = rev;
                return;
            }

            if (attempt > 0)
            {
                throw new ReplicationException(409, "checkpoint_conflict", $"the replication log on {database.Display} keeps changing under this replication");
            }

            Rev = Parse(await database.GetLocalAsync(id, ct)).Rev;
        }
    }

    /// <summary>One past session of a log: its id, its recorded sequence (raw JSON) and the entry as stored.</summary>
    public sealed record HistoryItem(string? SessionId, string? RecordedSeq, string Raw);
}
