using System.Text;
using System.Xml;
using CpanBridge.Modules.Xml;

namespace CpanBridge.Tests.Modules.Xml;

/// <summary>
/// ExpatError places .NET's parse failures as expat does, for xpath, xml and xml_dom alike. The
/// expected values are native XML::Parser's (expat 2.5, Debian), taken once per case; the
/// differential tests in t/XML-*/ check the same through each module.
/// </summary>
public class ExpatErrorTests
{
    private static ParseError Fail(byte[] bytes, bool fromFile = false)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), XmlSource.ReaderSettings());
            while (reader.Read()) { }
        }
        catch (XmlException e)
        {
            return ExpatError.Describe(e, bytes, fromFile);
        }
        throw new Xunit.Sdk.XunitException("the document parsed");
    }

    [Theory]
    [InlineData("<r><a", "unclosed token", 1, 3, 3)]
    [InlineData("<r>\n  <a>x</a>\n  <b", "unclosed token", 3, 2, 17)]
    [InlineData("<r attr=\"1", "unclosed token", 1, 0, 0)]
    [InlineData("<r><!-- c", "unclosed token", 1, 3, 3)]
    [InlineData("<r><![CDATA[abc", "unclosed CDATA section", 1, 15, 15)]
    [InlineData("<r><![CDATA[abc\n\n", "unclosed CDATA section", 3, 0, 17)]
    [InlineData("<r/>\n<", "unclosed token", 2, 0, 5)]
    [InlineData("<r/><r/>", "junk after document element", 1, 4, 4)]
    [InlineData("<r>&#0;</r>", "reference to invalid character number", 1, 3, 3)]
    [InlineData("<r>x &#xD800; y</r>", "reference to invalid character number", 1, 5, 5)]
    [InlineData("<r>&nope;</r>", "undefined entity", 1, 3, 3)]
    [InlineData("<?xml version=\"1.0\"", "unclosed token", 1, 0, 0)]
    [InlineData(" <?xml version=\"1.0\"?><r/>", "XML or text declaration not at start of entity", 1, 1, 1)]
    [InlineData("<r>\u00E9\u00E9<a></b></r>", "mismatched tag", 1, 10, 12)]
    [InlineData("<r>\U0001F600<a></b></r>", "mismatched tag", 1, 9, 12)]
    [InlineData("<r>]]></r>", "not well-formed (invalid token)", 1, 5, 5)]
    [InlineData("<r a=\"1\" a=\"2\"/>", "duplicate attribute", 1, 9, 9)]
    [InlineData("<r/>junk", "junk after document element", 1, 4, 4)]
    [InlineData("<r/>\n  junk", "junk after document element", 2, 2, 7)]
    [InlineData("<r>\n\n", "no element found", 3, 0, 5)]
    [InlineData("\n", "no element found", 2, 0, 1)]
    [InlineData("<r>&", "unclosed token", 1, 3, 3)]
    [InlineData("<r x=\"&\"/>", "not well-formed (invalid token)", 1, 7, 7)]
    [InlineData("<?xml version=\"1.0\"?>\n<?xml version=\"1.0\"?><r/>", "XML or text declaration not at start of entity", 2, 0, 22)]
    [InlineData("<!DOCTYPE r [<!ENTITY a \"b\">]>\n<r>&a;&c;</r>", "undefined entity", 2, 6, 37)]
    [InlineData("<a><b></a>", "mismatched tag", 1, 8, 8)]
    [InlineData("<r\n  a=\"1\"\n  b=\"2\"\n", "unclosed token", 1, 0, 0)]
    public void PlacesTheErrorAsExpat(string xml, string message, int line, int column, long bytes)
    {
        var error = Fail(Encoding.UTF8.GetBytes(xml));
        Assert.Equal((message, line, column, bytes), (error.Message, error.Line, error.Column, error.Byte!.Value));
    }

    [Fact]
    public void AnEmptyDocumentIsByteMinusOneAsAStringAndZeroAsAFile()
    {
        Assert.Equal(("no element found", -1L), (Fail([]).Message, Fail([]).Byte!.Value));
        Assert.Equal(0L, Fail([], fromFile: true).Byte);
    }

    [Fact]
    public void ContextShowsTheLinesAroundTheErrorWithAMarker()
    {
        var text = "<a>\n  <b>\n  <c></b>\n</a>";
        var error = Fail(Encoding.UTF8.GetBytes(text));
        Assert.Equal("\nmismatched tag at line 3, column 7, byte 17:\n<a>\n  <b>\n  <c></b>\n======^\n</a>\n",
            ExpatError.WithContext(error, text));
    }
}
