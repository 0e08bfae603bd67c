using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.XPath;
using CpanBridge.Core;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// XML::XQL's <c>$node->xql($query)</c> on a document the drop-in serialised, answered with XPath
/// 1.0. XQL is close to XPath in the forms scripts use (paths, //, @attr, [@a='v'], text()); the
/// differences that can be rewritten are (0-based subscripts, $eq$-style operators, a few function
/// names); the rest is refused by name rather than answered differently.
/// </summary>
public sealed class DomXqlDocument
{
    private readonly XPathDocument _document;

    private DomXqlDocument(XPathDocument document) => _document = document;

    /// <summary>
    /// XQL on XML::DOM knows no namespaces: a name is matched as written, prefix and all, and an
    /// xmlns declaration is an attribute like any other. So the copy is read without namespace
    /// processing. Its internal DTD is read: defaulted attributes are attributes to XQL too, and a
    /// NoExpand document still has its references. (No expansion limit is needed on this reader:
    /// the drop-in's documents come from a checked parse, and scripts cannot declare entities.)
    /// </summary>
    public static DomXqlDocument Load(string xml)
    {
        using var reader = new XmlTextReader(new StringReader(xml))
        {
            Namespaces = false,
            DtdProcessing = DtdProcessing.Parse,
            XmlResolver = null,
            EntityHandling = EntityHandling.ExpandEntities,
            WhitespaceHandling = WhitespaceHandling.All,
            Normalization = true,
        };
        return new DomXqlDocument(new XPathDocument(reader, XmlSpace.Preserve));
    }

    /// <summary>
    /// Runs <paramref name="xql"/> from the element at <paramref name="context"/> (element-child
    /// indexes from the document; empty = the document) and describes each result so the drop-in
    /// finds its own node: elements by index path, attributes by path and name, comments and PIs by
    /// path and rank among their kind, text by path and rank among text runs (plus its value).
    /// </summary>
    public JsonArray Run(IReadOnlyList<int> context, string xql)
    {
        var xpath = DomXqlSyntax.ToXPath(xql);
        var navigator = _document.CreateNavigator();
        foreach (var index in context)
            if (!MoveToChildElement(navigator, index))
                throw BridgeException.Usage($"context path [{string.Join(',', context)}] is not an element of the document");

        XPathExpression expression;
        try
        {
            expression = XPathExpression.Compile(xpath);
        }
        catch (XPathException e)
        {
            throw BridgeException.Native($"xql: bad query '{xql}': {e.Message}");
        }

        object result;
        try
        {
            result = navigator.Evaluate(expression);
        }
        catch (XPathException e)
        {
            throw BridgeException.Native($"xql: query '{xql}' failed: {e.Message}");
        }

        var results = new JsonArray();
        switch (result)
        {
            case XPathNodeIterator nodes:
                while (nodes.MoveNext()) results.Add(Describe(nodes.Current!));
                break;
            case bool b:
                results.Add(new JsonObject { ["v"] = b ? "1" : "" });
                break;
            case double d:
                results.Add(new JsonObject { ["v"] = Number(d) });
                break;
            default:
                results.Add(new JsonObject { ["v"] = result?.ToString() ?? "" });
                break;
        }
        return results;
    }

    private static string Number(double d) =>
        double.IsNaN(d) ? "NaN" : d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);

    private static bool MoveToChildElement(XPathNavigator navigator, int index)
    {
        if (!navigator.MoveToFirstChild()) return false;
        var seen = -1;
        do
        {
            if (navigator.NodeType == XPathNodeType.Element && ++seen == index) return true;
        }
        while (navigator.MoveToNext());
        return false;
    }

    private static JsonObject Describe(XPathNavigator node)
    {
        switch (node.NodeType)
        {
            case XPathNodeType.Root:
                return new JsonObject { ["k"] = "d", ["p"] = new JsonArray() };
            case XPathNodeType.Element:
                return new JsonObject { ["k"] = "e", ["p"] = PathOf(node) };
            case XPathNodeType.Attribute:
            {
                var owner = node.Clone();
                owner.MoveToParent();
                return new JsonObject { ["k"] = "a", ["p"] = PathOf(owner), ["n"] = node.Name, ["v"] = node.Value };
            }
            case XPathNodeType.Namespace:
                return new JsonObject { ["k"] = "s", ["v"] = node.Value };
            default:
            {
                var kind = node.NodeType switch
                {
                    XPathNodeType.Comment => "c",
                    XPathNodeType.ProcessingInstruction => "p",
                    _ => "t",
                };
                var rank = 0;
                var sibling = node.Clone();
                while (sibling.MoveToPrevious())
                    if (KindOf(sibling.NodeType) == kind) rank++;
                var parent = node.Clone();
                parent.MoveToParent();
                return new JsonObject { ["k"] = kind, ["p"] = PathOf(parent), ["i"] = rank, ["v"] = node.Value };
            }
        }
    }

    private static string KindOf(XPathNodeType type) => type switch
    {
        XPathNodeType.Comment => "c",
        XPathNodeType.ProcessingInstruction => "p",
        XPathNodeType.Text or XPathNodeType.Whitespace or XPathNodeType.SignificantWhitespace => "t",
        _ => "",
    };

    private static JsonArray PathOf(XPathNavigator element)
    {
        var path = new List<int>();
        var at = element.Clone();
        while (at.NodeType == XPathNodeType.Element)
        {
            var index = 0;
            var sibling = at.Clone();
            while (sibling.MoveToPrevious())
                if (sibling.NodeType == XPathNodeType.Element) index++;
            path.Add(index);
            if (!at.MoveToParent()) break;
        }
        path.Reverse();
        return new JsonArray(path.Select(i => (JsonNode)i).ToArray());
    }
}

/// <summary>The rewriting of XQL into XPath 1.0, and the refusal of what has no equivalent.</summary>
public static class DomXqlSyntax
{
    private static readonly Dictionary<string, string> Operators = new()
    {
        ["$eq$"] = "=", ["$ne$"] = "!=", ["$lt$"] = "<", ["$le$"] = "<=", ["$gt$"] = ">", ["$ge$"] = ">=",
        ["$and$"] = "and", ["$or$"] = "or", ["$union$"] = "|",
    };

    private static readonly Dictionary<string, string> Functions = new()
    {
        ["textNode"] = "text", ["pi"] = "processing-instruction", ["element"] = "*", ["attribute"] = "@*",
    };

    /// <summary>XQL functions and methods with no XPath 1.0 counterpart.</summary>
    private static readonly HashSet<string> Unsupported =
    [
        "value", "nodeName", "nodeType", "nodeTypeString", "index", "end", "date", "cdata", "textNode_all",
        "ancestor", "rtext", "rtextNode", "baseName", "namespace", "prefix", "entityRef", "doctype", "type",
        "subst", "map", "eval", "defined", "element_all", "attribute_all", "comment_all", "pi_all",
    ];

    public static string ToXPath(string xql)
    {
        var output = new StringBuilder(xql.Length + 8);
        // For each open '[', where its content starts in output: a subscript that is only an
        // integer is XQL's 0-based index.
        var brackets = new Stack<int>();
        var i = 0;
        while (i < xql.Length)
        {
            var c = xql[i];
            if (c is '"' or '\'')
            {
                var end = xql.IndexOf(c, i + 1);
                if (end < 0) throw Refuse(xql, "an unterminated string");
                output.Append(xql, i, end - i + 1);
                i = end + 1;
            }
            else if (c == '$')
            {
                var end = xql.IndexOf('$', i + 1);
                var word = end < 0 ? xql[i..] : xql[i..(end + 1)];
                if (!Operators.TryGetValue(word, out var op)) throw Refuse(xql, $"the operator {word}");
                output.Append(' ').Append(op).Append(' ');
                i += word.Length;
            }
            else if (c == '!')
            {
                if (i + 1 < xql.Length && xql[i + 1] == '=')
                {
                    output.Append("!=");
                    i += 2;
                }
                else throw Refuse(xql, "the method operator !");
            }
            else if (c == ';')
                throw Refuse(xql, "the sequence operators ; and ;;");
            else if (c == '[')
            {
                output.Append('[');
                brackets.Push(output.Length);
                i++;
            }
            else if (c == ']')
            {
                if (brackets.Count == 0) throw Refuse(xql, "an unbalanced ]");
                var start = brackets.Pop();
                var inside = output.ToString(start, output.Length - start).Trim();
                if (long.TryParse(inside, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    output.Length = start;
                    output.Append(index >= 0 ? (index + 1).ToString(CultureInfo.InvariantCulture)
                        : index == -1 ? "last()" : $"last(){index + 1}");
                }
                output.Append(']');
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < xql.Length && (char.IsLetterOrDigit(xql[i]) || xql[i] is '_' or '-' or '.'
                                          || xql[i] == ':' && !(i + 1 < xql.Length && xql[i + 1] == ':')
                                                       && !(i > 0 && xql[i - 1] == ':')))
                    i++;
                var word = xql[start..i];
                var next = i;
                while (next < xql.Length && xql[next] == ' ') next++;
                var isCall = next < xql.Length && xql[next] == '(';
                if (isCall && Unsupported.Contains(word)) throw Refuse(xql, $"the function {word}()");
                if (isCall && Functions.TryGetValue(word, out var name))
                {
                    if (name is "*" or "@*")
                    {
                        // element() / attribute() (optionally with a name): a node test
                        var close = xql.IndexOf(')', next);
                        if (close < 0) throw Refuse(xql, $"an unterminated {word}(");
                        var argument = xql[(next + 1)..close].Trim().Trim('\'', '"');
                        output.Append(name == "*" ? (argument.Length > 0 ? argument : "*")
                            : (argument.Length > 0 ? "@" + argument : "@*"));
                        i = close + 1;
                        continue;
                    }
                    output.Append(name);
                    continue;
                }
                if (word.Contains(':') && !isCall)
                {
                    // a prefixed name is matched as written (the document was read without namespaces)
                    var attribute = output.Length > 0 && output[^1] == '@';
                    if (attribute) output.Length--;
                    output.Append(attribute ? "@*" : "*").Append("[name()='").Append(word).Append("']");
                    continue;
                }
                output.Append(word);
            }
            else
            {
                output.Append(c);
                i++;
            }
        }
        if (brackets.Count > 0) throw Refuse(xql, "an unclosed [");
        return output.ToString();
    }

    private static BridgeException Refuse(string xql, string what) =>
        BridgeException.Usage($"xql '{xql}': {what} is XQL without an XPath 1.0 equivalent, not supported by CPAN Bridge");
}
