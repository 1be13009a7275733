using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Tessera.DataNode.Couch;
using RpcStatus = Google.Rpc.Status;

namespace Tessera.DataNode.Grpc;

/// <summary>
/// CouchDB errors as gRPC statuses: the code follows the CouchDB HTTP status (the table is in documents.proto), and a
/// <see cref="ErrorInfo"/> detail carries the CouchDB token (<c>reason</c> upper-cased, <c>metadata["error"]</c> exact)
/// and CouchDB's reason text, so clients can branch on the same tokens as REST clients.
/// </summary>
internal static class GrpcErrors
{
    public const string Domain = "tessera";

    public static RpcException From(CouchError error) => Create(CodeOf(error.StatusCode ?? 500), error.Error, error.Reason);

    public static RpcException InvalidArgument(string reason, string error = "bad_request") => Create(StatusCode.InvalidArgument, error, reason);

    public static RpcException NotFound(string reason) => Create(StatusCode.NotFound, "not_found", reason);

    public static RpcException Unauthenticated(string reason) => Create(StatusCode.Unauthenticated, "unauthorized", reason);

    public static RpcException PermissionDenied(string reason) => Create(StatusCode.PermissionDenied, "forbidden", reason);

    /// <summary>A fault of the server: a generic reason only, never the exception text (it could carry another tenant's data).</summary>
    public static RpcException Internal() => Create(StatusCode.Internal, "unknown_error", "The server could not complete the request.");

    public static RpcException Create(StatusCode code, string error, string reason)
    {
        var info = new ErrorInfo { Domain = Domain, Reason = error.ToUpperInvariant() };
        info.Metadata["error"] = error;
        info.Metadata["reason"] = reason;
        var status = new RpcStatus { Code = (int)code, Message = reason };
        status.Details.Add(Any.Pack(info));
        return status.ToRpcException();
    }

    /// <summary>The gRPC code for a CouchDB HTTP status. Client mistakes never map to INTERNAL.</summary>
    public static StatusCode CodeOf(int httpStatus) => httpStatus switch
    {
        400 or 413 or 415 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,

        // Note: ABORTED, not ALREADY_EXISTS: a create over an existing document and a stale revision are the same
        // CouchDB conflict, with the same remedy (read the current revision, merge, retry).
        409 => StatusCode.Aborted,
        412 => StatusCode.FailedPrecondition,
        429 => StatusCode.ResourceExhausted,
        >= 400 and < 500 => StatusCode.InvalidArgument,
        _ => StatusCode.Internal,
    };
}
