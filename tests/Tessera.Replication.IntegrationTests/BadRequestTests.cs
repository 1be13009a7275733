using System.Net;

namespace Tessera.Replication.IntegrationTests;

/// <summary>Malformed <c>_replicate</c> bodies and job ids: CouchDB's 400 (or 415), and nothing created or started.</summary>
public sealed class BadRequestTests(OneServer server) : IClassFixture<OneServer>, IDisposable
{
    private readonly CouchClient couch = server.CreateClient();

    public void Dispose() => couch.Dispose();

    /// <summary>
    /// JSON objects that are not a replication Tessera can run. Every one asks to create its target, so a body that
    /// slipped through validation would leave a database behind. <see cref="JobDocumentValidationTests"/> writes them as
    /// job documents.
    /// </summary>
    internal static readonly string[] InvalidDefinitions =
    [
        """{"target":"made-by-bad-body","create_target":true}""",
        """{"source":"orders","create_target":true}""",
        """{"source":5,"target":"made-by-bad-body","create_target":true}""",
        """{"source":"ftp://example.com/db","target":"made-by-bad-body","create_target":true}""",
        """{"source":"Not A Name","target":"made-by-bad-body","create_target":true}""",
        """{"source":"orders","target":"made-by-bad-body/../..","create_target":true}""",
        """{"source":{"headers":{}},"target":"made-by-bad-body","create_target":true}""",
        """{"source":{"url":"orders","headers":[]},"target":"made-by-bad-body","create_target":true}""",
        """{"source":{"url":"orders","headers":{"X-A":1}},"target":"made-by-bad-body","create_target":true}""",
        """{"source":{"url":"orders","auth":{"basic":{"username":1,"password":"x"}}},"target":"made-by-bad-body","create_target":true}""",
        """{"source":{"url":"orders","auth":{"oauth":{}}},"target":"made-by-bad-body","create_target":true}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":"yes"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"continuous":1}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"doc_ids":"a"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"doc_ids":[1]}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"doc_ids":[""]}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"selector":[]}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"selector":{"n":{"$nope":1}}}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"doc_ids":["a"],"selector":{}}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"filter":"ddoc/by_type"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"filter":"_selector"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"cancel":"yes"}""",
        // CouchDB type-checks these options (couch_replicator_parse:convert_options) although Tessera does not use them.
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"winning_revs_only":"yes"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"use_bulk_get":1}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"query_params":"a=b"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"create_target_params":[]}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"worker_processes":"four"}""",
        """{"source":"orders","target":"made-by-bad-body","create_target":true,"checkpoint_interval":1.5}""",
        """{"source":"http://","target":"made-by-bad-body","create_target":true}""",
        """{"source":{"url":5},"target":"made-by-bad-body","create_target":true}""",
    ];

    public static TheoryData<string> MalformedBodies => new(["not json", "[]", "\"source\"", .. InvalidDefinitions]);

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Replicate_MalformedBody_Returns400AndCreatesNothing(string body)
    {
        var source = await couch.CreateDatabaseAsync("orders");
        body = body.Replace("\"orders\"", $"\"{source}\"", StringComparison.Ordinal);
        var databases = (await couch.GetAsync("_all_dbs")).Body;

        var response = await couch.PostAsync("_replicate", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("bad_request", response.String("error"));
        Assert.False(string.IsNullOrEmpty(response.String("reason")));
        Assert.Equal(databases, (await couch.GetAsync("_all_dbs")).Body);
        Assert.Equal(0, (await couch.GetAsync("_scheduler/jobs")).Json.GetProperty("total_rows").GetInt32());
    }

    [Fact]
    public async Task Replicate_NotJsonContentType_Returns415()
    {
        var response = await couch.PostAsync("_replicate", """{"source":"a","target":"b"}""", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("bad_content_type", response.String("error"));
    }

    [Theory]
    [InlineData("_design%2Fjob")]
    [InlineData("_local%2Fjob")]
    [InlineData("_job")]
    public async Task PutJob_ReservedId_Returns400(string jobId)
    {
        var response = await couch.PutAsync($"_replicator/{jobId}", """{"source":"a","target":"b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("illegal_docid", response.String("error"));
    }
}
