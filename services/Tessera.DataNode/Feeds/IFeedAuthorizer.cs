using Microsoft.AspNetCore.Http;
using Tessera.DataNode.Security;
using Tessera.Security;
using Tessera.Storage;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Decides whether the caller of a live feed may read a database's changes. A WebSocket connection follows databases
/// named in its messages, which the route group's filters never saw, so each subscription asks here (the database in the
/// URL too, before the upgrade). The default applies <see cref="AccessPolicy"/> to the caller the route group's
/// <see cref="AccessFilter"/> identified, exactly as a GET of that database's <c>_changes</c> would be judged. It is
/// registered with TryAdd: register another before <c>AddTesseraDataNode</c>, or replace it after.
/// </summary>
public interface IFeedAuthorizer
{
    /// <summary>Null when allowed; otherwise the CouchDB error to answer (<c>unauthorized</c> or <c>forbidden</c>).</summary>
    ValueTask<FeedDenial?> AuthorizeReadAsync(HttpContext context, DatabaseRecord database, CancellationToken cancellationToken);
}

/// <param name="Error">A CouchDB error token: <c>unauthorized</c> (401) or <c>forbidden</c> (403).</param>
public sealed record FeedDenial(string Error, string Reason)
{
    public int StatusCode => Error == "unauthorized" ? 401 : 403;
}

/// <remarks>
/// Note: the caller is the one authenticated on the upgrade request; a token that expires later keeps an open connection
/// (like an HTTP response in progress), but every new subscription is judged with the database's current settings.
/// </remarks>
internal sealed class AccessPolicyFeedAuthorizer : IFeedAuthorizer
{
    public ValueTask<FeedDenial?> AuthorizeReadAsync(HttpContext context, DatabaseRecord database, CancellationToken cancellationToken)
    {
        var caller = RequestAccess.Of(context).Caller;
        var security = DatabaseSecurity.Parse(database.SecurityJson, database.PublicRead);
        FeedDenial? denial = AccessPolicy.RightsOn(caller, database.Tenant, database.Name, security) >= Rights.Read
            ? null
            : caller.IsAuthenticated
                ? new FeedDenial("forbidden", "You are not allowed to access this db.")
                : new FeedDenial("unauthorized", "You are not authorized to access this db.");
        return ValueTask.FromResult(denial);
    }
}
