using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tessera.DataNode.Couch;

/// <summary>
/// Reads CouchDB query parameters with CouchDB's validation: a bad value is a 400 <c>query_parse_error</c>, never a
/// silently ignored option. Call the getters, then check <see cref="Error"/> once.
/// </summary>
internal sealed class QueryOptions(IQueryCollection query)
{
    public CouchError? Error { get; private set; }

    public bool Has(string name) => query.ContainsKey(name);

    public string? String(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;

    public bool Bool(string name, bool fallback = false)
    {
        var value = String(name);
        switch (value)
        {
            case null:
                return fallback;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Fail($"Invalid boolean parameter: \"{value}\"");
                return fallback;
        }
    }

    public long Long(string name, long fallback, long min = 0)
    {
        var value = String(name);
        if (value is null)
        {
            return fallback;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min)
        {
            return n;
        }

        Fail($"Invalid value for integer: \"{value}\"");
        return fallback;
    }

    /// <summary>A JSON-encoded parameter (CouchDB encodes keys as JSON): returns the parsed value, or null when absent.</summary>
    public JsonElement? Json(string name)
    {
        var value = String(name);
        if (value is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Fail($"Invalid JSON in parameter {name}: {value}");
            return null;
        }
    }

    /// <summary>A JSON string parameter such as <c>startkey="abc"</c>; other JSON types are a query_parse_error.</summary>
    public string? JsonString(params string[] names)
    {
        foreach (var name in names)
        {
            if (Json(name) is { } value)
            {
                if (value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }

                Fail($"{name} must be a JSON string");
            }
        }

        return null;
    }

    public void Fail(string reason) => Error ??= new CouchError(400, "query_parse_error", reason);

    public void Fail(CouchError error) => Error ??= error;
}
