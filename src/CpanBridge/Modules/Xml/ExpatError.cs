using System.Text;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The arithmetic every XML module needs to place a parse error where expat places it: the
/// document's text as expat sees it, line starts, expat's (line, character column, byte offset)
/// of an index, the start of a token left open at the end, and XML::Parser's ErrorContext lines.
/// The wording stays in <see cref="XmlSource.ExpatMessage"/>; each module's position corrections
/// (which differ with what the module's tests showed) are built from these.
/// </summary>
public static class ExpatError
{
    /// <summary>UTF-8 when the bytes are; otherwise one character per byte, so that indexes stay byte offsets.</summary>
    public static string Decode(byte[] bytes, out bool singleByte)
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

    /// <summary>The index of a 1-based line and 0-based column, kept within the text.</summary>
    public static int IndexOf(string text, int line, int column) => Math.Min(text.Length, LineStart(text, line) + column);

    /// <summary>The start of the line <paramref name="at"/> is on.</summary>
    public static int LineStartOf(string text, int at) => at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;

    /// <summary>The 1-based line <paramref name="at"/> is on.</summary>
    public static int LineOf(string text, int at) => 1 + text.AsSpan(0, LineStartOf(text, at)).Count('\n');

    /// <summary>Line and column just past the last character.</summary>
    public static (int Line, int Column) EndOf(string text)
    {
        var lastBreak = text.LastIndexOf('\n');
        return (1 + text.AsSpan().Count('\n'), text.Length - lastBreak - 1);
    }

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
