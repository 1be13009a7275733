using Grpc.Core;
using Tessera.DataNode.Security;
using Tessera.DataNode.Tenancy;
using Tessera.Security;

namespace Tessera.DataNode.Grpc;

/// <summary>A database an RPC may use: its names, its storage key and what the caller may do with it.</summary>
internal sealed record GrpcDatabase(string Tenant, string Name, long Key, RequestAccess Access)
{
    /// <summary>Design documents hold code and indexes: only database admins may change them (as over REST).</summary>
    public void DemandWrite(string documentId)
    {
        if (!Access.MayWriteDocument(documentId))
        {
            throw GrpcErrors.PermissionDenied("Only database admins may write design documents.");
        }
    }
}

/// <summary>
/// The one access check of every <c>tessera.v1</c> RPC: each RPC calls <see cref="OpenAsync"/> once, first, with the
/// rights it needs. It applies REST's rules (<see cref="AccessFilter"/>, <see cref="AccessPolicy"/>): who calls (bearer
/// token or API key in the <c>authorization</c> metadata), whether those credentials belong to the request's tenant,
/// and whether they grant the rights on the database; then it resolves the database.
/// </summary>
/// <remarks>
/// Answers: no or bad credentials where some are needed, UNAUTHENTICATED; credentials that do not grant the rights
/// (another tenant's included), PERMISSION_DENIED; a database that does not exist, NOT_FOUND, and only to a caller who
/// could have used it, so no answer tells a stranger which databases exist.
/// </remarks>
internal sealed class GrpcDatabaseAccess(DatabaseResolver databases)
{
    public async Task<GrpcDatabase> OpenAsync(ServerCallContext context, string tenant, string database, Rights required)
    {
        RequireName(tenant, "tenant");
        RequireName(database, "database");

        var http = context.GetHttpContext();
        var authenticated = await CallerAuthentication.AuthenticateAsync(http);
        if (authenticated is null)
        {
            throw GrpcErrors.Unauthenticated(CallerAuthentication.BadCredentials);
        }

        var (caller, via) = authenticated.Value;

        // A database that does not exist is judged as a new, open one (as REST does): the caller learns it is missing
        // only if it could have used it.
        var resolved = await databases.GetAsync(tenant, database, context.CancellationToken);
        var rights = AccessPolicy.RightsOn(caller, tenant, database, resolved?.Security ?? DatabaseSecurity.Open);
        if (rights < required)
        {
            var reason = CallerAuthentication.DenialReason(caller, tenant);
            throw caller.IsAuthenticated ? GrpcErrors.PermissionDenied(reason) : GrpcErrors.Unauthenticated(reason);
        }

        return resolved is null
            ? throw GrpcErrors.NotFound("Database does not exist.")
            : new GrpcDatabase(tenant, database, resolved.Key, new RequestAccess(caller, rights, via));
    }

    private static void RequireName(string name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw GrpcErrors.InvalidArgument($"`{field}` is required.");
        }

        if (!Names.IsValid(name))
        {
            throw GrpcErrors.InvalidArgument(Names.InvalidReason(name), field == "tenant" ? "bad_request" : "illegal_database_name");
        }
    }
}
