using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// XML::Simple's structures as Perl sees them: a hash is a <see cref="Dictionary{TKey,TValue}"/>
/// of string to value, an array a <see cref="List{T}"/>, a scalar a string, undef null. The
/// folding rules are written against these (shared values, in-place edits), which JSON nodes with
/// their single parent do not allow.
/// </summary>
internal static class SimpleValues
{
    /// <summary>
    /// The '' SuppressEmpty puts for an empty element: a Perl literal, so without the UTF-8 flag
    /// where text from the document has it. Stands apart by type (.NET has one empty string).
    /// </summary>
    public static readonly object PerlEmpty = new PerlEmptyString();

    private sealed class PerlEmptyString
    {
        public override string ToString() => "";
    }

    public static bool IsRef(object? value) => value is Dictionary<string, object?> or List<object?>;

    /// <summary>A JSON value as the Perl scalar JSON::PP encoded it from: numbers keep their text.</summary>
    public static object? FromJson(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var hash = new Dictionary<string, object?>();
                foreach (var property in value.EnumerateObject()) hash[property.Name] = FromJson(property.Value);
                return hash;
            case JsonValueKind.Array:
                var list = new List<object?>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray()) list.Add(FromJson(item));
                return list;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.True:
                return "1";
            case JsonValueKind.False:
                return "";
            default:
                return null;
        }
    }

    /// <summary>Writes a structure; every scalar goes out as a JSON string (XML text is never a number).</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case PerlEmptyString:
                writer.WriteStringValue("");
                break;
            case Dictionary<string, object?> hash:
                writer.WriteStartObject();
                foreach (var (key, item) in hash)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }
                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"not an XML::Simple value: {value.GetType().Name}");
        }
    }

    // The tree form of a structure (xml.xml_in's attachment, docs/protocol.md): preorder tokens
    // joined by NUL, UTF-8. A hash is \x01, its keys and values, \x03; an array \x02, its items,
    // \x03; undef \x04; a token starting with \x05 is a string of Perl's own (no UTF-8 flag), any
    // other token a string from the document. XML text cannot hold U+0000-U+0005, so nothing needs
    // escaping; a structure that does hold them (through Variables) goes as JSON.
    private const char LastMarker = '\x05';

    /// <summary>The tree form of <paramref name="value"/>, or null when a string holds a marker character.</summary>
    public static ReadOnlyMemory<byte>? ToTree(object? value, Func<Dictionary<string, object?>, string, bool> isPerlKey)
    {
        var output = new ArrayBufferWriter<byte>(1 << 16);
        var tree = new TreeWriter(output, isPerlKey);
        return tree.Value(value) ? output.WrittenMemory : (ReadOnlyMemory<byte>?)null;
    }

    private sealed class TreeWriter(ArrayBufferWriter<byte> output, Func<Dictionary<string, object?>, string, bool> isPerlKey)
    {
        private bool _first = true;

        public bool Value(object? value)
        {
            switch (value)
            {
                case null:
                    Token("\x04");
                    return true;
                case string text:
                    return Text(text, false);
                case PerlEmptyString:
                    Token("\x05");
                    return true;
                case Dictionary<string, object?> hash:
                    Token("\x01");
                    foreach (var (key, item) in hash)
                        if (!Text(key, isPerlKey(hash, key)) || !Value(item)) return false;
                    Token("\x03");
                    return true;
                case List<object?> list:
                    Token("\x02");
                    foreach (var item in list)
                        if (!Value(item)) return false;
                    Token("\x03");
                    return true;
                default:
                    throw new InvalidOperationException($"not an XML::Simple value: {value.GetType().Name}");
            }
        }

        private bool Text(string text, bool perl)
        {
            if (text.AsSpan().IndexOfAnyInRange('\0', LastMarker) >= 0) return false;
            Token(text, perl ? "\x05" : null);
            return true;
        }

        private void Token(string token, string? prefix = null)
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(token.Length) + 2);
            var written = 0;
            if (!_first) span[written++] = 0;
            _first = false;
            if (prefix is not null) span[written++] = (byte)prefix[0];
            written += Encoding.UTF8.GetBytes(token, span[written..]);
            output.Advance(written);
        }
    }

    /// <summary>
    /// A structure sent in the tree form (xml.xml_out's attachment): the same tokens as
    /// <see cref="ToTree"/> writes, without \x05 (the drop-in sends every scalar as a plain string).
    /// </summary>
    public static object? FromTree(ReadOnlySpan<byte> tree)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(tree);
        }
        catch (DecoderFallbackException)
        {
            throw Core.BridgeException.Usage("xml.xml_out: the tree attachment is not UTF-8");
        }
        var tokens = text.Split('\0');
        var i = 0;
        var value = Next();
        if (i != tokens.Length) throw Malformed();
        return value;

        object? Next()
        {
            if (i >= tokens.Length) throw Malformed();
            var token = tokens[i++];
            switch (token)
            {
                case "\x01":
                    var hash = new Dictionary<string, object?>();
                    while (true)
                    {
                        if (i >= tokens.Length) throw Malformed();
                        var key = tokens[i++];
                        if (key == "\x03") return hash;
                        hash[key] = Next();
                    }
                case "\x02":
                    var list = new List<object?>();
                    while (true)
                    {
                        if (i >= tokens.Length) throw Malformed();
                        if (tokens[i] == "\x03")
                        {
                            i++;
                            return list;
                        }
                        list.Add(Next());
                    }
                case "\x04":
                    return null;
                case "\x03":
                    throw Malformed();
                default:
                    return token;
            }
        }

        static Core.BridgeException Malformed() =>
            Core.BridgeException.Usage("xml.xml_out: the tree attachment ends early or has an unmatched end (docs/protocol.md, tree form)");
    }

    /// <summary>Perl's truth: undef, "", "0" (and a number that is zero) are false.</summary>
    public static bool IsTrue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
        JsonValueKind.True or JsonValueKind.Object or JsonValueKind.Array => true,
        JsonValueKind.Number => value.GetDouble() != 0,
        JsonValueKind.String => value.GetString() is not ("" or "0"),
        _ => false,
    };

    /// <summary>A JSON scalar as Perl would stringify it; null for undef.</summary>
    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "",
        _ => null,
    };

    public static string Str(object? value) => value as string ?? "";

    public static bool IsScalar(object? value) => value is string || ReferenceEquals(value, PerlEmpty);

    /// <summary>Perl's \s on character strings is Unicode White_Space, which char.IsWhiteSpace is too.</summary>
    public static bool IsAllSpace(string text)
    {
        foreach (var c in text)
            if (!char.IsWhiteSpace(c)) return false;
        return true;
    }

    /// <summary>
    /// XML::Simple's NormaliseSpace: ends trimmed, and only runs of two or more white-space
    /// characters become one space (a lone tab or newline stays as it is).
    /// </summary>
    public static string NormaliseSpace(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.Length == text.Length && !HasSpaceRun(span)) return text;
        var sb = new StringBuilder(span.Length);
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsWhiteSpace(span[i]) && i + 1 < span.Length && char.IsWhiteSpace(span[i + 1]))
            {
                while (i + 1 < span.Length && char.IsWhiteSpace(span[i + 1])) i++;
                sb.Append(' ');
            }
            else
            {
                sb.Append(span[i]);
            }
        }
        return sb.ToString();
    }

    private static bool HasSpaceRun(ReadOnlySpan<char> span)
    {
        for (var i = 1; i < span.Length; i++)
            if (char.IsWhiteSpace(span[i]) && char.IsWhiteSpace(span[i - 1])) return true;
        return false;
    }
}
