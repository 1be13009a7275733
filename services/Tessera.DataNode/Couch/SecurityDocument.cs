using System.Text.Json;

namespace Tessera.DataNode.Couch;

/// <summary>Validates a CouchDB <c>_security</c> object: <c>admins</c> and <c>members</c>, each with <c>names</c> and <c>roles</c> string arrays.</summary>
internal static class SecurityDocument
{
    public static bool IsValid(JsonElement root, out string reason)
    {
        reason = "";
        if (root.ValueKind != JsonValueKind.Object)
        {
            reason = "Security object must be a JSON object";
            return false;
        }

        foreach (var section in new[] { "admins", "members" })
        {
            if (!root.TryGetProperty(section, out var value))
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                reason = $"{section} must be a JSON object";
                return false;
            }

            foreach (var list in new[] { "names", "roles" })
            {
                if (value.TryGetProperty(list, out var items)
                    && (items.ValueKind != JsonValueKind.Array || items.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String)))
                {
                    reason = $"{section}.{list} must be a JSON array of strings";
                    return false;
                }
            }
        }

        return true;
    }
}
