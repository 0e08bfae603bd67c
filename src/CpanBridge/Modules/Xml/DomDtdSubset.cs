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
    /// <summary>Adds the subset's records; returns the declared attribute types by (element, attribute).</summary>
    public static Dictionary<(string Element, string Attribute), string> Read(string subset, DomRecords records)
    {
        var types = new Dictionary<(string, string), string>();
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
                Entity(scan, records);
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

    private static void Entity(Scanner scan, DomRecords records)
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
    }

    private static void Attlist(Scanner scan, DomRecords records, Dictionary<(string, string), string> types)
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
            types.TryAdd((element, name), type);
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

    /// <summary>Attribute-value normalisation of a default (XML 1.0 3.3.3), as expat reports it.</summary>
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
