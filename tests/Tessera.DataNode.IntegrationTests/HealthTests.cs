using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tessera.ServiceDefaults;
using Tessera.Testing;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>A SQLite server whose request counter also reads the tenant from hosts under <see cref="BaseDomain"/>.</summary>
public sealed class TelemetrySqliteServer : TesseraServerFixture
{
    public const string BaseDomain = "tessera.test";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Tessera:Telemetry:BaseDomain"] = BaseDomain,
    };
}

/// <summary><c>/healthz</c>, <c>/readyz</c> and the per-tenant request counter of the real server.</summary>
public sealed class HealthTests(TelemetrySqliteServer server) : CouchTestBase(server), IClassFixture<TelemetrySqliteServer>
{
    [Fact]
    public async Task Healthz_OnRunningServer_Returns200Healthy()
    {
        var response = await Couch.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Healthy", response.Json.GetProperty("status").GetString());
        // Liveness must not depend on storage or the cluster: a restart fixes neither.
        Assert.Equal(["self"], response.Json.GetProperty("checks").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Readyz_WithStorageAndActiveSilo_Returns200WithEveryReadyCheck()
    {
        var response = await Couch.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var checks = response.Json.GetProperty("checks");
        Assert.Equal(["orleans", "shutdown", "storage"], checks.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), p => Assert.Equal("Healthy", p.Value.GetString()));
    }

    [Fact]
    public async Task Requests_UnderTenantRoute_AreCountedPerTenantAndStatus()
    {
        using var recorder = new RequestCounterRecorder(Server.Host);
        var db = await Couch.CreateDatabaseAsync();
        await Couch.GetAsync(db);
        var unknownTenant = await Couch.GetAsync("/t/nosuchtenant/");
        await Couch.GetAsync("/healthz");

        await recorder.WaitForAsync(m => m.Tenant == "dev" && m.Status == 201);
        await recorder.WaitForAsync(m => m.Tenant == "dev" && m.Status == 200);
        await recorder.WaitForAsync(m => m.Tenant == "nosuchtenant" && m.Status == (int)unknownTenant.Status);
        // Health probes are not tenant traffic and are not counted.
        Assert.DoesNotContain(recorder.Measurements, m => m.Tenant == TenantRequestMetrics.NoTenant);
    }

    [Fact]
    public async Task Requests_OnTenantHost_AreCountedForTheHostsTenant()
    {
        using var recorder = new RequestCounterRecorder(Server.Host);

        var acme = await Couch.SendAsync(HttpMethod.Get, "/no-such-page", headers: h => h.Host = $"acme.{TelemetrySqliteServer.BaseDomain}");
        await Couch.SendAsync(HttpMethod.Get, "/no-such-page", headers: h => h.Host = $"a.b.{TelemetrySqliteServer.BaseDomain}");

        await recorder.WaitForAsync(m => m.Tenant == "acme" && m.Status == (int)acme.Status);
        await recorder.WaitForAsync(m => m.Tenant == TenantRequestMetrics.NoTenant);
        Assert.DoesNotContain(recorder.Measurements, m => m.Tenant.StartsWith("a.", StringComparison.Ordinal));
    }
}

/// <summary>Readiness follows PostgreSQL: ready while it answers, unready (503) once the database is gone, alive throughout.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresHealthTests(PostgresServer postgres)
{
    [Fact]
    public async Task Readyz_WhenStorageDatabaseIsDropped_Returns503WhileHealthzStays200()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync("health");
        await using var host = await TesseraHost.StartAsync(connectionString);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using (var ready = await http.GetAsync("/readyz", cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await DropDatabaseAsync(postgres.ConnectionString, new NpgsqlConnectionStringBuilder(connectionString).Database!, cancellationToken);

        using var unready = await http.GetAsync("/readyz", cancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
        using var body = JsonDocument.Parse(await unready.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("storage").GetString());
        Assert.DoesNotContain("Host=", body.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);
        using var live = await http.GetAsync("/healthz", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static async Task DropDatabaseAsync(string adminConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var admin = NpgsqlDataSource.Create(adminConnectionString);
        await using var command = admin.CreateCommand($"DROP DATABASE \"{database}\" WITH (FORCE)");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>One recorded increment of <c>tessera.http.requests</c>.</summary>
public sealed record RequestMeasurement(string Tenant, int Status, long Value);

/// <summary>
/// Listens to one host's <c>tessera.http.requests</c> counter (instruments are told apart by their meter's scope, the
/// host's <see cref="IMeterFactory"/>, so servers of other test classes do not interfere).
/// </summary>
public sealed class RequestCounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RequestMeasurement> _measurements = new();
    private readonly SemaphoreSlim _recorded = new(0);

    public RequestCounterRecorder(TesseraHost host)
    {
        var scope = host.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == TenantRequestMetrics.RequestsCounterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? tenant = null;
            var status = 0;
            foreach (var tag in tags)
            {
                if (tag.Key == "tenant")
                {
                    tenant = tag.Value as string;
                }
                else if (tag.Key == "http.response.status_code")
                {
                    status = Convert.ToInt32(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            _measurements.Enqueue(new RequestMeasurement(tenant ?? "", status, value));
            _recorded.Release();
        });
        _listener.Start();
    }

    public IReadOnlyCollection<RequestMeasurement> Measurements => [.. _measurements];

    /// <summary>
    /// Waits until a matching measurement was recorded. Note: the server counts a request after its response was sent,
    /// so the client can see the answer a moment before the count; this waits on the count itself, not on time.
    /// </summary>
    public async Task<RequestMeasurement> WaitForAsync(Func<RequestMeasurement, bool> match)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            if (_measurements.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await _recorded.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"No matching measurement; recorded: {string.Join(", ", _measurements)}");
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _recorded.Dispose();
    }
}
