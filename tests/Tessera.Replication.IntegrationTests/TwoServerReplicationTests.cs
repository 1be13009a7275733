using System.Net;

namespace Tessera.Replication.IntegrationTests;

/// <summary>One-shot replication between two separate servers, pushed and pulled, with credentials in each form CouchDB accepts.</summary>
public sealed class TwoServerReplicationTests(TwoServers servers) : IClassFixture<TwoServers>, IDisposable
{
    private const string User = "replicator";
    private const string Password = "p@ss:w/rd";

    private readonly CouchClient first = new(servers.First.CreateClient());
    private readonly CouchClient second = new(servers.Second.CreateClient());

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Replicate_PushToAnotherServer_CopiesDocumentsRevisionsAndAttachments()
    {
        var source = await first.CreateDatabaseAsync("push");
        var target = await second.CreateDatabaseAsync("push");
        await first.PutDocumentsAsync(source, "doc", 50);
        var rev = await first.PutDocumentAsync(source, "edited", """{"v":1}""");
        rev = await first.PutDocumentAsync(source, "edited", $$"""{"_rev":"{{rev}}","v":2}""");
        await first.PutAttachmentAsync(source, "edited", rev, "note.txt", "hello"u8.ToArray(), "text/plain");

        var response = await first.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{second.Url(target)}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(51, response.Json.GetProperty("history")[0].GetProperty("docs_written").GetInt64());
        Assert.Equal(await first.LeavesAsync(source), await second.LeavesAsync(target));
        Assert.Equal(await first.RevisionTreeAsync(source, "edited"), await second.RevisionTreeAsync(target, "edited"));
    }

    [Fact]
    public async Task Replicate_PullFromAnotherServer_CopiesDocuments()
    {
        var source = await second.CreateDatabaseAsync("pull");
        var target = await first.CreateDatabaseAsync("pull");
        await second.PutDocumentsAsync(source, "doc", 20);

        var response = await first.PostAsync("_replicate", $$"""{"source":"{{second.Url(source)}}","target":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(await second.LeavesAsync(source), await first.LeavesAsync(target));
    }

    public static TheoryData<string> CredentialForms => new()
    {
        "userinfo",
        "headers",
        "auth",
    };

    [Theory]
    [MemberData(nameof(CredentialForms))]
    public async Task Replicate_TargetRequiringCredentials_SendsThemInEachForm(string form)
    {
        await using var proxy = await BasicAuthProxy.StartAsync(servers.Second.BaseAddress, servers.Second.BasicAuthorization, User, Password);
        var source = await first.CreateDatabaseAsync("creds");
        var target = await second.CreateDatabaseAsync("creds");
        await first.PutDocumentsAsync(source, "doc", 5);
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(User + ":" + Password));
        var endpoint = form switch
        {
            "userinfo" => $"\"{proxy.Url("dev", target, User + ":" + Password)}\"",
            "headers" => $$$"""{"url":"{{{proxy.Url("dev", target)}}}","headers":{"Authorization":"{{{basic}}}"}}""",
            _ => $$$$"""{"url":"{{{{proxy.Url("dev", target)}}}}","auth":{"basic":{"username":"{{{{User}}}}","password":"{{{{Password}}}}"}}}""",
        };

        var response = await first.PostAsync("_replicate", $$"""{"source":"{{source}}","target":{{endpoint}}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(5, (await second.LeavesAsync(target)).Count);
        Assert.True(proxy.Authorized > 0);
    }

    [Fact]
    public async Task Replicate_WrongCredentials_Returns401WithoutLeakingThem()
    {
        await using var proxy = await BasicAuthProxy.StartAsync(servers.Second.BaseAddress, servers.Second.BasicAuthorization, User, Password);
        var source = await first.CreateDatabaseAsync("creds");
        var target = await second.CreateDatabaseAsync("creds");

        var response = await first.PostAsync("_replicate", $$"""{"source":"{{source}}","target":"{{proxy.Url("dev", target, User + ":wrong-secret")}}"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unauthorized", response.String("error"));
        Assert.Contains(proxy.Url("dev", target) + "/", response.String("reason"), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", response.Body, StringComparison.Ordinal);
        Assert.Equal(0, proxy.Authorized);
    }
}
