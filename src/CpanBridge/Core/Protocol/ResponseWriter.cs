using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CpanBridge.Core.Protocol;

/// <summary>Writes response frames into a buffer writer (one JSON line, then the attachment bytes).</summary>
public sealed class ResponseWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Perl decodes whatever we send; escaping non-ASCII would only cost bytes and time.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
        MaxDepth = 1000,
    };

    private readonly Utf8JsonWriter _json;
    private readonly IBufferWriter<byte> _output;

    public ResponseWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, Options);
    }

    public void WriteSuccess(JsonElement id, in Reply reply)
    {
        _json.Reset(_output);
        _json.WriteStartObject();
        WriteId(id);
        _json.WriteBoolean("success", true);
        _json.WritePropertyName("result");
        reply.WriteResult(_json);
        if (reply.Attachment is { } attachment) _json.WriteNumber("attachment", attachment.Length);
        _json.WriteEndObject();
        _json.Flush();
        EndFrame(reply.Attachment);
    }

    public void WriteFailure(JsonElement id, string code, string message, JsonObject? data = null)
    {
        _json.Reset(_output);
        _json.WriteStartObject();
        WriteId(id);
        _json.WriteBoolean("success", false);
        _json.WriteString("error", message);
        _json.WriteString("code", code);
        if (data is not null)
        {
            _json.WritePropertyName("data");
            data.WriteTo(_json);
        }
        _json.WriteEndObject();
        _json.Flush();
        EndFrame(null);
    }

    private void WriteId(JsonElement id)
    {
        _json.WritePropertyName("id");
        if (id.ValueKind == JsonValueKind.Undefined) _json.WriteNullValue();
        else id.WriteTo(_json);
    }

    private void EndFrame(ReadOnlyMemory<byte>? attachment)
    {
        var newline = _output.GetSpan(1);
        newline[0] = (byte)'\n';
        _output.Advance(1);
        if (attachment is { Length: > 0 } bytes) _output.Write(bytes.Span);
    }
}
