using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// XML::DOM's own placing of a failed external entity (the general case is <see cref="ExpatError"/>).
/// </summary>
public static class DomParseError
{
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
}
