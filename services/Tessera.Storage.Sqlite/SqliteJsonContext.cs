using System.Text.Json.Serialization;

namespace Tessera.Storage.Sqlite;

/// <summary>Source-generated JSON for the few values the provider serializes itself (id lists passed to <c>json_each</c>).</summary>
[JsonSerializable(typeof(IReadOnlyCollection<string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
