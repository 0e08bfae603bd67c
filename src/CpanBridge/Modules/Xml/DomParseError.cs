using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// A parse failure worded and placed as expat places it. <see cref="XmlSource"/> gives the wording;
/// this moves the position from where .NET noticed the problem to where expat reports it (the start
/// of the offending token: the '&amp;' of a reference, the '&lt;' of a second root element), and
/// gives a document with no root element expat's end-of-input position (byte -1 for an empty
/// string, 0 for an empty file, as XML::Parser reports them).
/// </summary>
public static class DomParseError
{
    public static ParseError Describe(XmlException error, byte[] bytes, bool fromFile)
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

        int line, column;
        if (error.LineNumber <= 0)
            (line, column) = EndOf(text);
        else
            (line, column) = (error.LineNumber, Math.Max(error.LinePosition - 1, 0));

        var lineStart = LineStart(text, line);
        var at = Math.Min(text.Length, lineStart + column);
        // The input stops inside a token: expat names the token and points at its start.
        if (EndsLikeEof(dotnet) && UnclosedTokenAtEnd(text) is { } token && at >= token)
        {
            message = "unclosed token";
            at = token;
            line = 1 + text.AsSpan(0, at).Count('\n');
            lineStart = LineStart(text, line);
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

        // a broken XML declaration is reported as such
        if (message == "not well-formed (invalid token)" && text.StartsWith("<?xml", StringComparison.Ordinal)
            && at < text.IndexOf("?>", StringComparison.Ordinal) + 2)
            message = "XML declaration not well-formed";

        long offset = singleByte ? at : Encoding.UTF8.GetByteCount(text.AsSpan(0, at));
        // expat counts columns in characters; a character beyond the BMP is two UTF-16 units here
        var columnChars = at - lineStart;
        for (var i = lineStart; i < at; i++)
            if (char.IsLowSurrogate(text[i])) columnChars--;
        return new ParseError(message, line, columnChars, offset, dotnet);
    }

    /// <summary>
    /// Where the document first refers to an entity declared with <paramref name="systemId"/>
    /// (expat reports a failed external entity there), or null.
    /// </summary>
    public static (int Line, int Column, long Byte)? ReferenceTo(string systemId, byte[] bytes)
    {
        var text = Decode(bytes, out var singleByte);
        var declaration = Regex.Match(text,
            """<!ENTITY\s+([^\s%]+)\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+["']""" + Regex.Escape(systemId) + """["']""");
        if (!declaration.Success) return null;
        var subsetEnd = text.IndexOf("]>", declaration.Index, StringComparison.Ordinal);
        var at = text.IndexOf("&" + declaration.Groups[1].Value + ";", Math.Max(subsetEnd, 0), StringComparison.Ordinal);
        if (at < 0) return null;
        var line = 1 + text.AsSpan(0, at).Count('\n');
        var column = at - LineStart(text, line);
        return (line, column, singleByte ? at : Encoding.UTF8.GetByteCount(text.AsSpan(0, at)));
    }

    private static bool EndsLikeEof(string dotnet) =>
        dotnet.Contains("end of file") || dotnet.Contains("Data at the root level is invalid")
        || dotnet.Contains("while parsing EntityName") || dotnet.Contains("unclosed literal string");

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

    /// <summary>UTF-8 when the bytes are; otherwise one character per byte (offsets stay byte offsets).</summary>
    private static string Decode(byte[] bytes, out bool singleByte)
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

    private static (int Line, int Column) EndOf(string text)
    {
        var line = 1;
        var lastBreak = -1;
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n')
            {
                line++;
                lastBreak = i;
            }
        return (line, text.Length - lastBreak - 1);
    }

    private static int LineStart(string text, int line)
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

    /// <summary>Where <paramref name="token"/> starts, looking back from <paramref name="at"/> on its line.</summary>
    private static int? Back(string text, int lineStart, int at, string token)
    {
        var from = Math.Min(at, text.Length - token.Length);
        for (var i = from; i >= lineStart && i >= 0; i--)
            if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0) return i;
        return null;
    }
}
