using System.Buffers;
using System.Text;
using System.Text.Json;
using Tessera.DataNode.Couch;

namespace Tessera.DataNode.Grpc;

/// <summary>Renders CouchDB-shaped JSON to the strings the gRPC messages carry, with the REST API's writer settings.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, CouchJson.WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
