using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Xml;
using System.Xml.XPath;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// One parsed document behind an <c>xpath</c> handle, seen the way XML::XPath's tree sees it:
/// adjacent text and CDATA form one text node, whitespace between elements is kept, nothing of
/// the prolog but comments and processing instructions is a node, the root is a nameless element
/// whose children serialize one after the other. Nodes get small integer ids on first sight.
/// </summary>
public sealed partial class XPathDoc
{
    private const string XmlnsUri = "http://www.w3.org/2000/xmlns/";

    private readonly List<XmlNode> _nodes = [];
    private readonly Dictionary<XmlNode, int> _ids = new(ReferenceEqualityComparer.Instance);

    public XmlDocument Document { get; }

    /// <summary>Each prefix's first binding in the document, for queries that name it without set_namespace.</summary>
    public Dictionary<string, string> PrefixBindings { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether some element declares a default namespace (then unprefixed name tests are rewritten).</summary>
    public bool HasDefaultNamespace { get; private set; }

    public long SourceBytes { get; }

    private XPathDoc(XmlDocument document, long sourceBytes)
    {
        Document = document;
        SourceBytes = sourceBytes;
        IdOf(document);
        ScanNamespaces();
    }

    /// <summary>
    /// Parses <paramref name="bytes"/> (encoding from BOM or declaration, as expat does); an
    /// external DTD is read relative to <paramref name="baseUri"/> (<see cref="XPathDtdResolver"/>).
    /// XmlException on malformed input, <see cref="MissingDtdException"/> for a missing DTD file.
    /// </summary>
    public static XPathDoc Parse(byte[] bytes, Uri? baseUri = null)
    {
        var length = bytes.LongLength;
        var declared = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            try
            {
                var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
                var settings = XmlSource.ReaderSettings();
                if (baseUri is not null) settings.XmlResolver = new XPathDtdResolver();
                using (var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), settings, baseUri?.AbsoluteUri))
                    document.Load(reader);
                return new XPathDoc(document, length);
            }
            catch (XmlException e) when (declared.Count < 64 && UndeclaredPrefix(e) is { } prefix && declared.Add(prefix)
                                         && DeclareOnRoot(bytes, prefix) is { } patched)
            {
                bytes = patched;
            }
        }
    }

    /// <summary>
    /// The URI an undeclared prefix is given. XML::XPath runs expat without namespace processing,
    /// so <c>&lt;p:a&gt;</c> without <c>xmlns:p</c> is an element named "p:a" in no namespace;
    /// .NET refuses it, so the prefix is declared on the root with this URI, which the rest of the
    /// module treats as no namespace (not written out, not a binding queries may use).
    /// </summary>
    public const string UndeclaredPrefixUri = "urn:x-cpanbridge:undeclared-prefix:";

    public static bool IsUndeclared(string uri) => uri.StartsWith(UndeclaredPrefixUri, StringComparison.Ordinal);

    [GeneratedRegex("^'([^':]+)' is an undeclared prefix")]
    private static partial Regex UndeclaredPrefixMessage();

    private static string? UndeclaredPrefix(XmlException e) =>
        UndeclaredPrefixMessage().Match(e.Message) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The document with xmlns:<paramref name="prefix"/> added to its root's start tag; null if the root is not found.</summary>
    private static byte[]? DeclareOnRoot(byte[] bytes, string prefix)
    {
        if (bytes.Length >= 2 && (bytes[0] == 0xFE && bytes[1] == 0xFF || bytes[0] == 0xFF && bytes[1] == 0xFE)) return null;
        var i = 0;
        while (true)
        {
            i = Array.IndexOf(bytes, (byte)'<', i);
            if (i < 0 || i + 1 >= bytes.Length) return null;
            var next = bytes[i + 1];
            if (next == '?') { i = Find(bytes, "?>"u8, i); continue; }
            if (next == '!')
            {
                if (i + 3 < bytes.Length && bytes[i + 2] == '-' && bytes[i + 3] == '-') { i = Find(bytes, "-->"u8, i); continue; }
                i = DeclarationEnd(bytes, i);
                continue;
            }
            break;
        }
        var nameEnd = i + 1;
        while (nameEnd < bytes.Length && bytes[nameEnd] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/' or (byte)'>'))
            nameEnd++;
        var declaration = Encoding.UTF8.GetBytes($" xmlns:{prefix}=\"{UndeclaredPrefixUri}{prefix}\"");
        return [.. bytes.AsSpan(0, nameEnd), .. declaration, .. bytes.AsSpan(nameEnd)];

        static int Find(byte[] bytes, ReadOnlySpan<byte> end, int from)
        {
            var at = bytes.AsSpan(from).IndexOf(end);
            return at < 0 ? bytes.Length : from + at + end.Length;
        }

        static int DeclarationEnd(byte[] bytes, int from)
        {
            byte quote = 0;
            var depth = 0;
            for (var j = from + 2; j < bytes.Length; j++)
            {
                var c = bytes[j];
                if (quote != 0) { if (c == quote) quote = 0; }
                else if (c is (byte)'"' or (byte)'\'') quote = c;
                else if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (c == '>' && depth <= 0) return j + 1;
            }
            return bytes.Length;
        }
    }

    public int IdOf(XmlNode node)
    {
        if (_ids.TryGetValue(node, out var id)) return id;
        _nodes.Add(node);
        id = _nodes.Count;
        _ids.Add(node, id);
        return id;
    }

    public XmlNode? NodeOf(long id) => id >= 1 && id <= _nodes.Count ? _nodes[(int)id - 1] : null;

    private void ScanNamespaces()
    {
        foreach (var element in Elements(Document))
        {
            foreach (XmlAttribute attribute in element.Attributes)
            {
                if (attribute.NamespaceURI != XmlnsUri) continue;
                if (attribute.Prefix.Length == 0)
                {
                    if (attribute.Value.Length > 0) HasDefaultNamespace = true;
                }
                else if (!IsUndeclared(attribute.Value))
                {
                    PrefixBindings.TryAdd(attribute.LocalName, attribute.Value);
                }
            }
        }
    }

    /// <summary>Every element below <paramref name="top"/> in document order, without recursion (documents may nest deeply).</summary>
    private static IEnumerable<XmlElement> Elements(XmlNode top)
    {
        var current = top.FirstChild;
        while (current is not null)
        {
            if (current is XmlElement element)
            {
                yield return element;
                if (element.FirstChild is not null)
                {
                    current = element.FirstChild;
                    continue;
                }
            }
            while (current is not null && current != top && current.NextSibling is null) current = current.ParentNode;
            if (current is null || current == top) yield break;
            current = current.NextSibling;
        }
    }

    // ---- XML::XPath's view of the tree ---------------------------------------------------------

    public static bool IsText(XmlNode node) => node.NodeType is XmlNodeType.Text or XmlNodeType.CDATA
        or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace;

    /// <summary>The first node of the text run <paramref name="node"/> belongs to: the run is one XML::XPath text node.</summary>
    public static XmlNode RunStart(XmlNode node)
    {
        if (!IsText(node)) return node;
        while (node.PreviousSibling is { } previous && IsText(previous)) node = previous;
        return node;
    }

    public static string RunValue(XmlNode start)
    {
        if (start.NextSibling is not { } next || !IsText(next)) return start.Value ?? "";
        var text = new StringBuilder(start.Value);
        for (var n = next; n is not null && IsText(n); n = n.NextSibling) text.Append(n.Value);
        return text.ToString();
    }

    /// <summary>Whether XML::XPath has this node at all (at the root, only the element, comments and PIs).</summary>
    private static bool IsVisible(XmlNode node) => node.ParentNode is XmlDocument
        ? node.NodeType is XmlNodeType.Element or XmlNodeType.Comment or XmlNodeType.ProcessingInstruction
        : node.NodeType is XmlNodeType.Element or XmlNodeType.Comment or XmlNodeType.ProcessingInstruction
          || IsText(node) && (node.PreviousSibling is null || !IsText(node.PreviousSibling));

    public static IEnumerable<XmlNode> Children(XmlNode node)
    {
        if (node is not (XmlElement or XmlDocument)) yield break;
        for (var child = node.FirstChild; child is not null; child = child.NextSibling)
            if (IsVisible(child)) yield return child;
    }

    public static XmlNode? Parent(XmlNode node) => node switch
    {
        XmlAttribute attribute => attribute.OwnerElement,
        XmlDocument => null,
        _ => node.ParentNode,
    };

    /// <summary>XML::XPath's string_value: text of the element and text descendants, comments and PIs left out.</summary>
    public static string StringValue(XmlNode node)
    {
        switch (node)
        {
            case XmlElement or XmlDocument:
                var text = new StringBuilder();
                var top = node is XmlDocument document ? document.DocumentElement : node;
                if (top is null) return "";
                var current = top.FirstChild;
                while (current is not null)
                {
                    if (IsText(current)) text.Append(current.Value);
                    if (current is XmlElement && current.FirstChild is not null)
                    {
                        current = current.FirstChild;
                        continue;
                    }
                    while (current != top && current.NextSibling is null) current = current.ParentNode!;
                    if (current == top) break;
                    current = current.NextSibling;
                }
                return text.ToString();
            case XmlProcessingInstruction pi:
                return pi.Data;
            default:
                return IsText(node) ? RunValue(RunStart(node)) : node.Value ?? "";
        }
    }

    // ---- toString as XML::XPath writes it ------------------------------------------------------

    /// <summary>
    /// XML::XPath's toString: namespace declarations before attributes, "&lt;e /&gt;" for an element
    /// without children, text escaping only &lt; and &amp; (and "]]&gt;"), CDATA written as text,
    /// "--" in comments as character references. No recursion: deep documents must not overflow.
    /// </summary>
    public static void Serialize(XmlNode top, StringBuilder output)
    {
        if (top is XmlAttribute attribute)
        {
            AttributeText(attribute, output);
            return;
        }
        var current = IsText(top) ? RunStart(top) : top;
        top = current;
        while (true)
        {
            var descend = false;
            switch (current)
            {
                case XmlElement element:
                    output.Append('<').Append(element.Name);
                    foreach (XmlAttribute a in element.Attributes)
                        if (a.NamespaceURI == XmlnsUri && !IsUndeclared(a.Value))
                        {
                            output.Append(a.Prefix.Length == 0 ? " xmlns=\"" : " xmlns:" + a.LocalName + "=\"");
                            Escape(a.Value, "\"&<", output);
                            output.Append('"');
                        }
                    foreach (XmlAttribute a in element.Attributes)
                        if (a.NamespaceURI != XmlnsUri) AttributeText(a, output);
                    if (element.HasChildNodes)
                    {
                        output.Append('>');
                        descend = true;
                    }
                    else
                    {
                        output.Append(" />");
                    }
                    break;
                case XmlDocument:
                    descend = true;
                    break;
                case XmlComment comment:
                    if (IsVisible(comment)) output.Append("<!--").Append(comment.Value!.Replace("--", "&#45;&#45;")).Append("-->");
                    break;
                case XmlProcessingInstruction pi:
                    if (IsVisible(pi))
                    {
                        output.Append("<?").Append(pi.Target).Append(' ');
                        Escape(pi.Data, ">", output);
                        output.Append("?>");
                    }
                    break;
                default:
                    if (IsText(current) && IsVisible(current)) Escape(RunValue(current), "<&", output);
                    break;
            }
            if (descend && current.FirstChild is not null)
            {
                current = current.FirstChild;
                continue;
            }
            if (current == top) return;
            if (IsText(current) && current != top)
                while (current.NextSibling is { } next && IsText(next)) current = next;
            while (current != top && current.NextSibling is null)
            {
                current = current.ParentNode!;
                if (current is XmlElement closing) output.Append("</").Append(closing.Name).Append('>');
            }
            if (current == top) return;
            current = current.NextSibling!;
        }
    }

    private static void AttributeText(XmlAttribute attribute, StringBuilder output)
    {
        output.Append(' ').Append(attribute.Name).Append("=\"");
        Escape(attribute.Value, "\"&><", output);
        output.Append('"');
    }

    /// <summary>XML::XPath's XMLescape: the given characters as entities, and "]]&gt;" as "]]&amp;gt;".</summary>
    public static void Escape(string text, string characters, StringBuilder output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (characters.Contains(c))
            {
                output.Append(c switch { '"' => "&quot;", '>' => "&gt;", '<' => "&lt;", '\'' => "&apos;", _ => "&amp;" });
            }
            else if (c == ']' && i + 2 < text.Length && text[i + 1] == ']' && text[i + 2] == '>')
            {
                output.Append("]]&gt;");
                i += 2;
            }
            else
            {
                output.Append(c);
            }
        }
    }

    // ---- descriptors -----------------------------------------------------------------------------

    /// <summary>A node as the wire describes it (docs/protocol.md, module xpath): [type, id, name, value, prefix, uri, extra].</summary>
    public void Describe(XmlNode node, Utf8JsonWriter json)
    {
        node = RunStart(node);
        var id = IdOf(node);
        json.WriteStartArray();
        switch (node)
        {
            case XmlDocument:
                json.WriteNumberValue(1);
                json.WriteNumberValue(id);
                json.WriteNullValue();
                json.WriteNullValue();
                json.WriteNullValue();
                json.WriteNullValue();
                json.WriteStartArray();
                json.WriteEndArray();
                break;
            case XmlElement element:
                json.WriteNumberValue(1);
                json.WriteNumberValue(id);
                json.WriteStringValue(element.Name);
                json.WriteNullValue();
                json.WriteStringValue(element.Prefix);
                NullableString(json, element.NamespaceURI);
                json.WriteStartArray();
                foreach (XmlAttribute a in element.Attributes)
                {
                    if (a.NamespaceURI == XmlnsUri) continue;
                    json.WriteStartArray();
                    json.WriteNumberValue(IdOf(a));
                    json.WriteStringValue(a.Name);
                    json.WriteStringValue(a.Value);
                    json.WriteStringValue(a.Prefix);
                    NullableString(json, a.NamespaceURI);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                break;
            case XmlAttribute attribute:
                json.WriteNumberValue(2);
                json.WriteNumberValue(id);
                json.WriteStringValue(attribute.Name);
                json.WriteStringValue(attribute.Value);
                json.WriteStringValue(attribute.Prefix);
                NullableString(json, attribute.NamespaceURI);
                if (attribute.OwnerElement is { } owner) json.WriteNumberValue(IdOf(owner));
                else json.WriteNullValue();
                break;
            case XmlProcessingInstruction pi:
                json.WriteNumberValue(7);
                json.WriteNumberValue(id);
                json.WriteStringValue(pi.Target);
                json.WriteStringValue(pi.Data);
                break;
            case XmlComment comment:
                json.WriteNumberValue(8);
                json.WriteNumberValue(id);
                json.WriteNullValue();
                json.WriteStringValue(comment.Value);
                break;
            default:
                json.WriteNumberValue(3);
                json.WriteNumberValue(id);
                json.WriteNullValue();
                json.WriteStringValue(RunValue(node));
                break;
        }
        json.WriteEndArray();
    }

    /// <summary>A node an XPath result stands on; namespace nodes have no XmlNode and are described by prefix and URI.</summary>
    public void Describe(XPathNavigator navigator, Utf8JsonWriter json)
    {
        if (navigator.NodeType == XPathNodeType.Namespace)
        {
            json.WriteStartArray();
            json.WriteNumberValue(17);
            json.WriteNumberValue(0);
            json.WriteStringValue(navigator.LocalName.Length == 0 ? "#default" : navigator.LocalName);
            json.WriteStringValue(navigator.Value);
            json.WriteEndArray();
            return;
        }
        Describe(NodeOf(navigator), json);
    }

    public static XmlNode NodeOf(XPathNavigator navigator) =>
        ((IHasXmlNode)navigator).GetNode();

    private static void NullableString(Utf8JsonWriter json, string value)
    {
        if (value.Length == 0 || IsUndeclared(value)) json.WriteNullValue();
        else json.WriteStringValue(value);
    }
}
