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
