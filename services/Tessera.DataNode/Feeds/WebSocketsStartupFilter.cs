using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Tessera.DataNode.Feeds;

/// <summary>
/// Puts ASP.NET Core's WebSocket middleware first in the pipeline, so <c>feed=websocket</c> works without a line in
/// Program.cs. The middleware only recognises upgrade requests; accepting one is the endpoint's decision, after its filters.
/// </summary>
internal sealed class WebSocketsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWebSockets();
        next(app);
    };
}
