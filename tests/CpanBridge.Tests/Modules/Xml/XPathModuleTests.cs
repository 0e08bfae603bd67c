using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using CpanBridge.Modules.Xml;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Xml;

/// <summary>xpath's wire functions, XML::XPath's name-test and serialization rules, parse errors and limits.</summary>
public class XPathModuleTests
{
    private const string Config = """
        <?xml version="1.0"?>
        <!-- top -->
        <config xmlns="urn:d" xmlns:p="urn:p" z="1" a="2">
          <p:server role="db" port="5432">one<![CDATA[ <two> ]]>three</p:server>
          <server role="web" port="8080"/>
          <?pi some data?>
        </config>
        """;

    private static async Task<(PipeClient Client, string Doc)> Open(TestBridge bridge, string xml)
    {
        var client = bridge.Connect();
        await client.SendAsync("xpath", "parse", new JsonObject(), Encoding.UTF8.GetBytes(xml));
        var (frame, _) = await client.ReadAsync(TimeSpan.FromSeconds(30));
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        return (client, frame["result"]!["doc"]!.GetValue<string>());
    }

    private static async Task<JsonObject> Find(PipeClient client, string doc, string path, string? want = null, JsonObject? namespaces = null)
    {
        var parameters = new JsonObject { ["doc"] = doc, ["path"] = path };
        if (want is not null) parameters["want"] = want;
        if (namespaces is not null) parameters["namespaces"] = namespaces;
        var frame = await client.CallAsync("xpath", "find", parameters);
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        return frame["result"]!.AsObject();
    }

    [Fact]
    public async Task Unprefixed_names_match_elements_of_a_default_namespace_as_in_XML_XPath()
    {
        using var bridge = new TestBridge();
        var (client, doc) = await Open(bridge, Config);
        var result = await Find(client, doc, "/config/server/@role");
        Assert.Equal("nodeset", result["type"]!.GetValue<string>());
        var node = result["nodes"]!.AsArray().Single()!.AsArray();
        Assert.Equal(2, node[0]!.GetValue<int>());
        Assert.Equal("web", node[3]!.GetValue<string>());
        Assert.Equal("5432", (await Find(client, doc, "//p:server/@port", "value"))["value"]!.GetValue<string>());
        Assert.Empty((await Find(client, doc, "//q:server"))["nodes"]!.AsArray());
        var bound = await Find(client, doc, "//x:server", namespaces: new JsonObject { ["x"] = "urn:p" });
        Assert.Single(bound["nodes"]!.AsArray());
    }

    [Fact]
    public async Task Serializes_as_XML_XPath_does()
    {
        using var bridge = new TestBridge();
        var (client, doc) = await Open(bridge, Config);
        var xml = (await Find(client, doc, "/", "xml"))["value"]!.GetValue<string>();
        Assert.Equal("<!-- top --><config xmlns=\"urn:d\" xmlns:p=\"urn:p\" z=\"1\" a=\"2\">\n  "
                     + "<p:server role=\"db\" port=\"5432\">one &lt;two> three</p:server>\n  <server role=\"web\" port=\"8080\" />\n  "
                     + "<?pi some data?>\n</config>", xml);
        Assert.Equal("one <two> three", (await Find(client, doc, "string(//p:server)"))["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Results_are_typed_and_numbers_are_json_numbers()
    {
        using var bridge = new TestBridge();
        var (client, doc) = await Open(bridge, Config);
        Assert.Equal(2, (await Find(client, doc, "count(/config/*)"))["value"]!.GetValue<double>());
        Assert.Equal("Infinity", (await Find(client, doc, "1 div 0"))["value"]!.GetValue<string>());
        Assert.Null((await Find(client, doc, "number('x')"))["value"]);
        Assert.True((await Find(client, doc, "1=1"))["value"]!.GetValue<bool>());
        Assert.Equal(2, (await Find(client, doc, "//@role", "size"))["value"]!.GetValue<int>());
    }

    [Fact]
    public async Task Children_parent_and_set_text()
    {
        using var bridge = new TestBridge();
        var (client, doc) = await Open(bridge, Config);
        var server = (await Find(client, doc, "//p:server"))["nodes"]![0]!.AsArray();
        var id = server[1]!.GetValue<int>();
        var children = await client.CallAsync("xpath", "node", new JsonObject { ["doc"] = doc, ["nodes"] = new JsonArray(id), ["get"] = "children" });
        var kids = children["result"]!["values"]![0]!.AsArray();
        Assert.Single(kids);
        Assert.Equal("one <two> three", kids[0]![3]!.GetValue<string>());
        var set = await client.CallAsync("xpath", "set_text", new JsonObject { ["doc"] = doc, ["path"] = "//server/@added", ["text"] = "yes" });
        Assert.True(set["result"]!["done"]!.GetValue<bool>(), set.ToJsonString());
        Assert.Equal("yes", (await Find(client, doc, "string(//server/@added)"))["value"]!.GetValue<string>());
        var none = await client.CallAsync("xpath", "set_text", new JsonObject { ["doc"] = doc, ["path"] = "//nothing", ["text"] = "x" });
        Assert.False(none["result"]!["done"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Malformed_xml_fails_with_expats_message_and_context()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.SendAsync("xpath", "parse", new JsonObject(), Encoding.UTF8.GetBytes("<r>\n  <a>text</b>\n</r>\n"));
        var (frame, _) = await client.ReadAsync(TimeSpan.FromSeconds(30));
        Assert.False(frame["success"]!.GetValue<bool>());
        Assert.Equal("E_NATIVE", frame["code"]!.GetValue<string>());
        Assert.Equal("\nmismatched tag at line 2, column 11, byte 15:\n<r>\n  <a>text</b>\n==========^\n</r>\n", frame["error"]!.GetValue<string>());
        // the connection keeps working
        var (_, doc) = await Open(bridge, "<ok/>");
        Assert.NotEmpty(doc);
    }

    [Fact]
    public async Task Relative_file_names_and_bad_queries_are_usage_or_native_errors()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var relative = await client.CallAsync("xpath", "parse", new JsonObject { ["filename"] = "config.xml" });
        Assert.Equal("E_USAGE", relative["code"]!.GetValue<string>());
        var (c2, doc) = await Open(bridge, "<r/>");
        var bad = await c2.CallAsync("xpath", "find", new JsonObject { ["doc"] = doc, ["path"] = "//a[" });
        Assert.Equal("E_NATIVE", bad["code"]!.GetValue<string>());
        Assert.Contains("//a[", bad["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("//foo", true, "//*[name()='foo']")]
    [InlineData("/a/b[@c='x' and d]", true, "/*[name()='a']/*[name()='b'][@c='x' and *[name()='d']]")]
    [InlineData("count(child::x) div 2", true, "count(child::*[name()='x']) div 2")]
    [InlineData("//p:x/@q:y | text()", true, "//p:x/@q:y | text()")]
    [InlineData("//foo[@bar='baz or qux']", false, "//foo[@bar='baz or qux']")]
    [InlineData("a * b", true, "*[name()='a'] * *[name()='b']")]
    [InlineData("concat(string(x), 'y')", false, "cpanbridge-perl:concat(cpanbridge-perl:string(x), 'y')")]
    public void Rewrites_only_unprefixed_element_name_tests(string path, bool rewrite, string expected)
    {
        Assert.Equal(expected, XPathQuery.Rewrite(path, rewrite).Query);
    }

    [Theory]
    [InlineData(1.0 / 3, "0.333333333333333")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(-0.0, "0")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(123456789012345.0, "123456789012345")]
    [InlineData(double.NaN, "NaN")]
    public void Numbers_become_text_as_Perl_prints_them(double value, string expected) =>
        Assert.Equal(expected, XPathPerlStrings.PerlNumber(value));

    [Fact]
    public async Task String_and_concat_use_Perls_numbers()
    {
        using var bridge = new TestBridge();
        var (client, doc) = await Open(bridge, "<r><a>1.50</a><a>2</a></r>");
        Assert.Equal("x0.333333333333333|3.5|1.50", (await Find(client, doc, "concat('x', 1 div 3, '|', sum(//a), '|', string(//a))"))["value"]!.GetValue<string>());
        Assert.Equal("0.3", (await Find(client, doc, "string(0.1 + 0.2)"))["value"]!.GetValue<string>());
    }

    [Fact]
    public void Deep_documents_serialize_without_recursion()
    {
        const int depth = 20_000;
        var xml = string.Concat(Enumerable.Repeat("<d>", depth)) + "x" + string.Concat(Enumerable.Repeat("</d>", depth));
        var doc = XPathDoc.Parse(Encoding.UTF8.GetBytes(xml));
        var text = new StringBuilder();
        XPathDoc.Serialize(doc.Document, text);
        Assert.Equal(xml, text.ToString());
        Assert.Equal("x", XPathDoc.StringValue(doc.Document));
    }
}
