using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.XPath;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// Turns an XML::XPath query into one .NET evaluates the way XML::XPath does. The two differ in
/// name tests: XML::XPath matches an unprefixed name against the name as written (so <c>foo</c>
/// finds <c>&lt;foo xmlns="urn:x"&gt;</c>), and resolves a prefix through set_namespace first,
/// then through the document's own declarations, never failing on an unknown one. .NET matches
/// unprefixed names in no namespace only and refuses unknown prefixes.
/// </summary>
public static class XPathQuery
{
    /// <summary>A URI no document uses: what an unbound prefix resolves to, so it matches nothing (as in XML::XPath).</summary>
    public const string UnboundPrefixUri = "urn:x-cpanbridge:unbound-prefix";

    /// <summary>
    /// The query to compile and the prefixes it names. Unprefixed element name tests are rewritten
    /// to <c>*[name()='foo']</c> when <paramref name="rewriteUnprefixed"/> (the document declares
    /// a default namespace somewhere); otherwise the text is kept as given.
    /// </summary>
    public static (string Query, HashSet<string> Prefixes) Rewrite(string path, bool rewriteUnprefixed)
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        var output = new StringBuilder(path.Length + 16);
        // What the previous token was, for XPath 1.0's lexical disambiguation (section 3.7).
        var previous = Token.None;
        var i = 0;
        while (i < path.Length)
        {
            var c = path[i];
            if (char.IsWhiteSpace(c))
            {
                output.Append(c);
                i++;
                continue;
            }
            if (c is '"' or '\'')
            {
                var end = path.IndexOf(c, i + 1);
                if (end < 0) end = path.Length - 1;
                output.Append(path, i, end - i + 1);
                i = end + 1;
                previous = Token.Operand;
                continue;
            }
            if (IsNameStart(c))
            {
                var start = i;
                i = ScanNcName(path, i);
                string? prefix = null;
                var local = path[start..i];
                // QName or prefix:* -- a single ':' (not '::') between the parts.
                if (i + 1 < path.Length && path[i] == ':' && path[i + 1] != ':')
                {
                    if (path[i + 1] == '*')
                    {
                        prefix = local;
                        local = "*";
                        i += 2;
                    }
                    else if (IsNameStart(path[i + 1]))
                    {
                        prefix = local;
                        var localStart = i + 1;
                        i = ScanNcName(path, localStart);
                        local = path[localStart..i];
                    }
                }
                var isOperatorName = previous is Token.Operand && prefix is null
                                     && local is "and" or "or" or "mod" or "div";
                if (isOperatorName)
                {
                    output.Append(local);
                    previous = Token.Operator;
                    continue;
                }
                var next = SkipSpace(path, i);
                var followedByParen = next < path.Length && path[next] == '(';
                var followedByAxis = next + 1 < path.Length && path[next] == ':' && path[next + 1] == ':';
                if (followedByAxis)
                {
                    output.Append(path, start, i - start);
                    previous = local == "attribute" ? Token.AttributeAxis : Token.Axis;
                    continue;
                }
                if (followedByParen)
                {
                    // A function call or a node type test (node(), text(), ...); string(),
                    // concat() and matches() go to XML::XPath's versions (XPathPerlStrings).
                    if (prefix is null && local is "string" or "concat" or "matches")
                    {
                        output.Append(XPathPerlStrings.Prefix).Append(':');
                        prefixes.Add(XPathPerlStrings.Prefix);
                    }
                    output.Append(path, start, i - start);
                    previous = Token.Operator;
                    continue;
                }
                // A name test.
                if (prefix is not null)
                {
                    prefixes.Add(prefix);
                    output.Append(path, start, i - start);
                }
                else if (rewriteUnprefixed && previous is not (Token.At or Token.AttributeAxis))
                {
                    output.Append("*[name()='").Append(local).Append("']");
                }
                else
                {
                    output.Append(path, start, i - start);
                }
                previous = Token.Operand;
                continue;
            }
            if (c == '*')
            {
                output.Append(c);
                i++;
                // A '*' after an operand is multiplication; otherwise it is a name test.
                previous = previous is Token.Operand ? Token.Operator : Token.Operand;
                continue;
            }
            if (c is '.' && i + 1 < path.Length && char.IsAsciiDigit(path[i + 1]) || char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < path.Length && (char.IsAsciiDigit(path[i]) || path[i] == '.')) i++;
                output.Append(path, start, i - start);
                previous = Token.Operand;
                continue;
            }
            if (c == '$')
            {
                var start = i++;
                i = ScanQNameTail(path, i);
                output.Append(path, start, i - start);
                previous = Token.Operand;
                continue;
            }
            output.Append(c);
            i++;
            previous = c switch
            {
                '@' => Token.At,
                ')' or ']' or '.' => Token.Operand,
                ':' => Token.Axis,
                _ => Token.Operator,
            };
        }
        return (output.ToString(), prefixes);
    }

    /// <summary>
    /// The namespace context: set_namespace's bindings first, then the document's (first binding of
    /// each prefix), and for a prefix bound nowhere a URI that matches nothing.
    /// </summary>
    public static XmlNamespaceManager Context(IEnumerable<string> prefixes, IReadOnlyDictionary<string, string>? scriptBindings,
        IReadOnlyDictionary<string, string> documentBindings)
    {
        var manager = new XPathPerlStrings();
        foreach (var prefix in prefixes)
        {
            if (prefix is "xml" or "xmlns" or XPathPerlStrings.Prefix) continue;
            string? uri = null;
            if (scriptBindings is not null && scriptBindings.TryGetValue(prefix, out var bound) && bound.Length > 0) uri = bound;
            else if (documentBindings.TryGetValue(prefix, out var declared)) uri = declared;
            manager.AddNamespace(prefix, string.IsNullOrEmpty(uri) ? UnboundPrefixUri : uri);
        }
        return manager;
    }

    /// <summary>Compiles a query for a document; XPath syntax errors come back as <see cref="XPathException"/>.</summary>
    public static XPathExpression Compile(string path, bool rewriteUnprefixed, IReadOnlyDictionary<string, string>? scriptBindings,
        IReadOnlyDictionary<string, string> documentBindings)
    {
        var (query, prefixes) = Rewrite(path, rewriteUnprefixed);
        var expression = XPathExpression.Compile(query);
        if (prefixes.Count > 0) expression.SetContext(Context(prefixes, scriptBindings, documentBindings));
        return expression;
    }

    private enum Token { None, Operand, Operator, At, Axis, AttributeAxis }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' || c == '\u00B7'
                                              || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
                                                  or UnicodeCategory.SpacingCombiningMark;

    private static int ScanNcName(string s, int i)
    {
        i++;
        while (i < s.Length && IsNameChar(s[i])) i++;
        return i;
    }

    private static int ScanQNameTail(string s, int i)
    {
        if (i < s.Length && IsNameStart(s[i])) i = ScanNcName(s, i);
        if (i + 1 < s.Length && s[i] == ':' && IsNameStart(s[i + 1])) i = ScanNcName(s, i + 1);
        return i;
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i;
    }
}
