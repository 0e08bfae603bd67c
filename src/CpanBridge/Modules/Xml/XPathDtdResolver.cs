using System.Net;
using System.Text;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// External DTDs as XML::XPath gets them through XML::Parser: a DOCTYPE's SYSTEM file is read
/// (its entities and attribute defaults apply), relative to the document's file or, for a
/// string, to the script's working directory; a missing one is a parse error. Only local files:
/// the daemon never fetches over the network (natively XML::Parser would try http with LWP).
/// </summary>
public sealed class XPathDtdResolver : XmlResolver
{
    public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
    {
        if (!absoluteUri.IsFile) return new MemoryStream([], writable: false);
        var path = absoluteUri.LocalPath;
        if (!File.Exists(path)) throw new MissingDtdException(path, absoluteUri);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    public override ICredentials Credentials { set { } }
}

/// <summary>A DOCTYPE names a local file that is not there.</summary>
public sealed class MissingDtdException(string path, Uri uri) : IOException($"404 File `{path}' does not exist {uri.AbsoluteUri}")
{
    public string Path { get; } = path;

    /// <summary>
    /// XML::Parser's message (LWP's 404 text, then expat's, at the end of the DOCTYPE declaration
    /// where expat asks for the external subset), with the context lines.
    /// </summary>
    public string ExpatText(string text)
    {
        var (line, column, bytes) = DoctypeEnd(text);
        var position = $"at line {line}, column {column}, byte {bytes}";
        var context = ExpatError.WithContext(new ParseError("error in processing external entity reference", line, column, bytes, Message), text);
        return $"\n{Message}\nHandler couldn't resolve external entity {position}{context}";
    }

    /// <summary>Line (1-based), column (0-based) and byte offset of the '&gt;' that closes the DOCTYPE.</summary>
    private static (int Line, int Column, long Byte) DoctypeEnd(string text)
    {
        var start = text.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        var index = start < 0 ? 0 : start;
        char quote = '\0';
        var depth = 0;
        for (; start >= 0 && index < text.Length; index++)
        {
            var c = text[index];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == '>' && depth <= 0) break;
        }
        index = Math.Min(index, text.Length);
        return (ExpatError.LineOf(text, index), index - ExpatError.LineStartOf(text, index), ExpatError.ByteOffset(text, index));
    }
}
