using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Replication.Engine;

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
/// <see cref="Resolver"/> in place of the system resolver, on real Kestrel at 127.0.0.1.
/// </summary>
/// <remarks>
/// Note: <see cref="Testing.TesseraHost"/> takes settings, not services, so this fixture starts the server the same way
/// with one service replaced: the <see cref="IOutboundHostResolver"/> seam of <see cref="OutboundAddressGuard"/>.
/// </remarks>
public sealed class ScriptedResolverServer : IAsyncLifetime
{
    private const string ApiKey = "key_rebinding";
    private readonly string apiSecret = "secret-" + Guid.NewGuid().ToString("N");
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), $"tessera-rebind-{Guid.NewGuid():N}");
    private Factory? factory;
    private Uri? baseAddress;

    public ScriptedResolver Resolver { get; } = new();

    /// <summary>A client whose base address is the tenant root (<c>/t/dev/</c>), authenticated as the tenant admin key.</summary>
    public CouchClient CreateClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(baseAddress ?? throw new InvalidOperationException("The server has not been started."), "t/dev/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{ApiKey}:{apiSecret}")));
        return new CouchClient(http);
    }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(dataPath);
        var settings = TestSettings.Replication(dataPath);
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Tessera:Bootstrap:Tenant"] = "dev";
        settings["Tessera:Bootstrap:ApiKey"] = ApiKey;
        settings["Tessera:Bootstrap:ApiSecret"] = apiSecret;
        settings["Tessera:Replication:AllowPrivateAddresses"] = "false";
        factory = new Factory(settings, Resolver);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
        await Task.Run(factory.StartServer);
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        baseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test; the OS cleans the temp folder eventually.
        }
    }

    private sealed class Factory(Dictionary<string, string?> settings, ScriptedResolver resolver) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddSingleton<IOutboundHostResolver>(resolver));
        }
    }
}
