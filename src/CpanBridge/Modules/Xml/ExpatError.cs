using System.Text;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// A .NET parse failure as expat (XML::Parser, under XML::XPath, XML::Simple and XML::DOM)
/// reports it: the wording (<see cref="XmlSource.ExpatMessage"/>), moved from where .NET noticed
/// the problem to where expat reports it, measured in expat's units (1-based line, column in
/// characters, byte offset); and XML::Parser's ErrorContext lines. One place for the three
/// modules, so a correction found through one module's differential tests serves all three.
/// </summary>
public static class ExpatError
{
    /// <summary>
    /// expat's message and position for <paramref name="error"/> over the document's bytes.
    /// <paramref name="fromFile"/>: an empty document is byte 0 when read from a file, -1 from a string.
    /// </summary>
    public static ParseError Describe(XmlException error, ReadOnlySpan<byte> bytes, bool fromFile)
    {
        var dotnet = error.Message;
        var text = Decode(bytes, out var singleByte);
        var message = dotnet.Contains("CDATA") && dotnet.Contains("end of file")
            ? "unclosed CDATA section"
            : XmlSource.ExpatMessage(dotnet);
        if (dotnet.Contains("Cannot switch to Unicode"))
        {
            // a 16-bit encoding declared in an 8-bit document: expat points at the declared name
            var declared = text.IndexOf("encoding", StringComparison.Ordinal);
            var value = declared < 0 ? 0 : text.IndexOfAny(['"', '\''], declared) + 1;
            return new ParseError("encoding specified in XML declaration is incorrect", 1, value, value, dotnet);
        }
        if (bytes.Length == 0) return new ParseError(message, 1, 0, fromFile ? 0 : -1, dotnet);
        // An XML declaration that never ends swallows the document: one unclosed token.
        if (text.StartsWith("<?xml", StringComparison.Ordinal) && !text.Contains("?>", StringComparison.Ordinal))
            return new ParseError("unclosed token", 1, 0, 0, dotnet);

        int at, line, lineStart;
        if (error.LineNumber > 0 && message != "unclosed CDATA section")
        {
            // .NET's line stands (it also counts a lone CR, as expat does)
            line = error.LineNumber;
            lineStart = LineStart(text, line);
            at = Math.Min(text.Length, lineStart + Math.Max(error.LinePosition - 1, 0));
        }
        else
        {
            if (message == "unclosed CDATA section")
                at = text.Length;    // expat reads to the end looking for "]]>"
            else if (message.StartsWith("limit on input amplification", StringComparison.Ordinal))
                // .NET gives no position; expat stops at the first reference in content, where the expansion starts
                at = FirstContentReference(text) ?? text.Length;
            else
                at = text.Length;
            line = LineOf(text, at);
            lineStart = LineStartOf(text, at);
        }
        // The input stops inside a token: expat names the token and points at its start.
        if (message != "unclosed CDATA section" && EndsLikeEof(dotnet) && UnclosedTokenAtEnd(text) is { } token && at >= token)
        {
            message = "unclosed token";
            at = token;
            line = LineOf(text, at);
            lineStart = LineStartOf(text, at);
        }
        if (message == "not well-formed (invalid token)" && dotnet.Contains("invalid character")
            && Back(text, lineStart, at, "&#") is { } reference)
        {
            message = "reference to invalid character number";
            at = reference;
        }
        else if (dotnet.Contains("']]>' is not allowed"))
            at = Math.Min(text.Length, at + 2);    // expat points at the '>' that ends it
        else if (message == "undefined entity" && Back(text, lineStart, at, "&") is { } ampersand)
            at = ampersand;
        else if (message is "junk after document element" or "XML or text declaration not at start of entity"
                 && Back(text, lineStart, at, "<") is { } open)
            at = open;

        // text after the root element has ended: .NET says only that it is at the root level
        if (message == "not well-formed (invalid token)" && dotnet.Contains("Data at the root level is invalid")
            && StartTagBefore(text, at))
            message = "junk after document element";

        // a broken XML declaration is reported as such
        if (message == "not well-formed (invalid token)" && text.StartsWith("<?xml", StringComparison.Ordinal)
            && at < text.IndexOf("?>", StringComparison.Ordinal) + 2)
            message = "XML declaration not well-formed";

        return new ParseError(message, line, CharacterColumn(text, lineStart, at), ByteOffset(text, at, singleByte), dotnet);
    }

    private static bool EndsLikeEof(string dotnet) =>
        dotnet.Contains("end of file") || dotnet.Contains("Data at the root level is invalid")
        || dotnet.Contains("while parsing EntityName") || dotnet.Contains("unclosed literal string");

    /// <summary>Whether an element has started before <paramref name="at"/> (at the root level, it has also ended).</summary>
    private static bool StartTagBefore(string text, int at)
    {
        for (var i = text.IndexOf('<'); i >= 0 && i + 1 < at; i = text.IndexOf('<', i + 1))
            if (char.IsLetter(text[i + 1]) || text[i + 1] is '_' or ':') return true;
        return false;
    }

    /// <summary>Where a markup token or reference left open at the end of the input starts.</summary>
    private static int? UnclosedTokenAtEnd(string text)
    {
        var open = text.LastIndexOf('<');
        var close = text.LastIndexOf('>');
        if (open > close)
            return text.AsSpan(open).StartsWith("<!DOCTYPE") && text.IndexOf('[', open) > 0 ? null : open;
        var amp = text.LastIndexOf('&');
        return amp > close && text.IndexOf(';', amp) < 0 ? amp : null;
    }

    /// <summary>The index of the first general entity reference after the DOCTYPE (not a predefined or character one).</summary>
    private static int? FirstContentReference(string text)
    {
        var doctype = text.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        var from = doctype < 0 ? 0 : text.IndexOf("]>", doctype, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : doctype;
        for (var i = text.IndexOf('&', from); i >= 0; i = text.IndexOf('&', i + 1))
        {
            var rest = text.AsSpan(i + 1);
            if (rest.StartsWith("#") || rest.StartsWith("amp;") || rest.StartsWith("lt;") || rest.StartsWith("gt;")
                || rest.StartsWith("quot;") || rest.StartsWith("apos;"))
                continue;
            return i;
        }
        return null;
    }

    /// <summary>UTF-8 when the bytes are; otherwise one character per byte, so that indexes stay byte offsets.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, out bool singleByte)
    {
        try
        {
            singleByte = false;
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            singleByte = true;
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>The index where 1-based <paramref name="line"/> starts (the last line's start if there are fewer).</summary>
    public static int LineStart(string text, int line)
    {
        var index = 0;
        for (var l = 1; l < line; l++)
        {
            var next = text.IndexOf('\n', index);
            if (next < 0) return index;
            index = next + 1;
        }
        return index;
    }

    /// <summary>The start of the line <paramref name="at"/> is on.</summary>
    public static int LineStartOf(string text, int at) => at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;

    /// <summary>The 1-based line <paramref name="at"/> is on.</summary>
    public static int LineOf(string text, int at) => 1 + text.AsSpan(0, LineStartOf(text, at)).Count('\n');

    /// <summary>The UTF-8 byte offset of an index (the index itself for single-byte text).</summary>
    public static long ByteOffset(string text, int at, bool singleByte = false) =>
        singleByte ? at : Encoding.UTF8.GetByteCount(text.AsSpan(0, at));

    /// <summary>
    /// expat's column: characters from <paramref name="lineStart"/> to <paramref name="at"/>, a
    /// character beyond the BMP counting once (it is two UTF-16 units here).
    /// </summary>
    public static int CharacterColumn(string text, int lineStart, int at)
    {
        var column = at - lineStart;
        for (var i = lineStart; i < at; i++)
            if (char.IsLowSurrogate(text[i])) column--;
        return column;
    }

    /// <summary>Where <paramref name="token"/> starts, looking back from <paramref name="at"/> to <paramref name="lineStart"/>.</summary>
    public static int? Back(string text, int lineStart, int at, string token)
    {
        var from = Math.Min(at, text.Length - token.Length);
        for (var i = from; i >= lineStart && i >= 0; i--)
            if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0) return i;
        return null;
    }

    /// <summary>
    /// XML::Parser's ErrorContext =&gt; 2 form: the expat text, then the two lines either side of
    /// the error line with a "===^" marker line after it.
    /// </summary>
    public static string WithContext(ParseError error, string text)
    {
        var lines = text.Split('\n');
        var index = Math.Clamp(error.Line - 1, 0, Math.Max(lines.Length - 1, 0));
        var first = Math.Max(0, index - 2);
        var last = Math.Min(lines.Length - 1, index + 2);
        var context = new StringBuilder();
        for (var i = first; i <= last; i++)
        {
            context.Append(lines[i]);
            if (i < lines.Length - 1) context.Append('\n');
            if (i == index)
            {
                if (i == lines.Length - 1) context.Append('\n');
                context.Append('=', Math.Max(error.Column - 1, 0)).Append("^\n");
            }
        }
        var body = context.ToString();
        if (!body.EndsWith('\n')) body += "\n";
        return error.ExpatText + ":\n" + body;
    }
}
