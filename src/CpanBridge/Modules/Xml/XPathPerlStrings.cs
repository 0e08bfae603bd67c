using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.XPath;
using System.Xml.Xsl;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The namespace and function context queries are compiled with. Besides the prefixes, it gives
/// XML::XPath's own functions where .NET's differ or are missing: string() and concat() turn a
/// number into text the way Perl prints it (15 significant digits: "0.333333333333333", not
/// .NET's "0.3333333333333333"), and matches(string, regex[, flags]) is XML::XPath's extension
/// (flags s m i x, q for a literal pattern). The query rewriter (<see cref="XPathQuery"/>) sends
/// those calls here under <see cref="Prefix"/>.
/// </summary>
public sealed class XPathPerlStrings : XsltContext
{
    /// <summary>The prefix rewritten calls carry; no document can bind it to anything that matters here.</summary>
    public const string Prefix = "cpanbridge-perl";

    private const string FunctionsUri = "urn:x-cpanbridge:perl-strings";

    public XPathPerlStrings() : base(new NameTable()) => AddNamespace(Prefix, FunctionsUri);

    /// <summary>A number as Perl stringifies it (%.15g), with XPath's names for the non-finite ones.</summary>
    public static string PerlNumber(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "Infinity" : "-Infinity";
        if (value == 0) return "0";
        return value.ToString("G15", CultureInfo.InvariantCulture).Replace('E', 'e');
    }

    /// <summary>XPath's string() of an argument, with Perl's numbers.</summary>
    public static string StringOf(object? argument) => argument switch
    {
        string text => text,
        double number => PerlNumber(number),
        bool truth => truth ? "true" : "false",
        XPathNodeIterator nodes => nodes.MoveNext() ? nodes.Current!.Value : "",
        XPathNavigator node => node.Value,
        null => "",
        _ => argument.ToString() ?? "",
    };

    public override IXsltContextFunction ResolveFunction(string prefix, string name, XPathResultType[] argTypes) =>
        LookupNamespace(prefix) == FunctionsUri && name is "string" or "concat" or "matches"
            ? new Function(name)
            : throw new XPathException($"unknown function {(prefix.Length > 0 ? prefix + ":" : "")}{name}()");

    public override IXsltContextVariable ResolveVariable(string prefix, string name) =>
        throw new XPathException($"XPath variables are not supported (${name})");

    public override bool Whitespace => true;

    public override bool PreserveWhitespace(XPathNavigator node) => true;

    public override int CompareDocument(string baseUri, string nextbaseUri) => string.CompareOrdinal(baseUri, nextbaseUri);

    /// <summary>A pattern may not hold a connection's queries hostage.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);

    public static bool Matches(string text, string pattern, string flags)
    {
        var options = RegexOptions.CultureInvariant;
        foreach (var flag in flags)
        {
            options |= flag switch
            {
                's' => RegexOptions.Singleline,
                'm' => RegexOptions.Multiline,
                'i' => RegexOptions.IgnoreCase,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'q' => RegexOptions.None,
                _ => throw new XPathException($"matches: unknown flag {flag}"),
            };
        }
        if (flags.Contains('q')) pattern = Regex.Escape(pattern);
        try
        {
            return Regex.IsMatch(text, pattern, options, MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new XPathException($"matches: '{pattern}' ran longer than {MatchTimeout.TotalSeconds} s");
        }
        catch (ArgumentException e)
        {
            throw new XPathException($"matches: bad regular expression '{pattern}': {e.Message}");
        }
    }

    private sealed class Function(string name) : IXsltContextFunction
    {
        public int Minargs => name switch { "concat" or "matches" => 2, _ => 0 };
        public int Maxargs => name switch { "concat" => int.MaxValue, "matches" => 3, _ => 1 };
        public XPathResultType ReturnType => name == "matches" ? XPathResultType.Boolean : XPathResultType.String;
        public XPathResultType[] ArgTypes => [XPathResultType.Any];

        public object Invoke(XsltContext xsltContext, object[] args, XPathNavigator docContext) => name switch
        {
            "string" => args.Length == 0 ? docContext.Value : StringOf(args[0]),
            "matches" => Matches(StringOf(args[0]), StringOf(args[1]), args.Length > 2 ? StringOf(args[2]) : ""),
            _ => string.Concat(args.Select(StringOf)),
        };
    }
}
