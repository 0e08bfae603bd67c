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
        var text = ExpatError.Decode(bytes, out var singleByte);
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
            (line, column) = ExpatError.EndOf(text);
        else
            (line, column) = (error.LineNumber, Math.Max(error.LinePosition - 1, 0));

        var lineStart = ExpatError.LineStart(text, line);
        var at = Math.Min(text.Length, lineStart + column);
        // The input stops inside a token: expat names the token and points at its start.
        if (EndsLikeEof(dotnet) && UnclosedTokenAtEnd(text) is { } token && at >= token)
        {
            message = "unclosed token";
            at = token;
            line = ExpatError.LineOf(text, at);
            lineStart = ExpatError.LineStartOf(text, at);
        }
        if (message == "not well-formed (invalid token)" && dotnet.Contains("invalid character")
            && ExpatError.Back(text, lineStart, at, "&#") is { } reference)
        {
            message = "reference to invalid character number";
            at = reference;
        }
        else if (dotnet.Contains("']]>' is not allowed"))
            at = Math.Min(text.Length, at + 2);    // expat points at the '>' that ends it
        else if (message == "undefined entity" && ExpatError.Back(text, lineStart, at, "&") is { } ampersand)
            at = ampersand;
        else if (message is "junk after document element" or "XML or text declaration not at start of entity"
                 && ExpatError.Back(text, lineStart, at, "<") is { } open)
            at = open;

        // a broken XML declaration is reported as such
        if (message == "not well-formed (invalid token)" && text.StartsWith("<?xml", StringComparison.Ordinal)
            && at < text.IndexOf("?>", StringComparison.Ordinal) + 2)
            message = "XML declaration not well-formed";

        return new ParseError(message, line, ExpatError.CharacterColumn(text, lineStart, at),
            ExpatError.ByteOffset(text, at, singleByte), dotnet);
    }

    /// <summary>
    /// Where the document first refers to an entity declared with <paramref name="systemId"/>
    /// (expat reports a failed external entity there), or null.
    /// </summary>
    public static (int Line, int Column, long Byte)? ReferenceTo(string systemId, byte[] bytes)
    {
        var text = ExpatError.Decode(bytes, out var singleByte);
        var declaration = Regex.Match(text,
            """<!ENTITY\s+([^\s%]+)\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+["']""" + Regex.Escape(systemId) + """["']""");
        if (!declaration.Success) return null;
        var subsetEnd = text.IndexOf("]>", declaration.Index, StringComparison.Ordinal);
        var at = text.IndexOf("&" + declaration.Groups[1].Value + ";", Math.Max(subsetEnd, 0), StringComparison.Ordinal);
        if (at < 0) return null;
        var line = ExpatError.LineOf(text, at);
        return (line, at - ExpatError.LineStart(text, line), ExpatError.ByteOffset(text, at, singleByte));
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
}
