using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A tiny destination on real Kestrel that shows what the gateway forwarded: every request is answered with its
/// method, path, protocol and headers as JSON. It also serves a WebSocket echo (<c>.../_ws</c>), a request that is held
/// open until released (<c>.../_hold</c>, for concurrency limits) and a feed that stays open (<c>?feed=continuous</c>).
/// </summary>
public sealed class EchoDestination : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;
    private int _requests;

    private EchoDestination(WebApplication app, Uri address, Uri http2Address)
    {
        _app = app;
        Address = address;
        Http2Address = http2Address;
    }

    /// <summary>HTTP/1.1 (and HTTP/2 over TLS, which is not used here).</summary>
    public Uri Address { get; }

    /// <summary>
    /// HTTP/2 only, for cleartext prior-knowledge connections (the gateway's gRPC cluster). Note: data nodes serve both
    /// on one port (Tessera.DataNode.Grpc.Http2PriorKnowledge); this stand-in keeps to plain Kestrel.
    /// </summary>
    public Uri Http2Address { get; }

    /// <summary>Requests received so far, health probes excepted.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests now waiting in <c>_hold</c> or an open feed.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Starts a destination; <see cref="Address"/> on <paramref name="address"/> (default 127.0.0.1) and <paramref name="port"/> (default: a free one).</summary>
    public static async Task<EchoDestination> StartAsync(IPAddress? address = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(address ?? IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http1AndHttp2);
            kestrel.Listen(address ?? IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        EchoDestination? destination = null;
        app.UseWebSockets();
        app.MapGet("/readyz", () => "ok");
        app.MapGet("/healthz", () => "ok");
        app.Map("/{**path}", (HttpContext context) => destination!.HandleAsync(context));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync(); // the address could not be bound: free what was started
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a.TrimEnd('/') + "/")).ToList();
        destination = new EchoDestination(app, addresses[0], addresses[1]);
        return destination;
    }

    /// <summary>Lets every held request finish.</summary>
    public void ReleaseHeld() => Interlocked.Exchange(ref _release, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits until <paramref name="count"/> requests are held.</summary>
    public async Task WaitForHeldAsync(int count, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (Held < count)
        {
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Path.Value ?? "/";
        if (path.EndsWith("/_ws", StringComparison.Ordinal) && context.WebSockets.IsWebSocketRequest)
        {
            // Browsers offer ["tessera.v1", "tessera.bearer.<token>"]; the answer names tessera.v1, as a data node does.
            var subprotocol = context.WebSockets.WebSocketRequestedProtocols.Contains("tessera.v1") ? "tessera.v1" : null;
            using var socket = await context.WebSockets.AcceptWebSocketAsync(subprotocol);
            await EchoAsync(socket, context.RequestAborted);
            return;
        }

        if (path.EndsWith("/_hold", StringComparison.Ordinal) || context.Request.Query["feed"] == "continuous")
        {
            await HoldAsync(context);
            return;
        }

        // Drain the body so size caps and streaming are exercised; report its length.
        long length = 0;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            length += read;
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new EchoReply(
            context.Request.Method,
            path,
            context.Request.QueryString.Value ?? "",
            context.Request.Protocol,
            length,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)), cancellationToken: context.RequestAborted);
    }

    private async Task HoldAsync(HttpContext context)
    {
        var release = Volatile.Read(ref _release).Task;
        Interlocked.Increment(ref _held);
        try
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("held\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await release.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away; nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await _app.DisposeAsync();
    }
}

/// <summary>What <see cref="EchoDestination"/> received.</summary>
public sealed record EchoReply(string Method, string Path, string Query, string Protocol, long BodyLength, Dictionary<string, string> Headers);
