using System.Buffers;
using System.Text.Json;

namespace CpanBridge.Core.Protocol;

/// <summary>
/// One parsed request frame. It owns a pooled copy of the JSON line (the parsed document points
/// into it), so it must be disposed once its response has been written.
/// </summary>
public sealed class Request : IDisposable
{
    private byte[]? _line;
    private JsonDocument? _document;

    internal Request(byte[] line, JsonDocument document, JsonElement id, string module, string function,
        JsonElement parameters, long attachmentLength)
    {
        _line = line;
        _document = document;
        Id = id;
        Module = module;
        Function = function;
        Params = parameters;
        AttachmentLength = attachmentLength;
    }

    /// <summary>The id as sent (number or string), or an undefined element when absent.</summary>
    public JsonElement Id { get; }
    public string Module { get; }
    public string Function { get; }
    /// <summary>An object (possibly empty); arrays of length zero and null arrive as an empty object.</summary>
    public JsonElement Params { get; }
    /// <summary>Length of the binary attachment following the line, or -1 when there is none.</summary>
    public long AttachmentLength { get; }
    public ReadOnlyMemory<byte> Attachment { get; internal set; } = ReadOnlyMemory<byte>.Empty;

    public void Dispose()
    {
        _document?.Dispose();
        _document = null;
        if (_line is not null)
        {
            ArrayPool<byte>.Shared.Return(_line);
            _line = null;
        }
    }
}

/// <summary>A frame that could not become a request; <see cref="Id"/> is echoed when it could be read.</summary>
public sealed class FrameException(string code, string message, JsonElement id = default) : Exception(message)
{
    public string Code { get; } = code;
    public JsonElement Id { get; } = id;
}
