using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.DataNode.Couch;
using Tessera.DataNode.Security;
using Tessera.Replication.Definitions;
using Tessera.Replication.Engine;
using Tessera.Replication.Jobs;
using Tessera.Security;

namespace Tessera.Replication.Endpoints;

/// <summary>
/// <c>POST /t/{tenant}/_replicate</c>, as CouchDB's: a one-shot replication runs to its end and answers its history;
/// a continuous one starts in its job grain and answers 202 with its <c>_local_id</c>; <c>"cancel": true</c> with the
/// same body (or with <c>"replication_id"</c>) stops it.
/// </summary>
public static class ReplicateEndpoints
{
    private const long MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapReplicateEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/_replicate", ReplicateAsync).RequireTenant(Rights.Admin);
        return tenant;
    }

    private static async Task<IResult> ReplicateAsync(HttpContext context, string tenant, Replicator replicator, OutboundAddressGuard guard, IGrainFactory grains)
    {
        var (json, error) = await RequestBody.ReadJsonAsync(context.Request, MaxBodyBytes);
        if (error is not null)
        {
            return error;
        }

        ReplicationDefinition? definition;
        string raw;
        using (json)
        {
            var root = json!.RootElement;
            if (CancelById(root) is { } replicationId)
            {
                return await CancelAsync(grains, tenant, replicationId);
            }

            if (!ReplicationDefinitionParser.TryParse(root, tenant, out definition, out var reason))
            {
                return CouchError.BadRequest(reason);
            }

            raw = root.GetRawText();
        }

        if (definition.Cancel)
        {
            return await CancelAsync(grains, tenant, definition.LocalId);
        }

        // Note: answered before a continuous job starts (CouchDB would only show it in the job's state); the connection
        // itself is checked again, so this is a courtesy, not the guard.
        var urls = new[] { definition.Source.Url, definition.Target.Url }.OfType<Uri>();
        if (await guard.FirstRefusedAsync(urls, context.RequestAborted) is { } refused)
        {
            var exception = ReplicationException.AddressRefused(refused.AbsoluteUri);
            return new CouchError(exception.StatusCode, exception.Error, exception.Reason);
        }

        if (definition.Continuous)
        {
            await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Transient(tenant, definition.LocalId)).StartAsync(raw);
            return new CouchJson(202, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WriteString("_local_id", definition.LocalId);
                w.WriteEndObject();
            });
        }

        try
        {
            var result = await replicator.RunAsync(definition, new ReplicationStats(), context.RequestAborted);
            return CouchJson.Ok(result.WriteTo);
        }
        catch (ReplicationException exception)
        {
            return new CouchError(exception.StatusCode, exception.Error, exception.Reason);
        }
    }

    /// <summary>CouchDB also cancels by id alone: <c>{"replication_id": "...", "cancel": true}</c>.</summary>
    private static string? CancelById(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("cancel", out var cancel) && cancel.ValueKind == JsonValueKind.True
        && root.TryGetProperty("replication_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0
            ? id.GetString()
            : null;

    private static async Task<IResult> CancelAsync(IGrainFactory grains, string tenant, string localId)
    {
        var cancelled = await grains.GetGrain<IReplicationJobGrain>(ReplicationJobKey.Transient(tenant, localId)).CancelAsync();
        return cancelled
            ? CouchJson.Ok(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", true);
                w.WriteString("_local_id", localId);
                w.WriteEndObject();
            })
            : new CouchError(404, "not_found", localId);
    }
}
