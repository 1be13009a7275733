using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// A CouchDB-compatible endpoint that demands HTTP Basic credentials: a tiny reverse proxy on 127.0.0.1:0 in front of
/// a Tessera server, answering CouchDB's 401 to anyone without the right user and password, and calling Tessera with
/// its own credentials (the tenant's API key). Paths and bodies pass through unchanged, streamed.
/// </summary>
public sealed class BasicAuthProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private BasicAuthProxy(WebApplication app, HttpClient upstream, Uri address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    /// <summary>The proxy root, e.g. <c>http://127.0.0.1:41234/</c>; append a Tessera path such as <c>t/dev/orders</c>.</summary>
    public Uri Address { get; }

    /// <summary>How many requests arrived with the right credentials.</summary>
    public int Authorized => _authorized;

    private int _authorized;

    public static async Task<BasicAuthProxy> StartAsync(Uri upstream, string upstreamAuthorization, string user, string password)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
        BasicAuthProxy? proxy = null;
        app.Run(async context =>
        {
            if (context.Request.Headers.Authorization != expected)
            {
                context.Response.StatusCode = 401;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":"unauthorized","reason":"Name or password is incorrect."}""" + "\n");
                return;
            }

            Interlocked.Increment(ref proxy!._authorized);
            var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(upstream.GetLeftPart(UriPartial.Authority) + target));
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                request.Content = new StreamContent(context.Request.Body);
                if (context.Request.ContentType is { } type)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                }
            }

            request.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToString());
            request.Headers.TryAddWithoutValidation("Authorization", upstreamAuthorization);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } contentType)
            {
                context.Response.ContentType = contentType.ToString();
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        proxy = new BasicAuthProxy(app, client, new Uri(address.TrimEnd('/') + "/"));
        return proxy;
    }

    /// <summary>The proxied URL of a Tessera database, with <paramref name="userInfo"/> (such as <c>ann:secret</c>) when given.</summary>
    public string Url(string tenant, string db, string? userInfo = null)
    {
        var builder = new UriBuilder(new Uri(Address, $"t/{tenant}/{Uri.EscapeDataString(db)}"));
        if (userInfo is not null)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.UserName = Uri.EscapeDataString(userInfo[..colon]);
            builder.Password = Uri.EscapeDataString(userInfo[(colon + 1)..]);
        }

        return builder.Uri.AbsoluteUri;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
