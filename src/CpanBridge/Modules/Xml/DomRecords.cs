using System.Text;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The flat form a parsed document travels in to the XML::DOM drop-in (docs/protocol.md, "Module
/// xml_dom"): one record per node event, records ended by RS (0x1E), fields by US (0x1F), an absent
/// value written as GS (0x1D). XML 1.0 text cannot hold these control characters, so no escaping is
/// needed, and the Perl side splits the whole document with two `split`s instead of decoding JSON
/// (JSON::PP takes seconds on a 2 MB tree).
/// </summary>
public sealed class DomRecords
{
    public const char RecordEnd = '\x1E';
    public const char FieldSeparator = '\x1F';
    public const char Absent = '\x1D';

    private readonly StringBuilder _text = new();

    public int Count { get; private set; }

    /// <summary>One record: its kind letter, then its fields (null = absent).</summary>
    public void Add(char kind, params string?[] fields)
    {
        _text.Append(kind);
        foreach (var field in fields)
        {
            _text.Append(FieldSeparator);
            if (field is null) _text.Append(Absent);
            else _text.Append(field);
        }
        _text.Append(RecordEnd);
        Count++;
    }

    /// <summary>An element start with its attributes as (name, value, specified) triples.</summary>
    public void AddElement(string name, List<(string Name, string Value, bool Specified)> attributes)
    {
        _text.Append('E').Append(FieldSeparator).Append(name);
        foreach (var (attrName, value, specified) in attributes)
            _text.Append(FieldSeparator).Append(attrName).Append(FieldSeparator).Append(value)
                .Append(FieldSeparator).Append(specified ? '1' : '0');
        _text.Append(RecordEnd);
        Count++;
    }

    public override string ToString() => _text.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());
}
