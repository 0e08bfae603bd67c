using System.Globalization;
using System.Text;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The declarations of an internal DTD subset, in the form expat reports them to XML::DOM (which
/// prints them back in toString): entity values with character references replaced, content models
/// and enumerations without blanks, attribute defaults normalised for non-CDATA types. .NET has
/// already checked the subset is well formed; this only takes it apart. Comments and processing
/// instructions inside the subset become document-level records, where XML::DOM puts them.
/// </summary>
public static class DomDtdSubset
{
    /// <summary>Adds the subset's records; returns its attribute declarations.</summary>
    public static Declarations Read(string subset, DomRecords records)
    {
        var types = new Declarations();
        var scan = new Scanner(subset);
        while (true)
        {
            scan.SkipBlanks();
            if (scan.AtEnd) return types;
            if (scan.Take("<!--"))
                records.Add('#', scan.Until("-->"));
            else if (scan.Take("<?"))
            {
                var target = scan.Name();
                scan.SkipBlanks();
                records.Add('?', target, scan.Until("?>"));
            }
            else if (scan.Take("<!ENTITY"))
                Entity(scan, records, types);
            else if (scan.Take("<!ELEMENT"))
            {
                scan.SkipBlanks();
                var name = scan.Name();
                scan.SkipBlanks();
                records.Add('L', name, WithoutBlanks(scan.Until(">")));
            }
            else if (scan.Take("<!ATTLIST"))
                Attlist(scan, records, types);
            else if (scan.Take("<!NOTATION"))
            {
                scan.SkipBlanks();
                var name = scan.Name();
                var (system, publicId) = ExternalId(scan, allowPublicOnly: true);
                scan.SkipBlanks();
                scan.Take(">");
                records.Add('O', name, system, publicId);
            }
            else if (scan.Take("%"))
                scan.Until(";");    // parameter entity reference: not expanded into declarations here
            else
                scan.Until(">");    // anything else (.NET accepted it): skip the declaration
        }
    }

    private static void Entity(Scanner scan, DomRecords records, Declarations declarations)
    {
        scan.SkipBlanks();
        var parameter = scan.Take("%");
        scan.SkipBlanks();
        var name = scan.Name();
        scan.SkipBlanks();
        string? value = null, system = null, publicId = null, notation = null;
        if (scan.Peek is '"' or '\'')
            value = ReplaceCharacterReferences(scan.Quoted());
        else
        {
            (system, publicId) = ExternalId(scan, allowPublicOnly: false);
            scan.SkipBlanks();
            if (scan.Take("NDATA"))
            {
                scan.SkipBlanks();
                notation = scan.Name();
            }
        }
        scan.SkipBlanks();
        scan.Take(">");
        records.Add('N', name, value, system, publicId, notation, parameter ? "1" : "0");
        if (!parameter) declarations.GeneralEntities.Add(name);
    }

    private static void Attlist(Scanner scan, DomRecords records, Declarations types)
    {
        scan.SkipBlanks();
        var element = scan.Name();
        while (true)
        {
            scan.SkipBlanks();
            if (scan.AtEnd || scan.Take(">")) return;
            var name = scan.Name();
            scan.SkipBlanks();
            string type;
            if (scan.Peek == '(')
                type = WithoutBlanks(scan.Until(")")) + ")";
            else
            {
                type = scan.Name();
                if (type == "NOTATION")
                {
                    scan.SkipBlanks();
                    type += " " + WithoutBlanks(scan.Until(")")) + ")";
                }
            }
            scan.SkipBlanks();
            var fixedValue = false;
            string? defaultValue;
            if (scan.Take("#REQUIRED")) defaultValue = "#REQUIRED";
            else if (scan.Take("#IMPLIED")) defaultValue = "#IMPLIED";
            else
            {
                if (scan.Take("#FIXED"))
                {
                    fixedValue = true;
                    scan.SkipBlanks();
                }
                defaultValue = NormaliseAttribute(ReplaceCharacterReferences(scan.Quoted()), type);
            }
            records.Add('A', element, name, type, defaultValue, fixedValue ? "1" : "0");
            types.Declare(element, name, type, defaultValue is "#REQUIRED" or "#IMPLIED" ? null : defaultValue);
        }
    }

    private static (string? System, string? Public) ExternalId(Scanner scan, bool allowPublicOnly)
    {
        scan.SkipBlanks();
        if (scan.Take("SYSTEM"))
        {
            scan.SkipBlanks();
            return (scan.Quoted(), null);
        }
        if (scan.Take("PUBLIC"))
        {
            scan.SkipBlanks();
            var publicId = scan.Quoted();
            scan.SkipBlanks();
            if (scan.Peek is '"' or '\'') return (scan.Quoted(), publicId);
            return allowPublicOnly ? (null, publicId) : (null, publicId);
        }
        return (null, null);
    }

    /// <summary>
    /// What an unchecked reader needs of the subset (it neither normalises values by type, nor
    /// adds defaults, nor minds undeclared entities): per element, its attributes' types and
    /// defaults, the first declaration binding; the general entities declared.
    /// </summary>
    public sealed class Declarations
    {
        private readonly Dictionary<string, List<(string Name, string Type, string? Default)>> _byElement = [];

        public HashSet<string> GeneralEntities { get; } = [];

        public void Declare(string element, string name, string type, string? defaultValue)
        {
            if (!_byElement.TryGetValue(element, out var list)) _byElement[element] = list = [];
            if (list.All(a => a.Name != name)) list.Add((name, type, defaultValue));
        }

        public string? TypeOf(string element, string attribute) =>
            _byElement.TryGetValue(element, out var list) ? list.FirstOrDefault(a => a.Name == attribute).Type : null;

        public IEnumerable<(string Name, string Default)> DefaultsOf(string element) =>
            _byElement.TryGetValue(element, out var list)
                ? list.Where(a => a.Default is not null).Select(a => (a.Name, a.Default!))
                : [];
    }

    /// <summary>Attribute-value normalisation of a default (XML 1.0 3.3.3), as expat reports it.</summary>
    /// <summary>The second half of that normalisation, for a reader that did the first: only spaces collapse.</summary>
    public static string CollapseSpaces(string value) =>
        string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static string NormaliseAttribute(string value, string type)
    {
        var spaced = value.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
        if (type == "CDATA") return spaced;
        return string.Join(' ', spaced.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string WithoutBlanks(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c is not (' ' or '\t' or '\n' or '\r')) result.Append(c);
        return result.ToString();
    }

    /// <summary>&amp;#NN; and &amp;#xHH; become their characters; entity references stay as written.</summary>
    private static string ReplaceCharacterReferences(string value)
    {
        if (!value.Contains("&#")) return value;
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '&' && i + 2 < value.Length && value[i + 1] == '#')
            {
                var end = value.IndexOf(';', i);
                if (end > 0)
                {
                    var digits = value.AsSpan(i + 2, end - i - 2);
                    var code = -1;
                    var ok = digits.Length > 0 && (digits[0] == 'x'
                        ? int.TryParse(digits[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out code)
                        : int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out code));
                    if (ok && code is >= 0 and <= 0x10FFFF)
                    {
                        result.Append(char.ConvertFromUtf32(code));
                        i = end;
                        continue;
                    }
                }
            }
            result.Append(value[i]);
        }
        return result.ToString();
    }

    private sealed class Scanner(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;
        public char Peek => AtEnd ? '\0' : text[_at];

        public void SkipBlanks()
        {
            while (!AtEnd && text[_at] is ' ' or '\t' or '\n' or '\r') _at++;
        }

        public bool Take(string literal)
        {
            if (string.CompareOrdinal(text, _at, literal, 0, literal.Length) != 0) return false;
            _at += literal.Length;
            return true;
        }

        /// <summary>The text up to <paramref name="end"/>, which is consumed too.</summary>
        public string Until(string end)
        {
            var stop = text.IndexOf(end, _at, StringComparison.Ordinal);
            if (stop < 0) stop = text.Length;
            var result = text[_at..stop];
            _at = Math.Min(text.Length, stop + end.Length);
            return result;
        }

        public string Name()
        {
            var start = _at;
            while (!AtEnd && !(text[_at] is ' ' or '\t' or '\n' or '\r' or '>' or '(' or '"' or '\'' or '?')) _at++;
            return text[start.._at];
        }

        public string Quoted()
        {
            var quote = Peek;
            if (quote is not ('"' or '\'')) return "";
            _at++;
            return Until(quote.ToString());
        }
    }
}
