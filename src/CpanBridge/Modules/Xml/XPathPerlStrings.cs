using System.Globalization;
using System.Xml;
using System.Xml.XPath;
using System.Xml.Xsl;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The namespace and function context queries are compiled with. Besides the prefixes, it gives
/// string() and concat() as XML::XPath has them: a number becomes text the way Perl prints it
/// (15 significant digits: "0.333333333333333", not .NET's "0.3333333333333333"). The query
/// rewriter (<see cref="XPathQuery"/>) sends those two calls here under <see cref="Prefix"/>.
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
        LookupNamespace(prefix) == FunctionsUri && name is "string" or "concat"
            ? new Function(name)
            : throw new XPathException($"unknown function {(prefix.Length > 0 ? prefix + ":" : "")}{name}()");

    public override IXsltContextVariable ResolveVariable(string prefix, string name) =>
        throw new XPathException($"XPath variables are not supported (${name})");

    public override bool Whitespace => true;

    public override bool PreserveWhitespace(XPathNavigator node) => true;

    public override int CompareDocument(string baseUri, string nextbaseUri) => string.CompareOrdinal(baseUri, nextbaseUri);

    private sealed class Function(string name) : IXsltContextFunction
    {
        public int Minargs => name == "concat" ? 2 : 0;
        public int Maxargs => name == "concat" ? int.MaxValue : 1;
        public XPathResultType ReturnType => XPathResultType.String;
        public XPathResultType[] ArgTypes => [XPathResultType.Any];

        public object Invoke(XsltContext xsltContext, object[] args, XPathNavigator docContext)
        {
            if (name == "string") return args.Length == 0 ? docContext.Value : StringOf(args[0]);
            return string.Concat(args.Select(StringOf));
        }
    }
}
