using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Tessera.DataNode.IntegrationTests;

/// <summary>Assertions on CouchDB answers.</summary>
public static class CouchAssert
{
    /// <summary>
    /// The answer is CouchDB's error shape: the status, <c>application/json</c>, and a body that is exactly
    /// <c>{"error": error, "reason": reason}</c> (reason checked only when given).
    /// </summary>
    public static void Error(CouchResponse response, HttpStatusCode status, string? error, string? reason = null)
    {
        Assert.True(response.Status == status, $"Expected {(int)status}, got {response}");
        Assert.Equal(CouchClient.Json, response.ContentType);
        var body = response.Json;
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(["error", "reason"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.String, body.GetProperty("reason").ValueKind);
        if (error is not null)
        {
            Assert.Equal(error, body.GetProperty("error").GetString());
        }

        if (reason is not null)
        {
            Assert.Equal(reason, body.GetProperty("reason").GetString());
        }
    }

    public static void Conflict(CouchResponse response) =>
        Error(response, HttpStatusCode.Conflict, "conflict", "Document update conflict.");

    public static void Missing(CouchResponse response, string reason = "missing") =>
        Error(response, HttpStatusCode.NotFound, "not_found", reason);

    public static void DatabaseMissing(CouchResponse response) =>
        Error(response, HttpStatusCode.NotFound, "not_found", "Database does not exist.");

    /// <summary>A write answer: the status, <c>{"ok":true,"id":id,"rev":"N-..."}</c> and the new revision as ETag.</summary>
    public static string Written(CouchResponse response, HttpStatusCode status, string id, int generation)
    {
        Assert.True(response.Status == status, $"Expected {(int)status}, got {response}");
        Assert.True(response.Json.GetProperty("ok").GetBoolean());
        Assert.Equal(id, response.String("id"));
        var rev = response.Rev;
        Assert.StartsWith($"{generation}-", rev, StringComparison.Ordinal);
        return rev;
    }

    /// <summary>The JSON texts are equal as JSON values (member order ignored in objects).</summary>
    public static void JsonEqual(string expected, JsonElement actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual.GetRawText())), $"Expected {expected}, got {actual.GetRawText()}");

    /// <summary>A document as returned by GET: its <c>_id</c>, <c>_rev</c> and exactly the given other members.</summary>
    public static void Document(JsonElement doc, string id, string rev, string bodyJson)
    {
        Assert.Equal(id, doc.GetProperty("_id").GetString());
        Assert.Equal(rev, doc.GetProperty("_rev").GetString());
        var rest = new JsonObject();
        foreach (var member in doc.EnumerateObject().Where(m => m.Name is not ("_id" or "_rev")))
        {
            rest[member.Name] = JsonNode.Parse(member.Value.GetRawText());
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(bodyJson), rest), $"Expected body {bodyJson}, got {rest.ToJsonString()}");
    }

    public static string[] Ids(JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
}
