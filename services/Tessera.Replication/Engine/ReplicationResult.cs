using System.Text.Json;

namespace Tessera.Replication.Engine;

/// <summary>One session's entry of a checkpoint's <c>history</c>, as CouchDB records it.</summary>
/// <param name="StartLastSeq">Where the session started (raw JSON); likewise <paramref name="EndLastSeq"/> and <paramref name="RecordedSeq"/>.</param>
public sealed record HistoryEntry(
    string SessionId,
    string StartTime,
    string EndTime,
    string StartLastSeq,
    string EndLastSeq,
    string RecordedSeq,
    long MissingChecked,
    long MissingFound,
    long DocsRead,
    long DocsWritten,
    long DocWriteFailures)
{
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("session_id", SessionId);
        w.WriteString("start_time", StartTime);
        w.WriteString("end_time", EndTime);
        w.WritePropertyName("start_last_seq");
        w.WriteRawValue(StartLastSeq, skipInputValidation: true);
        w.WritePropertyName("end_last_seq");
        w.WriteRawValue(EndLastSeq, skipInputValidation: true);
        w.WritePropertyName("recorded_seq");
        w.WriteRawValue(RecordedSeq, skipInputValidation: true);
        w.WriteNumber("missing_checked", MissingChecked);
        w.WriteNumber("missing_found", MissingFound);
        w.WriteNumber("docs_read", DocsRead);
        w.WriteNumber("docs_written", DocsWritten);
        w.WriteNumber("doc_write_failures", DocWriteFailures);
        w.WriteEndObject();
    }
}

/// <summary>What a finished one-shot replication answers: CouchDB's <c>_replicate</c> response.</summary>
/// <param name="SourceLastSeq">The last source sequence replicated (raw JSON).</param>
/// <param name="PreviousHistory">Earlier sessions' entries (raw JSON objects), newest first.</param>
/// <param name="NoChanges">True when the session found nothing to replicate.</param>
public sealed record ReplicationResult(string SessionId, string SourceLastSeq, HistoryEntry Current, IReadOnlyList<string> PreviousHistory, bool NoChanges)
{
    /// <summary>Writes <c>{"ok":true,"session_id","source_last_seq","replication_id_version","history":[...]}</c>.</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        if (NoChanges)
        {
            w.WriteBoolean("no_changes", true);
        }

        w.WriteString("session_id", SessionId);
        w.WritePropertyName("source_last_seq");
        w.WriteRawValue(SourceLastSeq, skipInputValidation: true);
        w.WriteNumber("replication_id_version", Checkpoint.ReplicationIdVersion);
        w.WriteStartArray("history");
        Current.WriteTo(w);
        foreach (var entry in PreviousHistory)
        {
            w.WriteRawValue(entry, skipInputValidation: true);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
