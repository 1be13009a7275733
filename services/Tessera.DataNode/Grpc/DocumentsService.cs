using System.Text;
using System.Text.Json;
using Grpc.Core;
using Tessera.Contracts.V1;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Documents;
using Tessera.Documents;
using Tessera.Grains;
using Tessera.Security;
using Tessera.Storage;
using DocumentsBase = Tessera.Contracts.V1.Documents.DocumentsBase;

namespace Tessera.DataNode.Grpc;

/// <summary>
/// <c>tessera.v1.Documents</c>: the CouchDB document API over gRPC (contract and error table in
/// <c>services/Tessera.Contracts/protos/tessera/v1/documents.proto</c>). Every RPC first passes
/// <see cref="GrpcDatabaseAccess.OpenAsync"/>; reads go to storage and writes through the database's grain, with the
/// same helpers as the REST endpoints, so both APIs keep the same rules.
/// </summary>
internal sealed partial class DocumentsService(
    GrpcDatabaseAccess access,
    IDocumentReader reader,
    IDatabaseCatalog catalog,
    IGrainFactory grains,
    ChangesStream changes) : DocumentsBase
{
    // Headroom over the depth limit, as DocumentParser keeps: it reports deeper documents with CouchDB's own error.
    private static readonly JsonDocumentOptions BulkItemOptions = new() { MaxDepth = DocumentLimits.Default.MaxDepth + 2 };

    public override async Task<Document> Get(GetDocumentRequest request, ServerCallContext context)
    {
        var database = await access.OpenAsync(context, request.Tenant, request.Database, Rights.Read);
        RequireId(request.Id);
        var rev = ParseRev(request.Rev);
        var flags = (request.Revs ? ReadFlags.Revisions : ReadFlags.None)
            | (request.Conflicts ? ReadFlags.Conflicts : ReadFlags.None)
            | (request.DeletedConflicts ? ReadFlags.DeletedConflicts : ReadFlags.None);
        var (document, error) = await DocumentLookup.ReadAsync(reader, database.Key, request.Id, rev, flags, context.CancellationToken);
        if (error is not null)
        {
            throw GrpcErrors.From(error);
        }

        return new Document { Id = request.Id, Rev = document!.Rev.ToString(), Deleted = document.Deleted, Json = JsonText.Write(document.WriteTo) };
    }

    public override async Task<PutDocumentResponse> Put(PutDocumentRequest request, ServerCallContext context)
    {
        var database = await access.OpenAsync(context, request.Tenant, request.Database, Rights.Write);
        if (request.Id.Length > 0)
        {
            RequireId(request.Id);
        }

        var (document, parseError) = DocumentWrites.Parse(Encoding.UTF8.GetBytes(request.Json));
        if (parseError is not null)
        {
            throw GrpcErrors.From(parseError);
        }

        if (request.Id.Length > 0 && document!.Id is { } bodyId && bodyId != request.Id)
        {
            throw GrpcErrors.InvalidArgument("Document id from request and body have different values");
        }

        // Like POST /{db}: no id anywhere makes a new document with a server-chosen id.
        var id = request.Id.Length > 0 ? request.Id : document!.Id ?? DocumentWrites.NewId();
        var rev = ParseRev(request.Rev);
        if (rev is RevId given && document!.Rev is RevId inBody && given != inBody)
        {
            throw GrpcErrors.InvalidArgument("Document rev from request body and query string have different values");
        }

        database.DemandWrite(id);
        var write = DocumentWrites.From(document!, id, rev ?? document!.Rev, document!.Deleted, newEdits: true) with
        {
            NewId = request.Id.Length == 0 && document.Id is null,
        };
        var result = await WriteAsync(database, write);
        return new PutDocumentResponse { Id = result.Id, Rev = result.Rev };
    }

    public override async Task<DeleteDocumentResponse> Delete(DeleteDocumentRequest request, ServerCallContext context)
    {
        var database = await access.OpenAsync(context, request.Tenant, request.Database, Rights.Write);
        RequireId(request.Id);
        var rev = ParseRev(request.Rev);
        database.DemandWrite(request.Id);
        if (await DocumentWrites.CheckDeleteAsync(reader, database.Key, request.Id, rev, context.CancellationToken) is { } refusal)
        {
            throw GrpcErrors.From(refusal);
        }

        var result = await WriteAsync(database, new DocumentWrite(request.Id, rev!.Value.ToString(), true, "{}", null, []));
        return new DeleteDocumentResponse { Id = result.Id, Rev = result.Rev };
    }

    public override async Task<BulkDocsResponse> BulkDocs(BulkDocsRequest request, ServerCallContext context)
    {
        var database = await access.OpenAsync(context, request.Tenant, request.Database, Rights.Write);
        var newEdits = !request.HasNewEdits || request.NewEdits;
        var parsed = new List<JsonDocument>(request.Docs.Count);
        try
        {
            foreach (var json in request.Docs)
            {
                parsed.Add(ParseJson(json));
            }

            var (input, error) = BulkDocsInput.Prepare(parsed.ConvertAll(d => d.RootElement), newEdits, database.Access.MayWriteDocument);
            if (error is not null)
            {
                throw GrpcErrors.From(error);
            }

            var response = await Grain(database).WriteAsync(new WriteRequest(input!.Writes, newEdits));
            if (response.Status == DatabaseStatus.NotFound)
            {
                throw GrpcErrors.From(CouchError.DatabaseNotFound());
            }

            var answer = new BulkDocsResponse();
            foreach (var result in input.Merge(response.Results))
            {
                answer.Results.Add(new BulkDocsResult { Id = result.Id, Rev = result.Rev ?? "", Error = result.Error ?? "", Reason = result.Reason ?? "" });
            }

            return answer;
        }
        finally
        {
            parsed.ForEach(d => d.Dispose());
        }
    }

    public override async Task Changes(ChangesRequest request, IServerStreamWriter<Change> responseStream, ServerCallContext context)
    {
        var database = await access.OpenAsync(context, request.Tenant, request.Database, Rights.Read);
        await changes.StreamAsync(database, request, responseStream, context.CancellationToken);
    }

    private async Task<WriteResult> WriteAsync(GrpcDatabase database, DocumentWrite write)
    {
        var (result, error) = DocumentWrites.ResultOf(await Grain(database).WriteAsync(new WriteRequest([write], NewEdits: true)));
        return error is not null ? throw GrpcErrors.From(error) : result!;
    }

    private IDatabaseGrain Grain(GrpcDatabase database) => grains.GetDatabaseGrain(database.Tenant, database.Name);

    private static void RequireId(string id)
    {
        if (!DocumentIds.IsValid(id, out var reason))
        {
            throw GrpcErrors.InvalidArgument(reason, DocumentException.IllegalDocId);
        }
    }

    private static RevId? ParseRev(string rev) =>
        rev.Length == 0 ? null
        : RevId.TryParse(rev, out var parsed) ? parsed
        : throw GrpcErrors.InvalidArgument("Invalid rev format");

    private static JsonDocument ParseJson(string json)
    {
        try
        {
            return JsonDocument.Parse(json, BulkItemOptions);
        }
        catch (JsonException)
        {
            throw GrpcErrors.From(CouchError.InvalidJson());
        }
    }
}
