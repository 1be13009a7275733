using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Tessera.Testing;

namespace Tessera.Cluster.IntegrationTests;

/// <summary>
/// Two data nodes as one Orleans cluster on PostgreSQL membership: they see each other, any node serves any database
/// (the single writer is wherever Orleans activated the grain), and the database grains spread over both silos.
/// </summary>
public sealed class ClusterTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private readonly HttpClient _a = cluster.A.CreateClient();
    private readonly HttpClient _b = cluster.B.CreateClient();

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Silos_SharingAdoNetMembership_SeeEachOtherAsActive()
    {
        var management = cluster.A.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);

        var hosts = await management.GetHosts(onlyActive: true, CancellationToken);

        Assert.Equal(2, hosts.Count);
        Assert.Contains(TwoSiloCluster.SiloOf(cluster.A), hosts.Keys);
        Assert.Contains(TwoSiloCluster.SiloOf(cluster.B), hosts.Keys);
        Assert.NotEqual(TwoSiloCluster.SiloOf(cluster.A), TwoSiloCluster.SiloOf(cluster.B));
    }

    [Fact]
    public async Task OrleansScripts_AppliedBySilosStartingTogether_AreRecordedOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT name FROM tessera_orleans_scripts ORDER BY name");
        var scripts = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken))
        {
            while (await reader.ReadAsync(CancellationToken))
            {
                scripts.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["PostgreSQL-Clustering.sql", "PostgreSQL-Main.sql"], scripts);
        await using var members = dataSource.CreateCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3");
        members.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cluster.ClusterId });
        Assert.Equal(2L, await members.ExecuteScalarAsync(CancellationToken));
    }

    [Fact]
    public async Task Database_CreatedAndWrittenThroughA_IsReadableAndWritableThroughB()
    {
        var db = $"shared-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await _a.PutAsync(db, null, CancellationToken)).StatusCode);
        var first = await PutAsync(_a, $"{db}/doc1", """{"by":"a"}""");

        // B reads A's write, then continues the same document and the same sequence.
        using (var read = await GetJsonAsync(_b, $"{db}/doc1"))
        {
            Assert.Equal("a", read.RootElement.GetProperty("by").GetString());
            Assert.Equal(first, read.RootElement.GetProperty("_rev").GetString());
        }

        var second = await PutAsync(_b, $"{db}/doc1", $$"""{"_rev":"{{first}}","by":"b"}""");
        Assert.StartsWith("2-", second, StringComparison.Ordinal);
        await PutAsync(_b, $"{db}/doc2", """{"by":"b"}""");
        // A stale revision is a conflict whichever node receives it: there is one writer per database.
        using (var stale = await _a.PutAsync($"{db}/doc1", JsonContent.Create(new Dictionary<string, string> { ["_rev"] = first }), CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        }

        await PutAsync(_a, $"{db}/doc3", """{"by":"a"}""");

        foreach (var client in new[] { _a, _b })
        {
            using var info = await GetJsonAsync(client, db);
            Assert.Equal(3, info.RootElement.GetProperty("doc_count").GetInt64());
            using var changes = await GetJsonAsync(client, $"{db}/_changes");
            var seqs = changes.RootElement.GetProperty("results").EnumerateArray().Select(r => SeqNumber(r.GetProperty("seq"))).ToList();
            // Four writes, each with the next number: nothing lost, nothing numbered twice.
            Assert.Equal(3, seqs.Count);
            Assert.Equal(seqs.Order().ToList(), seqs);
            Assert.Equal(4, SeqNumber(changes.RootElement.GetProperty("last_seq")));
            using var doc = await GetJsonAsync(client, $"{db}/doc1?conflicts=true");
            Assert.Equal(second, doc.RootElement.GetProperty("_rev").GetString());
            Assert.False(doc.RootElement.TryGetProperty("_conflicts", out _));
        }
    }

    [Fact]
    public async Task DatabaseGrains_ForManyDatabases_AreActivatedOnBothSilos()
    {
        const int Databases = 24;
        var names = Enumerable.Range(0, Databases).Select(i => $"spread-{i}-{Guid.NewGuid():N}").ToList();
        // Half the traffic enters through each node, as behind a load balancer.
        await Task.WhenAll(names.Select(async (name, i) =>
        {
            var client = i % 2 == 0 ? _a : _b;
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(name, null, CancellationToken)).StatusCode);
            await PutAsync(client, $"{name}/doc", """{"n":1}""");
        }));

        var management = cluster.B.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics(CancellationToken);
        var perSilo = statistics
            .Where(s => s.GrainType.Contains("DatabaseGrain", StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));

        Assert.True(perSilo.GetValueOrDefault(TwoSiloCluster.SiloOf(cluster.A)) > 0, $"no database grain on silo A: {Describe(perSilo)}");
        Assert.True(perSilo.GetValueOrDefault(TwoSiloCluster.SiloOf(cluster.B)) > 0, $"no database grain on silo B: {Describe(perSilo)}");
        Assert.True(perSilo.Values.Sum() >= Databases, Describe(perSilo));
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static string Describe(Dictionary<SiloAddress, int> perSilo) => string.Join(", ", perSilo.Select(p => $"{p.Key}: {p.Value}"));

    private static long SeqNumber(JsonElement seq) =>
        long.Parse(seq.ValueKind == JsonValueKind.Number ? seq.GetRawText() : seq.GetString()!.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> PutAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PutAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT {path}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("rev").GetString()!;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
