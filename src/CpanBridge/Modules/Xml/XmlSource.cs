using System.Text;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// How every XML module reads a document: the same safe reader settings, and parse errors worded
/// as expat (XML::Parser, under XML::XPath, XML::Simple and XML::DOM) words them, because scripts
/// print those messages and sometimes match them.
/// </summary>
public static class XmlSource
{
    // expat (through XML::Parser's encoding maps) reads windows-125x, ISO-8859-2.. and the like;
    // .NET has them once the code-page provider is registered (idempotent, process-wide).
    static XmlSource() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Entity expansion beyond this many characters is refused: a "billion laughs" document must
    /// not take the daemon down. Real documents stay far below it.
    /// </summary>
    public const long MaxCharactersFromEntities = 10_000_000;

    /// <summary>
    /// Internal DTD subsets are parsed (documents declare entities there); nothing is ever fetched
    /// (no resolver), whitespace, comments and processing instructions are all kept, since the
    /// native modules keep them.
    /// </summary>
    public static XmlReaderSettings ReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Parse,
        XmlResolver = null,
        MaxCharactersFromEntities = MaxCharactersFromEntities,
        IgnoreWhitespace = false,
        IgnoreComments = false,
        IgnoreProcessingInstructions = false,
        CheckCharacters = true,
        CloseInput = true,
    };

    /// <summary>
    /// expat's wording of a parse error at .NET's position in expat's units: line 1-based, column
    /// 0-based (which .NET's LinePosition is not); no byte offset. With the document's bytes at
    /// hand, <see cref="ExpatError.Describe"/> places it as expat does.
    /// </summary>
    public static ParseError Describe(XmlException error)
    {
        var line = Math.Max(error.LineNumber, 1);
        var column = Math.Max(error.LinePosition - 1, 0);
        return new ParseError(ExpatMessage(error.Message), line, column, null, error.Message);
    }

    /// <summary>.NET's message mapped to the expat error string a native script would have seen.</summary>
    public static string ExpatMessage(string dotnetMessage)
    {
        var m = dotnetMessage;
        if (m.Contains("does not match the end tag") || m.Contains("Unexpected end tag"))
            return "mismatched tag";
        if (m.Contains("multiple root elements"))
            return "junk after document element";
        if (m.Contains("Root element is missing") || m.Contains("Unexpected end of file"))
            return m.Contains("while parsing Name") || m.Contains("has occurred while parsing") ? "unclosed token" : "no element found";
        if (m.Contains("undeclared entity") || m.Contains("Reference to undefined entity"))
            return "undefined entity";
        if (m.Contains("duplicate attribute"))
            return "duplicate attribute";
        if (m.Contains("undeclared prefix") || m.Contains("undeclared namespace"))
            return "unbound prefix";
        if (m.Contains("invalid character number") || m.Contains("Invalid character") && m.Contains("&#"))
            return "reference to invalid character number";
        if (m.Contains("Unexpected XML declaration"))
            return "XML or text declaration not at start of entity";
        if (m.Contains("CDATA") && m.Contains("end of file"))
            return "unclosed CDATA section";
        if (m.Contains("MaxCharactersFromEntities") || m.Contains("maximum allowed"))
            return "limit on input amplification factor (from DTD and entities) breached";
        return "not well-formed (invalid token)";
    }
}

/// <summary>A parse failure as expat reports it; <see cref="DotNetMessage"/> is kept for the log.</summary>
public sealed record ParseError(string Message, int Line, int Column, long? Byte, string DotNetMessage)
{
    /// <summary>XML::Parser's own form: "\n{message} at line L, column C, byte B".</summary>
    public string ExpatText => $"\n{Message} at line {Line}, column {Column}, byte {Byte ?? 0}";
}
