using System.Globalization;
using Grpc.Core;
using Tessera.Contracts.V1;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.Security;
using Tessera.Storage;

namespace Tessera.DataNode.Grpc;

/// <summary><c>AllDocs</c>: the rows of <c>_all_docs</c>, streamed one message per row as they are read.</summary>
internal sealed partial class DocumentsService
{
    public const string TotalRowsHeader = "tessera-total-rows";
    public const string UpdateSeqHeader = "tessera-update-seq";

    public override async Task AllDocs(AllDocsRequest request, IServerStreamWriter<AllDocsRow> responseStream, ServerCallContext context)
    {
        var database = await access.OpenAsync(context, request.Tenant, request.Database, Rights.Read);
        if (request.Keys.Count > 0 && (request.StartKey.Length > 0 || request.EndKey.Length > 0))
        {
            throw GrpcErrors.InvalidArgument("`keys` is incompatible with `start_key` and `end_key`.");
        }

        if (request.Skip < 0 || (request.HasLimit && request.Limit < 0))
        {
            throw GrpcErrors.InvalidArgument("`skip` and `limit` must not be negative.");
        }

        var ct = context.CancellationToken;
        var info = await catalog.GetAsync(database.Tenant, database.Name, ct) ?? throw GrpcErrors.From(CouchError.DatabaseNotFound());
        await context.WriteResponseHeadersAsync(new Metadata
        {
            { TotalRowsHeader, info.DocCount.ToString(CultureInfo.InvariantCulture) },
            { UpdateSeqHeader, Sequences.Format(info.UpdateSeq) },
        });

        var query = new AllDocsQuery(
            request.StartKey.Length > 0 ? request.StartKey : null,
            request.EndKey.Length > 0 ? request.EndKey : null,
            !request.HasInclusiveEnd || request.InclusiveEnd,
            request.Descending,
            request.Skip,
            request.HasLimit ? request.Limit : int.MaxValue,
            request.IncludeDocs);
        var flags = request.IncludeDocs && request.Conflicts ? ReadFlags.Conflicts : ReadFlags.None;
        var keys = request.Keys.Count > 0 ? request.Keys : null;
        await foreach (var entry in AllDocsEntries.ReadAsync(reader, info.Key, keys, query, flags, ct))
        {
            await responseStream.WriteAsync(ToRow(entry), ct);
        }
    }

    private static AllDocsRow ToRow(AllDocsEntry entry)
    {
        if (entry.Record is not { } record)
        {
            return new AllDocsRow { Id = entry.Id, Error = "not_found" };
        }

        var row = new AllDocsRow { Id = record.Id, Rev = record.WinningRev, Deleted = record.Deleted };
        if (entry.Body is { } body)
        {
            row.Json = JsonText.Write(w => DocumentJsonWriter.Write(w, record.Id, record.WinningRev, false, body, entry.Extras));
        }

        return row;
    }
}
