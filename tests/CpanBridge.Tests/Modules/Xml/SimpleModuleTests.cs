using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Xml;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Xml;

/// <summary>
/// xml.xml_in / xml.xml_out (XML::Simple's daemon side) and the raw API xml_helper. The native
/// module's exact answers are checked by the differential tests in t/XML-Simple/; these pin the
/// wire contract and the rules most easily broken.
/// </summary>
public class SimpleModuleTests
{
    /// <summary>Decodes xml_in's tree form into JSON; strings of XML::Simple's own come back as "perl:…".</summary>
    internal static JsonNode? Tree(byte[] bytes)
    {
        var tokens = Encoding.UTF8.GetString(bytes).Split('\0');
        var i = 0;
        return Build();

        JsonNode? Build()
        {
            var token = tokens[i++];
            switch (token)
            {
                case "\x01":
                    var hash = new JsonObject();
                    while (tokens[i] != "\x03")
                    {
                        var key = Own(tokens[i++]);
                        hash[key] = Build();
                    }
                    i++;
                    return hash;
                case "\x02":
                    var array = new JsonArray();
                    while (tokens[i] != "\x03") array.Add(Build());
                    i++;
                    return array;
                case "\x04":
                    return null;
                default:
                    return JsonValue.Create(Own(token));
            }
        }

        static string Own(string token) => token.StartsWith('\x05') ? "perl:" + token[1..] : token;
    }

    private static async Task<(JsonObject Frame, JsonNode? Data)> XmlIn(PipeClient client, string xml, JsonObject? options = null)
    {
        var parameters = new JsonObject();
        if (options is not null) parameters["options"] = options;
        await client.SendAsync("xml", "xml_in", parameters, Encoding.UTF8.GetBytes(xml));
        var (frame, attachment) = await client.ReadAsync();
        return (frame, attachment is null ? null : Tree(attachment));
    }

    private static async Task<JsonObject> XmlOut(PipeClient client, JsonNode? data, JsonObject? options = null)
    {
        var parameters = new JsonObject { ["data"] = data };
        if (options is not null) parameters["options"] = options;
        return await client.CallAsync("xml", "xml_out", parameters);
    }

    [Fact]
    public async Task Xml_in_folds_repeated_elements_on_name_key_id()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, data) = await XmlIn(client, """<opt><server name="a" ip="1"/><server name="b" ip="2"/><db id="x">t</db><one>1</one></opt>""");
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        Assert.Equal("""{"server":{"a":{"ip":"1"},"b":{"ip":"2"}},"db":{"id":"x","perl:content":"t"},"one":"1"}""", data!.ToJsonString());
        Assert.Empty(frame["result"]!["warnings"]!.AsArray());
    }

    [Fact]
    public async Task Xml_in_options_change_the_folding()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        const string xml = """<opt><s name="a"> x  y </s><s name="b"/><g><i>1</i><i>2</i></g></opt>""";
        var (_, data) = await XmlIn(client, xml, new JsonObject
        {
            ["ForceArray"] = new JsonArray("g", new JsonObject { ["regex"] = "^S$", ["flags"] = "i" }),
            ["KeyAttr"] = new JsonObject { ["s"] = "+name" },
            ["NormaliseSpace"] = 2,
            ["GroupTags"] = new JsonObject { ["g"] = "i" },
            ["ContentKey"] = "-text",
        });
        Assert.Equal("""{"s":{"a":{"name":"a","perl:text":"x y"},"b":{"name":"b"}},"g":[{"i":["1","2"]}]}""", data!.ToJsonString());
    }

    [Fact]
    public async Task Xml_in_keeps_the_root_and_suppresses_empty_elements()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (_, data) = await XmlIn(client, "<r><e/><f>t</f></r>", new JsonObject { ["KeepRoot"] = 1, ["SuppressEmpty"] = "" });
        Assert.Equal("""{"r":{"e":"perl:","f":"t"}}""", data!.ToJsonString());
        (_, data) = await XmlIn(client, "<r><e/><f>t</f></r>", new JsonObject { ["SuppressEmpty"] = null });
        Assert.Equal("""{"e":null,"f":"t"}""", data!.ToJsonString());
    }

    [Fact]
    public async Task Xml_in_returns_folding_warnings_and_croaks_them_in_strict_mode()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        const string xml = """<r><u name="a" v="1"/><u name="a" v="2"/></r>""";
        var (frame, _) = await XmlIn(client, xml);
        Assert.Equal("Warning: <u> element has non-unique value in 'name' key attribute: a", frame["result"]!["warnings"]![0]!.GetValue<string>());

        (frame, _) = await XmlIn(client, xml, new JsonObject { ["StrictMode"] = 1, ["ForceArray"] = 1, ["KeyAttr"] = new JsonArray("name") });
        Assert.False(frame["success"]!.GetValue<bool>());
        Assert.Equal("<u> element has non-unique value in 'name' key attribute: a", frame["error"]!.GetValue<string>());
        Assert.Equal("croak", frame["data"]!["kind"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("<a><b>x</a>", "\nmismatched tag at line 1, column 9, byte 9")]
    [InlineData("<a>x</a><b/>", "\njunk after document element at line 1, column 8, byte 8")]
    [InlineData("<a>&nope;</a>", "\nundefined entity at line 1, column 3, byte 3")]
    [InlineData("<a>&#0;</a>", "\nreference to invalid character number at line 1, column 3, byte 3")]
    [InlineData("<a><![CDATA[x</a>", "\nunclosed CDATA section at line 1, column 17, byte 17")]
    [InlineData("  \n<?xml version=\"1.0\"?><a/>", "\nXML or text declaration not at start of entity at line 2, column 0, byte 3")]
    [InlineData("just text", "\nsyntax error at line 1, column 0, byte 0")]
    [InlineData("", "\nno element found at line 1, column 0, byte 0")]
    public async Task Xml_in_parse_errors_are_worded_and_placed_as_expat_does(string xml, string expat)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, _) = await XmlIn(client, xml);
        Assert.Equal("E_NATIVE", frame["code"]!.GetValue<string>());
        Assert.Equal("parse", frame["data"]!["kind"]!.GetValue<string>());
        Assert.Equal(expat, frame["data"]!["expat"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_in_undeclared_prefix_is_namespace_supports_error()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, _) = await XmlIn(client, "<a><p:b/></a>");
        Assert.Equal("prefix", frame["data"]!["kind"]!.GetValue<string>());
        Assert.Equal("p", frame["data"]!["prefix"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_in_refuses_an_entity_bomb_and_the_session_goes_on()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var bomb = new StringBuilder("<!DOCTYPE b [<!ENTITY e0 \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\">");
        for (var i = 1; i < 10; i++) bomb.Append($"<!ENTITY e{i} \"{string.Concat(Enumerable.Repeat($"&e{i - 1};", 10))}\">");
        bomb.Append("]><b>&e9;</b>");
        var (frame, _) = await XmlIn(client, bomb.ToString());
        Assert.Equal("E_NATIVE", frame["code"]!.GetValue<string>());
        var (again, data) = await XmlIn(client, "<a><b>1</b></a>");
        Assert.True(again["success"]!.GetValue<bool>());
        Assert.Equal("""{"b":"1"}""", data!.ToJsonString());
    }

    [Fact]
    public async Task Xml_in_reads_files_by_absolute_path_only()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var file = Path.Combine(bridge.Directory, "doc.xml");
        await File.WriteAllTextAsync(file, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a><b>caf\u00e9</b></a>", Encoding.Latin1);
        await client.SendAsync("xml", "xml_in", new JsonObject { ["path"] = file });
        var (frame, attachment) = await client.ReadAsync();
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        Assert.Equal("café", Tree(attachment!)!["b"]!.GetValue<string>());

        var relative = await client.CallAsync("xml", "xml_in", new JsonObject { ["path"] = "doc.xml" });
        Assert.Equal("E_USAGE", relative["code"]!.GetValue<string>());
        var missing = await client.CallAsync("xml", "xml_in", new JsonObject { ["path"] = file + ".none" });
        Assert.Equal($"File does not exist: {file}.none", missing["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_in_option_errors_use_xml_simples_words()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, _) = await XmlIn(client, "<a/>", new JsonObject { ["Bogus"] = 1 });
        Assert.Equal("Unrecognised option: Bogus", frame["error"]!.GetValue<string>());
        (frame, _) = await XmlIn(client, "<a/>", new JsonObject { ["StrictMode"] = 1, ["ForceArray"] = new JsonArray("x"), ["KeyAttr"] = new JsonObject { ["a"] = "id" } });
        Assert.Equal("<a> set in KeyAttr but not in ForceArray", frame["error"]!.GetValue<string>());
        (frame, _) = await XmlIn(client, "<a/>", new JsonObject { ["GroupTags"] = new JsonArray("x") });
        Assert.Equal("Illegal value for 'GroupTags' option - expected a hashref", frame["error"]!.GetValue<string>());
        (frame, _) = await XmlIn(client, "<a/>", new JsonObject { ["DataHandler"] = 1 });
        Assert.Equal("E_NOT_SUPPORTED", frame["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_in_variables_holding_marker_characters_go_as_json()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, data) = await XmlIn(client, "<a><b>${v}</b></a>", new JsonObject { ["Variables"] = new JsonObject { ["v"] = "x\u0001y" } });
        Assert.True(data is null, frame.ToJsonString() + " / " + data?.ToJsonString());
        Assert.Equal("x\u0001y", frame["result"]!["data"]!["b"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_out_writes_attributes_sorted_with_the_key_first_and_unfolds()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var frame = await XmlOut(client, JsonNode.Parse("""{"z":"1","a":"<&>\"","name":"n","server":{"s1":{"ip":"1"}},"list":["x",2]}"""));
        Assert.Equal(
            "<opt name=\"n\" a=\"&lt;&amp;&gt;&quot;\" z=\"1\">\n  <list>x</list>\n  <list>2</list>\n  <server name=\"s1\" ip=\"1\" />\n</opt>\n",
            frame["result"]!["xml"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_out_options()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var data = JsonNode.Parse("""{"a":"1","b":{"content":"t","u":"\u263a\ud83d\ude00"}}""");
        var frame = await XmlOut(client, data!.DeepClone(), new JsonObject { ["NoAttr"] = 1, ["RootName"] = "r", ["XMLDecl"] = 1, ["NoIndent"] = 1 });
        Assert.Equal("<?xml version='1.0' standalone='yes'?>\n<r><a>1</a><b><content>t</content><u>\u263a\ud83d\ude00</u></b></r>",
            frame["result"]!["xml"]!.GetValue<string>());
        frame = await XmlOut(client, data!.DeepClone(), new JsonObject { ["NumericEscape"] = 2, ["KeepRoot"] = 0 });
        Assert.Equal("<opt a=\"1\">\n  <b u=\"&#9786;&#128512;\">t</b>\n</opt>\n", frame["result"]!["xml"]!.GetValue<string>());
        frame = await XmlOut(client, JsonNode.Parse("""{"a":null}"""));
        Assert.Equal("Use of uninitialized value", frame["result"]!["warnings"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_out_takes_the_tree_form_and_answers_the_text_as_an_attachment()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        // {a => 'caf\x{e9}', l => [1, undef], h => {}}
        var tree = Encoding.UTF8.GetBytes(string.Join('\0', "\x01", "a", "caf\u00e9", "l", "\x02", "1", "\x04", "\x03", "h", "\x01", "\x03", "\x03"));
        await client.SendAsync("xml", "xml_out", new JsonObject { ["options"] = new JsonObject { ["SuppressEmpty"] = 1 }, ["xml_attachment"] = true }, tree);
        var (frame, attachment) = await client.ReadAsync();
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        Assert.Null(frame["result"]!["xml"]);
        Assert.Equal("<opt a=\"caf\u00e9\">\n  <h></h>\n  <l>1</l>\n</opt>\n", Encoding.UTF8.GetString(attachment!));

        await client.SendAsync("xml", "xml_out", new JsonObject(), Encoding.UTF8.GetBytes("\x01\0a"));
        (frame, _) = await client.ReadAsync();
        Assert.Equal("E_USAGE", frame["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Raw_api_xml_in_answers_json_and_xml_out_reads_at_keys_as_attributes()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var frame = await client.CallAsync("xml_helper", "xml_in", new JsonObject
        {
            ["source"] = """<users><user id="1"><name>John</name></user></users>""",
            ["source_type"] = "string",
        });
        Assert.Equal("""{"user":{"id":"1","name":"John"}}""", frame["result"]!.ToJsonString());

        frame = await client.CallAsync("xml_helper", "xml_out", new JsonObject
        {
            ["data"] = JsonNode.Parse("""{"users":{"user":[{"@id":"1","name":"John"},{"@id":"2","name":"Jane"}]}}"""),
            ["options"] = new JsonObject { ["RootName"] = "data", ["XMLDecl"] = 1 },
        });
        Assert.Equal("<?xml version='1.0' standalone='yes'?>\n<data>\n  <users>\n    <user name=\"John\" id=\"1\" />\n" +
                     "    <user name=\"Jane\" id=\"2\" />\n  </users>\n</data>\n", frame["result"]!.GetValue<string>());

        frame = await client.CallAsync("xml_helper", "xml_in", new JsonObject { ["source"] = "<a><b></a>" });
        Assert.Equal("mismatched tag at line 1, column 8, byte 8", frame["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("  a   b  ", "a b")]
    [InlineData("a\tb", "a\tb")]
    [InlineData("a \t\n b", "a b")]
    [InlineData("\u00a0x\u00a0\u00a0y", "x y")]
    [InlineData("", "")]
    public void Normalise_space_collapses_only_runs(string text, string expected) =>
        Assert.Equal(expected, SimpleValues.NormaliseSpace(text));
}
