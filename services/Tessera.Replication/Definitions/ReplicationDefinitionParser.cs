using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tessera.DataNode.Tenancy;
using Tessera.Documents.Selectors;

namespace Tessera.Replication.Definitions;

/// <summary>
/// Reads a <c>_replicate</c> body or a <c>_replicator</c> document with CouchDB's fields: <c>source</c>, <c>target</c>
/// (a URL, a bare database name, or <c>{"url", "headers", "auth": {"basic": {"username", "password"}}}</c>),
/// <c>continuous</c>, <c>create_target</c>, <c>doc_ids</c>, <c>selector</c>, <c>filter</c> (only <c>_doc_ids</c> and
/// <c>_selector</c>) and <c>cancel</c>. Other fields (<c>user_ctx</c>, <c>owner</c>, <c>worker_processes</c>, ...) are ignored,
/// but those CouchDB type-checks must still have the type it expects (a boolean <c>use_bulk_get</c>, an integer
/// <c>worker_processes</c>, an object <c>query_params</c>, ...).
/// </summary>
public static class ReplicationDefinitionParser
{
    public static bool TryParse(
        JsonElement root,
        string tenant,
        [NotNullWhen(true)] out ReplicationDefinition? definition,
        [NotNullWhen(false)] out string? error)
    {
        definition = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "Replication request must be a JSON object";
            return false;
        }

        if (!TryEndpoint(root, "source", out var source, out error)
            || !TryEndpoint(root, "target", out var target, out error)
            || !TryBool(root, "continuous", out var continuous, out error)
            || !TryBool(root, "create_target", out var createTarget, out error)
            || !TryBool(root, "cancel", out var cancel, out error)
            || !TryIgnoredOptions(root, out error)
            || !TryDocIds(root, out var docIds, out error)
            || !TrySelector(root, out var selector, out error))
        {
            return false;
        }

        if (docIds is not null && selector is not null)
        {
            error = "`doc_ids` and `selector` are mutually exclusive";
            return false;
        }

        if (root.TryGetProperty("filter", out var filter) && filter.ValueKind != JsonValueKind.Null)
        {
            var name = filter.ValueKind == JsonValueKind.String ? filter.GetString() : null;
            var consistent = (name == "_doc_ids" && docIds is not null) || (name == "_selector" && selector is not null);
            if (!consistent)
            {
                error = "Filter functions are not supported; replicate by `doc_ids` or `selector`";
                return false;
            }
        }

        definition = new ReplicationDefinition(tenant, source, target, continuous, createTarget, docIds, selector, cancel);
        return true;
    }

    private static bool TryEndpoint(JsonElement root, string field, [NotNullWhen(true)] out ReplicationEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        error = null;
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = $"Missing `{field}`: a database URL or name";
            return false;
        }

        var headers = new List<KeyValuePair<string, string>>();
        string? location;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                location = value.GetString();
                break;
            case JsonValueKind.Object:
                if (!value.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
                {
                    error = $"`{field}` must have a string `url`";
                    return false;
                }

                location = url.GetString();
                if (!TryHeaders(value, field, headers, out error) || !TryBasicAuth(value, field, headers, out error))
                {
                    return false;
                }

                break;
            default:
                error = $"`{field}` must be a URL, a database name or an object with a `url`";
                return false;
        }

        // Note: the reason never echoes the value, which may hold credentials.
        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            if (uri.UserInfo.Length > 0 && !headers.Any(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
            {
                var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
                var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                var password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                headers.Add(new("Authorization", Basic(user, password)));
            }

            var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
            var clean = new UriBuilder(uri.Scheme, uri.Host, uri.Port) { Path = path }.Uri;
            endpoint = new ReplicationEndpoint(clean, null, headers);
            return true;
        }

        if (Names.IsValid(location))
        {
            endpoint = new ReplicationEndpoint(null, location, headers);
            return true;
        }

        error = $"`{field}` must be an http(s) database URL or a database name";
        return false;
    }

    private static bool TryHeaders(JsonElement endpoint, string field, List<KeyValuePair<string, string>> headers, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!endpoint.TryGetProperty("headers", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            error = $"`{field}.headers` must be an object of strings";
            return false;
        }

        using var probe = new HttpRequestMessage();
        foreach (var header in value.EnumerateObject())
        {
            if (header.Value.ValueKind != JsonValueKind.String || header.Name.Length == 0
                || !probe.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString()))
            {
                error = $"`{field}.headers` must be an object of valid header names to strings";
                return false;
            }

            headers.Add(new(header.Name, header.Value.GetString()!));
        }

        return true;
    }

    private static bool TryBasicAuth(JsonElement endpoint, string field, List<KeyValuePair<string, string>> headers, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!endpoint.TryGetProperty("auth", out var auth) || auth.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (auth.ValueKind != JsonValueKind.Object
            || !auth.TryGetProperty("basic", out var basic) || basic.ValueKind != JsonValueKind.Object
            || !basic.TryGetProperty("username", out var user) || user.ValueKind != JsonValueKind.String
            || !basic.TryGetProperty("password", out var password) || password.ValueKind != JsonValueKind.String)
        {
            error = $"`{field}.auth` must be {{\"basic\":{{\"username\":\"...\",\"password\":\"...\"}}}}";
            return false;
        }

        // Note: explicit auth wins over an Authorization header, as in CouchDB.
        headers.RemoveAll(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase));
        headers.Add(new("Authorization", Basic(user.GetString()!, password.GetString()!)));
        return true;
    }

    private static string Basic(string user, string password) =>
        new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password))).ToString();

    private static bool TryBool(JsonElement root, string field, out bool value, [NotNullWhen(false)] out string? error)
    {
        value = false;
        error = null;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"`{field}` must be a boolean";
            return false;
        }

        value = element.GetBoolean();
        return true;
    }

    /// <summary>
    /// Options Tessera does not act on but CouchDB type-checks (<c>couch_replicator_parse:convert_options</c>), so a
    /// document CouchDB would refuse is refused here too instead of being stored and silently misread.
    /// </summary>
    private static bool TryIgnoredOptions(JsonElement root, [NotNullWhen(false)] out string? error)
    {
        error = null;
        foreach (var field in (ReadOnlySpan<string>)["winning_revs_only", "use_bulk_get"])
        {
            if (!TryBool(root, field, out _, out error))
            {
                return false;
            }
        }

        foreach (var field in (ReadOnlySpan<string>)["create_target_params", "query_params"])
        {
            if (root.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                error = $"`{field}` must be a JSON object";
                return false;
            }
        }

        // Note: CouchDB's couch_util:to_integer takes an integer or a string of one.
        foreach (var field in (ReadOnlySpan<string>)["worker_processes", "worker_batch_size", "http_connections", "connection_timeout", "retries_per_request", "checkpoint_interval"])
        {
            if (root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
                && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _))
                && !(value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                error = $"`{field}` must be an integer";
                return false;
            }
        }

        return true;
    }

    private static bool TryDocIds(JsonElement root, out IReadOnlyList<string>? docIds, [NotNullWhen(false)] out string? error)
    {
        docIds = null;
        error = null;
        if (!root.TryGetProperty("doc_ids", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String || i.GetString()!.Length == 0))
        {
            error = "`doc_ids` must be an array of document ids";
            return false;
        }

        docIds = value.EnumerateArray().Select(i => i.GetString()!).Distinct(StringComparer.Ordinal).ToList();
        return true;
    }

    private static bool TrySelector(JsonElement root, out string? selector, [NotNullWhen(false)] out string? error)
    {
        selector = null;
        error = null;
        if (!root.TryGetProperty("selector", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            error = "`selector` must be a JSON object";
            return false;
        }

        try
        {
            Selector.Parse(value);
        }
        catch (SelectorException exception)
        {
            error = "Invalid `selector`: " + exception.Reason;
            return false;
        }

        selector = JsonSerializer.Serialize(value);
        return true;
    }
}
