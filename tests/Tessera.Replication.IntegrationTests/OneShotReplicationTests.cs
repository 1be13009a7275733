using System.Net;
using System.Text.Json;
using Tessera.Replication.Definitions;

namespace Tessera.Replication.IntegrationTests;

/// <summary><c>POST /_replicate</c> one-shot between databases of one server: what it copies, what it answers, how it resumes.</summary>
public sealed class OneShotReplicationTests(OneServer server) : IClassFixture<OneServer>, IDisposable
{
    private readonly CouchClient couch = server.CreateClient();

    public void Dispose() => couch.Dispose();

    [Fact]
    public async Task Replicate_BareDatabaseNames_CopiesEveryDocumentAndAnswersCouchHistory()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 30);
        var rev = await couch.PutDocumentAsync(source, "edited", """{"v":1}""");
        await couch.DeleteDocumentAsync(source, "edited", await couch.PutDocumentAsync(source, "edited", $$"""{"_rev":"{{rev}}","v":2}"""));

        var response = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var json = response.Json;
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.False(json.TryGetProperty("no_changes", out _));
        Assert.Equal(32, json.GetProperty("session_id").GetString()!.Length);
        Assert.Equal(await couch.UpdateSeqAsync(source), json.GetProperty("source_last_seq").ToString());
        var session = json.GetProperty("history")[0];
        Assert.Equal(json.GetProperty("session_id").GetString(), session.GetProperty("session_id").GetString());
        Assert.Equal(31, session.GetProperty("docs_read").GetInt64());
        Assert.Equal(31, session.GetProperty("docs_written").GetInt64());
        Assert.Equal(0, session.GetProperty("doc_write_failures").GetInt64());
        Assert.Equal(31, session.GetProperty("missing_checked").GetInt64());
        Assert.Equal(31, session.GetProperty("missing_found").GetInt64());
        Assert.Equal("0", session.GetProperty("start_last_seq").ToString());
        Assert.Equal(json.GetProperty("source_last_seq").ToString(), session.GetProperty("recorded_seq").ToString());
        Assert.Equal(await couch.LeavesAsync(source), await couch.LeavesAsync(target));
        Assert.Equal("deleted", await couch.WinnerAsync(target, "edited"));
        Assert.Equal(await couch.RevisionTreeAsync(source, "edited"), await couch.RevisionTreeAsync(target, "edited"));
    }

    [Fact]
    public async Task Replicate_FullUrls_CopiesDocumentsAndAttachmentsByteExact()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31 % 256)).ToArray();
        var rev = await couch.PutDocumentAsync(source, "with-attachment", """{"kind":"binary"}""");
        await couch.PutAttachmentAsync(source, "with-attachment", rev, "blob.bin", bytes, "application/octet-stream");

        var response = await couch.PostAsync("_replicate", $$"""{"source":"{{couch.Url(source)}}","target":"{{couch.Url(target)}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var copy = await couch.Http.GetByteArrayAsync($"{target}/with-attachment/blob.bin", TestContext.Current.CancellationToken);
        Assert.Equal(bytes, copy);
        Assert.Equal(await couch.RevisionTreeAsync(source, "with-attachment"), await couch.RevisionTreeAsync(target, "with-attachment"));
    }

    [Fact]
    public async Task Replicate_SecondRun_ResumesFromCheckpointAndReadsOnlyNewChanges()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 20);
        var body = $$"""{"source":"{{source}}","target":"{{target}}"}""";
        var first = await couch.PostAsync("_replicate", body);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        var idle = await couch.PostAsync("_replicate", body);
        await couch.PutDocumentsAsync(source, "more", 3);
        var second = await couch.PostAsync("_replicate", body);

        Assert.True(idle.Json.GetProperty("no_changes").GetBoolean());
        Assert.Equal(0, idle.Json.GetProperty("history")[0].GetProperty("missing_checked").GetInt64());
        var session = second.Json.GetProperty("history")[0];
        Assert.Equal(3, session.GetProperty("missing_checked").GetInt64());
        Assert.Equal(3, session.GetProperty("docs_written").GetInt64());
        Assert.Equal(first.Json.GetProperty("source_last_seq").ToString(), session.GetProperty("start_last_seq").ToString());
        Assert.Equal(first.Json.GetProperty("session_id").GetString(), second.Json.GetProperty("history")[1].GetProperty("session_id").GetString());
        var checkpoint = await couch.GetAsync($"{target}/_local/{Checkpoints.Id(server.Host.Tenant, body)}");
        Assert.Equal(HttpStatusCode.OK, checkpoint.Status);
        Assert.Equal(second.Json.GetProperty("session_id").GetString(), checkpoint.String("session_id"));
        Assert.Equal(second.Json.GetProperty("source_last_seq").ToString(), checkpoint.Json.GetProperty("source_last_seq").ToString());
        Assert.Equal(23, (await couch.LeavesAsync(target)).Count);
    }

    [Fact]
    public async Task Replicate_WithDocIds_CopiesOnlyThoseDocuments()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 10);

        var response = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}","doc_ids":["doc0002","doc0007","absent"]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["doc0002", "doc0007"], (await couch.LeavesAsync(target)).Keys);
    }

    [Fact]
    public async Task Replicate_WithSelector_CopiesOnlyMatchingDocuments()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = await couch.CreateDatabaseAsync("tgt");
        await couch.PutDocumentsAsync(source, "doc", 10);

        var response = await couch.PostAsync("_replicate", $$$$"""{"source":"{{{{source}}}}","target":"{{{{target}}}}","selector":{"n":{"$gte":7}}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["doc0007", "doc0008", "doc0009"], (await couch.LeavesAsync(target)).Keys);
        Assert.Equal(3, response.Json.GetProperty("history")[0].GetProperty("docs_written").GetInt64());
    }

    [Fact]
    public async Task Replicate_CreateTarget_CreatesTheTargetDatabase()
    {
        var source = await couch.CreateDatabaseAsync("src");
        await couch.PutDocumentsAsync(source, "doc", 2);
        var target = $"created-{Guid.NewGuid():N}";

        var response = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}","create_target":true}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, (await couch.LeavesAsync(target)).Count);
    }

    [Fact]
    public async Task Replicate_MissingTargetWithoutCreateTarget_Returns404AndCreatesNothing()
    {
        var source = await couch.CreateDatabaseAsync("src");
        var target = $"missing-{Guid.NewGuid():N}";

        var response = await couch.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("db_not_found", response.String("error"));
        Assert.Equal($"could not open {target}", response.String("reason"));
        Assert.Equal(HttpStatusCode.NotFound, (await couch.GetAsync(target)).Status);
    }

    [Fact]
    public async Task Replicate_UnreachableSource_Returns404DbNotFoundAndTheNodeKeepsServing()
    {
        var target = await couch.CreateDatabaseAsync("tgt");

        var response = await couch.PostAsync("_replicate", $$"""{"source":"http://127.0.0.1:1/t/dev/nothing","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("db_not_found", response.String("error"));
        Assert.Equal("could not open http://127.0.0.1:1/t/dev/nothing/", response.String("reason"));
        Assert.Equal(HttpStatusCode.OK, (await couch.GetAsync("_up")).Status);
        Assert.Equal(HttpStatusCode.OK, (await couch.GetAsync(target)).Status);
    }
}

/// <summary>Finds the checkpoint document of a replication.</summary>
internal static class Checkpoints
{
    /// <summary>The replication id (the <c>_local/{id}</c> of its checkpoints) of a <c>_replicate</c> body, as the server computes it.</summary>
    public static string Id(string tenant, string replicateBody)
    {
        using var json = JsonDocument.Parse(replicateBody);
        Assert.True(ReplicationDefinitionParser.TryParse(json.RootElement, tenant, out var definition, out var error), error);
        return definition.ReplicationId;
    }
}
