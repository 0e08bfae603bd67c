using System.Buffers;
using System.Text.Json;

namespace CpanBridge.Core.Protocol;

/// <summary>Turns one request line (without its newline) into a <see cref="Request"/>.</summary>
public sealed class FrameParser(int maxDepth)
{
    private readonly JsonDocumentOptions _options = new() { MaxDepth = maxDepth };
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    public Request Parse(ReadOnlySequence<byte> line)
    {
        var length = checked((int)line.Length);
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        line.CopyTo(copy);
        // JSON parsing checks UTF-8 only where it decodes; a string echoed back unread would
        // carry bad bytes through, so check the whole line up front (vectorized, cheap).
        if (!System.Text.Unicode.Utf8.IsValid(copy.AsSpan(0, length)))
        {
            ArrayPool<byte>.Shared.Return(copy);
            throw new FrameException(ErrorCodes.Frame, "frame is not valid UTF-8");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(copy.AsMemory(0, length), _options);
        }
        catch (JsonException e)
        {
            ArrayPool<byte>.Shared.Return(copy);
            throw new FrameException(ErrorCodes.Frame, $"frame is not valid JSON: {Describe(e)}");
        }

        try
        {
            return Build(copy, document);
        }
        catch (FrameException e) when (e.Id.ValueKind != JsonValueKind.Undefined)
        {
            // The id points into the document we are about to free; keep a copy for the reply.
            var id = e.Id.Clone();
            document.Dispose();
            ArrayPool<byte>.Shared.Return(copy);
            throw new FrameException(e.Code, e.Message, id);
        }
        catch
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(copy);
            throw;
        }
    }

    private static Request Build(byte[] copy, JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new FrameException(ErrorCodes.Frame, $"frame must be a JSON object, got {Kind(root)}");

        JsonElement id = default;
        string? module = null, function = null;
        JsonElement parameters = EmptyObject;
        long attachment = -1;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id":
                    id = property.Value;
                    if (id.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null))
                        throw new FrameException(ErrorCodes.Request, $"'id' must be a number or a string, got {Kind(id)}");
                    break;
                case "module":
                    module = RequireName(property.Value, "module", id);
                    break;
                case "function":
                    function = RequireName(property.Value, "function", id);
                    break;
                case "params":
                    parameters = property.Value.ValueKind switch
                    {
                        JsonValueKind.Object => property.Value,
                        JsonValueKind.Null => EmptyObject,
                        // The earlier generation's scripts pass [] for "no parameters".
                        JsonValueKind.Array when property.Value.GetArrayLength() == 0 => EmptyObject,
                        _ => throw new FrameException(ErrorCodes.Request,
                            $"'params' must be an object, got {Kind(property.Value)}", id),
                    };
                    break;
                case "attachment":
                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out attachment) || attachment < 0)
                        throw new FrameException(ErrorCodes.Request, "'attachment' must be a non-negative integer (its length in bytes)", id);
                    break;
                default:
                    // Unknown envelope fields are ignored so that newer clients can add optional ones.
                    break;
            }
        }

        if (module is null) throw new FrameException(ErrorCodes.Request, "request has no 'module'", id);
        if (function is null) throw new FrameException(ErrorCodes.Request, "request has no 'function'", id);
        return new Request(copy, document, id, module, function, parameters, attachment);
    }

    private static string RequireName(JsonElement value, string field, JsonElement id)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw new FrameException(ErrorCodes.Request, $"'{field}' must be a string, got {Kind(value)}", id);
        var name = value.GetString()!;
        if (name.Length == 0 || name.Length > 64)
            throw new FrameException(ErrorCodes.Request, $"'{field}' must be 1 to 64 characters long", id);
        return name;
    }

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Describe(JsonException e)
    {
        // STJ's messages end with a line/path suffix; on a one-line frame only the byte offset matters.
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        return e.BytePositionInLine is { } position ? $"{message} (at byte {position})" : message;
    }
}
