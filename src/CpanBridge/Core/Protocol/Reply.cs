using System.Text.Json;
using System.Text.Json.Nodes;

namespace CpanBridge.Core.Protocol;

/// <summary>
/// What a function returns: a JSON result (a node, an element borrowed from the request, or a
/// writer callback for hot paths) and an optional binary attachment.
/// </summary>
public readonly struct Reply
{
    private readonly JsonNode? _node;
    private readonly JsonElement _element;
    private readonly Action<Utf8JsonWriter>? _writer;

    private Reply(JsonNode? node, JsonElement element, Action<Utf8JsonWriter>? writer, ReadOnlyMemory<byte>? attachment)
    {
        _node = node;
        _element = element;
        _writer = writer;
        Attachment = attachment;
    }

    public ReadOnlyMemory<byte>? Attachment { get; }

    /// <summary>The result when it was given as a node (a module may add to it on the way out).</summary>
    internal JsonNode? Node => _node;

    public static Reply Of(JsonNode? result, ReadOnlyMemory<byte>? attachment = null) => new(result, default, null, attachment);

    /// <summary>An element of the request's own document; valid until the response is written.</summary>
    public static Reply Of(JsonElement result, ReadOnlyMemory<byte>? attachment = null) => new(null, result, null, attachment);

    public static Reply Write(Action<Utf8JsonWriter> writeResult, ReadOnlyMemory<byte>? attachment = null) =>
        new(null, default, writeResult, attachment);

    public static Reply Null => default;

    internal void WriteResult(Utf8JsonWriter writer)
    {
        if (_writer is not null) _writer(writer);
        else if (_element.ValueKind != JsonValueKind.Undefined) _element.WriteTo(writer);
        else if (_node is not null) _node.WriteTo(writer);
        else writer.WriteNullValue();
    }
}
