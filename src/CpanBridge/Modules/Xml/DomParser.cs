using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// Reads a document into <see cref="DomRecords"/> with the node structure XML::DOM's parser builds
/// on top of expat: text runs merged into one Text node (CDATA sections too, unless KeepCDATA),
/// whitespace outside the root element dropped, defaulted attributes after the specified ones and
/// marked unspecified, the internal DTD subset's declarations as XML::DOM keeps them.
/// </summary>
public static partial class DomParser
{
    /// <summary>
    /// <paramref name="unchecked"/>: the reader is an XmlTextReader leaving general entities
    /// unexpanded (see DomModule). Their references become <c>R</c> records when
    /// <paramref name="keepReferences"/> (NoExpand); otherwise they are resolved here, counting the
    /// characters they bring against <see cref="XmlSource.MaxCharactersFromEntities"/> (that
    /// reader has no limit of its own). Attribute values are resolved and normalised by their
    /// declared types here too.
    /// </summary>
    public static DomRecords Read(XmlReader reader, bool keepCdata, bool @unchecked = false, bool keepReferences = false)
    {
        var expansion = new Expansion();
        var declared = new DomDtdSubset.Declarations();
        var records = new DomRecords();
        var text = new StringBuilder();
        var depth = 0;
        // A CDATA section directly after another one joins it (KeepCDATA): expat may hand one
        // section over in pieces, and XML::DOM appends to the CDATA node it just made.
        var lastWasCdata = false;
        var attributes = new List<(string, string, bool)>();

        void FlushText()
        {
            if (text.Length == 0) return;
            records.Add('T', text.ToString());
            text.Clear();
        }

        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.XmlDeclaration:
                    var declaration = Declaration(reader.Value);
                    records.Add('X', declaration.Version, declaration.Encoding, declaration.Standalone);
                    break;
                case XmlNodeType.DocumentType:
                    records.Add('D', reader.Name, reader.GetAttribute("SYSTEM"), reader.GetAttribute("PUBLIC"));
                    declared = DomDtdSubset.Read(reader.Value, records);
                    break;
                case XmlNodeType.Element:
                    FlushText();
                    lastWasCdata = false;
                    attributes.Clear();
                    var empty = reader.IsEmptyElement;
                    var name = reader.Name;
                    if (reader.MoveToFirstAttribute())
                    {
                        do attributes.Add((reader.Name, @unchecked ? UncheckedValue(reader, name, declared, expansion) : reader.Value,
                                           !reader.IsDefault));
                        while (reader.MoveToNextAttribute());
                        reader.MoveToElement();
                    }
                    if (@unchecked)
                        foreach (var (attribute, value) in declared.DefaultsOf(name))
                            if (attributes.All(a => a.Item1 != attribute)) attributes.Add((attribute, value, false));
                    records.AddElement(name, attributes);
                    if (empty) records.Add('/');
                    else depth++;
                    break;
                case XmlNodeType.EndElement:
                    FlushText();
                    lastWasCdata = false;
                    records.Add('/');
                    depth--;
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    if (depth == 0) break;
                    expansion.Count(reader.Value.Length);
                    text.Append(reader.Value);
                    lastWasCdata = false;
                    break;
                case XmlNodeType.CDATA:
                    expansion.Count(reader.Value.Length);
                    if (!keepCdata)
                    {
                        text.Append(reader.Value);
                        break;
                    }
                    // expat reports no characters for <![CDATA[]]>, so XML::DOM makes no node
                    if (reader.Value.Length == 0) break;
                    FlushText();
                    if (lastWasCdata) records.Add('+', reader.Value);
                    else records.Add('C', reader.Value);
                    lastWasCdata = true;
                    break;
                case XmlNodeType.EntityReference:
                    // only from the unchecked reader, which lets an undeclared one pass
                    if (!declared.GeneralEntities.Contains(reader.Name))
                        throw Undeclared(reader);
                    if (!keepReferences)
                    {
                        reader.ResolveEntity();
                        expansion.Depth++;
                        break;
                    }
                    FlushText();
                    lastWasCdata = false;
                    records.Add('R', reader.Name);
                    break;
                case XmlNodeType.EndEntity:
                    expansion.Depth--;
                    break;
                case XmlNodeType.Comment:
                    FlushText();
                    lastWasCdata = false;
                    records.Add('#', reader.Value);
                    break;
                case XmlNodeType.ProcessingInstruction:
                    FlushText();
                    lastWasCdata = false;
                    records.Add('?', reader.Name, reader.Value);
                    break;
            }
        }
        FlushText();
        return records;
    }

    private static string UncheckedValue(XmlReader reader, string element, DomDtdSubset.Declarations declared,
        Expansion expansion)
    {
        var attribute = reader.Name;
        var value = new StringBuilder();
        var inside = 0;
        while (reader.ReadAttributeValue())
        {
            if (reader.NodeType == XmlNodeType.EntityReference)
            {
                if (!declared.GeneralEntities.Contains(reader.Name)) throw Undeclared(reader);
                reader.ResolveEntity();
                inside++;
            }
            else if (reader.NodeType == XmlNodeType.EndEntity) inside--;
            else
            {
                if (inside > 0) expansion.Count(reader.Value.Length, always: true);
                value.Append(reader.Value);
            }
        }
        reader.MoveToAttribute(attribute);
        // the reader has turned literal whitespace into spaces; a non-CDATA type collapses them
        var type = declared.TypeOf(element, attribute);
        return type is not null && type != "CDATA" ? DomDtdSubset.CollapseSpaces(value.ToString()) : value.ToString();
    }

    private static XmlException Undeclared(XmlReader reader)
    {
        var (line, position) = reader is IXmlLineInfo info ? (info.LineNumber, info.LinePosition) : (0, 0);
        return new XmlException($"Reference to undeclared entity '{reader.Name}'.", null, line, position);
    }

    /// <summary>Characters brought in by entity references, against the checked reader's limit.</summary>
    private sealed class Expansion
    {
        private long _characters;

        public int Depth { get; set; }

        public void Count(int characters, bool always = false)
        {
            if (Depth == 0 && !always) return;
            _characters += characters;
            if (_characters > XmlSource.MaxCharactersFromEntities)
                throw new XmlException("The input document has exceeded a limit set by MaxCharactersFromEntities.");
        }
    }

    /// <summary>version, encoding and standalone as written; standalone absent when not given.</summary>
    private static (string? Version, string? Encoding, string? Standalone) Declaration(string value)
    {
        string? Pseudo(string name)
        {
            var match = Regex.Match(value, name + @"\s*=\s*(?:""([^""]*)""|'([^']*)')");
            return match.Success ? match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value : null;
        }
        return (Pseudo("version"), Pseudo("encoding"), Pseudo("standalone"));
    }
}
