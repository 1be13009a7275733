using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Replication.Engine;
using Tessera.Testing;

namespace Tessera.Replication.IntegrationTests;

/// <summary>
/// A DNS resolver whose answers a test scripts per host name: the n-th lookup gets the n-th answer (the last one
/// repeats), and every lookup is counted. Unscripted names do not resolve, like a name no DNS server knows.
/// </summary>
public sealed class ScriptedResolver : IOutboundHostResolver
{
    private readonly ConcurrentDictionary<string, (IPAddress[][] Answers, int Calls)> scripts = new(StringComparer.OrdinalIgnoreCase);

    public void Script(string host, params IPAddress[][] answers) => scripts[host] = (answers, 0);

    public int Lookups(string host) => scripts.TryGetValue(host, out var script) ? script.Calls : 0;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        while (scripts.TryGetValue(host, out var script))
        {
            if (scripts.TryUpdate(host, (script.Answers, script.Calls + 1), script))
            {
                return Task.FromResult(script.Answers[Math.Min(script.Calls, script.Answers.Length - 1)]);
            }
        }

        throw new SocketException((int)SocketError.HostNotFound);
    }
}

/// <summary>
/// The real server with the address guard on (<c>AllowPrivateAddresses=false</c>, as a cluster runs it) and
/// <see cref="Resolver"/> in place of the system resolver (the <see cref="IOutboundHostResolver"/> seam of
/// <see cref="OutboundAddressGuard"/>), on real Kestrel at 127.0.0.1.
/// </summary>
public sealed class ScriptedResolverServer : IAsyncLifetime
{
    private TesseraHost? host;

    public ScriptedResolver Resolver { get; } = new();

    /// <summary>A client whose base address is the tenant root (<c>/t/dev/</c>), authenticated as the tenant admin key.</summary>
    public CouchClient CreateClient() =>
        new((host ?? throw new InvalidOperationException("The server has not been started.")).CreateClient());

    public async ValueTask InitializeAsync()
    {
        var settings = TestSettings.Replication();
        settings["Tessera:Replication:AllowPrivateAddresses"] = "false";
        host = await TesseraHost.StartAsync(settings: settings, configureServices: services => services.AddSingleton<IOutboundHostResolver>(Resolver));
    }

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }
}
