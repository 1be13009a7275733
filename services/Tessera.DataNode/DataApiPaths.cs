using Microsoft.AspNetCore.Http;

namespace Tessera.DataNode;

/// <summary>
/// The paths of the data API: the CouchDB API under <c>/t/{tenant}</c> and the <c>tessera.v1</c> gRPC services. Their
/// endpoints authenticate the caller themselves (<see cref="Security.AccessFilter"/>, <see cref="Grpc.GrpcDatabaseAccess"/>)
/// and never read <c>HttpContext.User</c>, so the host may spare them the authentication middleware.
/// </summary>
public static class DataApiPaths
{
    private static readonly PathString Couch = "/t";
    private const string GrpcPrefix = "/tessera.v1.";

    public static bool Contains(PathString path) =>
        path.StartsWithSegments(Couch) || (path.Value?.StartsWith(GrpcPrefix, StringComparison.Ordinal) ?? false);
}
