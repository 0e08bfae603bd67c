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

    /// <summary>A reader over a document given as text (a Perl character string).</summary>
    public static XmlReader FromString(string xml) => XmlReader.Create(new StringReader(xml), ReaderSettings());

    /// <summary>A reader over a file; the encoding comes from the file's own declaration or BOM.</summary>
    public static XmlReader FromFile(string path) =>
        XmlReader.Create(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), ReaderSettings());

    /// <summary>
    /// expat's wording of a parse error, with its position: line 1-based, column 0-based (expat's
    /// convention, which .NET's LinePosition is not), and the byte offset when the text is known.
    /// </summary>
    public static ParseError Describe(XmlException error, string? text = null)
    {
        var line = Math.Max(error.LineNumber, 1);
        var column = Math.Max(error.LinePosition - 1, 0);
        long? bytes = text is null ? null : ExpatError.ByteOffset(text, ExpatError.IndexOf(text, line, column));
        return new ParseError(ExpatMessage(error.Message), line, column, bytes, error.Message);
    }

    /// <summary>
    /// As <see cref="Describe(XmlException, string?)"/> for a document held as bytes (a file or a
    /// Perl byte string): expat counts the column in characters and the offset in bytes.
    /// </summary>
    public static ParseError Describe(XmlException error, ReadOnlySpan<byte> document)
    {
        var line = Math.Max(error.LineNumber, 1);
        var column = Math.Max(error.LinePosition - 1, 0);
        var message = ExpatMessage(error.Message);
        var m = error.Message;
        // Where .NET and expat point differently (checked against expat through XML::Simple):
        // .NET names the token's name, expat its first character.
        if (m.Contains("CDATA") && m.Contains("end of file"))
            message = "unclosed CDATA section";
        else if (m.Contains("multiple root elements") || m.Contains("undeclared entity"))
            column = Math.Max(column - 1, 0);
        else if (m.Contains("Unexpected XML declaration"))
            column = Math.Max(column - 2, 0);
        else if (m.Contains("is an invalid character") && CharacterReferenceStart(document, line, column) is { } start)
        {
            message = "reference to invalid character number";
            column = start;
        }
        return new ParseError(message, line, column, ByteOffset(document, line, column), error.Message);
    }

    /// <summary>The column of the "&amp;#" of a character reference that <paramref name="column"/> falls in, if it does.</summary>
    private static int? CharacterReferenceStart(ReadOnlySpan<byte> document, int line, int column)
    {
        var lineStart = ByteOffset(document, line, 0);
        var here = ByteOffset(document, line, column);
        for (var i = Math.Min(here, document.Length - 1); i >= lineStart && here - i <= 12; i--)
        {
            if (document[(int)i] is (byte)';' or (byte)'<' && i != here) return null;
            if (document[(int)i] != '&' || i + 1 >= document.Length || document[(int)i + 1] != '#') continue;
            var characters = 0;
            foreach (var b in document[(int)lineStart..(int)i])
                if ((b & 0xC0) != 0x80) characters++;
            return characters;
        }
        return null;
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

    /// <summary>Byte offset of a 1-based line and 0-based character column in UTF-8 (or single-byte) bytes.</summary>
    private static long ByteOffset(ReadOnlySpan<byte> document, int line, int column)
    {
        var index = 0;
        for (var l = 1; l < line && index < document.Length; l++)
        {
            var next = document[index..].IndexOf((byte)'\n');
            if (next < 0) break;
            index += next + 1;
        }
        for (var c = 0; c < column && index < document.Length; c++)
        {
            index++;
            while (index < document.Length && (document[index] & 0xC0) == 0x80) index++;
        }
        return index;
    }
}

/// <summary>A parse failure as expat reports it; <see cref="DotNetMessage"/> is kept for the log.</summary>
public sealed record ParseError(string Message, int Line, int Column, long? Byte, string DotNetMessage)
{
    /// <summary>XML::Parser's own form: "\n{message} at line L, column C, byte B".</summary>
    public string ExpatText => $"\n{Message} at line {Line}, column {Column}, byte {Byte ?? 0}";
}
