using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Modules.Xml;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Xml;

/// <summary>
/// xml_dom: the records parse returns (the structure XML::DOM builds over expat), parse errors as
/// expat words and places them, the XQL rewriting and refusals, and xql over a loaded copy.
/// </summary>
public class DomModuleTests
{
    private static async Task<(JsonObject Frame, string Records)> Parse(PipeClient client, string xml, bool keepCdata = false)
    {
        await client.SendAsync("xml_dom", "parse", new JsonObject { ["keep_cdata"] = keepCdata }, Encoding.UTF8.GetBytes(xml));
        var (frame, attachment) = await client.ReadAsync(TimeSpan.FromSeconds(60));
        return (frame, attachment is null ? "" : Encoding.UTF8.GetString(attachment));
    }

    /// <summary>Records made readable: RS as newline, US as '|', absent as '~'.</summary>
    private static string Show(string records) =>
        records.Replace('\x1E', '\n').Replace('\x1F', '|').Replace('\x1D', '~').TrimEnd('\n');

    private static async Task<string> ParseOk(string xml, bool keepCdata = false)
    {
        using var bridge = new TestBridge();
        var (frame, records) = await Parse(bridge.Connect(), xml, keepCdata);
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        return Show(records);
    }

    private static async Task<JsonObject> ParseFails(string xml)
    {
        using var bridge = new TestBridge();
        var (frame, _) = await Parse(bridge.Connect(), xml);
        Assert.False(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        return frame;
    }

    [Fact]
    public async Task Elements_attributes_and_text_runs()
    {
        var records = await ParseOk("<?xml version='1.0' standalone='yes'?>\n<a z='1' b=\"2\">x &amp; <![CDATA[<y>]]> z<b/><!--c--><?p d?></a>\n");
        Assert.Equal("X|1.0|~|yes\nE|a|z|1|1|b|2|1\nT|x & <y> z\nE|b\n/\n#|c\n?|p|d\n/", records);
    }

    [Fact]
    public async Task KeepCDATA_keeps_sections_and_joins_adjacent_ones_but_makes_none_for_an_empty_one()
    {
        var records = await ParseOk("<a>t<![CDATA[one]]><![CDATA[two]]><![CDATA[]]>u</a>", keepCdata: true);
        Assert.Equal("E|a\nT|t\nC|one\n+|two\nT|u\n/", records);
    }

    [Fact]
    public async Task Whitespace_outside_the_root_is_dropped_and_crlf_normalised()
    {
        var records = await ParseOk("\r\n<a>1\r\n2</a>\r\n<!--end-->\r\n");
        Assert.Equal("E|a\nT|1\n2\n/\n#|end", records);
    }

    [Fact]
    public async Task Doctype_declarations_and_defaulted_attributes()
    {
        var records = await ParseOk("""
            <!DOCTYPE r SYSTEM "r.dtd" [
            <!ENTITY e "v&#62;1 &amp;">
            <!ENTITY % p "x">
            <!ENTITY pic SYSTEM "p.gif" NDATA gif>
            <!NOTATION gif PUBLIC "-//GIF">
            <!ELEMENT r ( a | b )* >
            <!ATTLIST r k NMTOKEN "  t  " f CDATA #FIXED "x" q CDATA #IMPLIED>
            <!-- in dtd -->
            ]>
            <r q="1">&e;</r>
            """);
        Assert.Equal("""
            D|r|r.dtd|~
            N|e|v>1 &amp;|~|~|~|0
            N|p|x|~|~|~|1
            N|pic|~|p.gif|~|gif|0
            O|gif|~|-//GIF
            L|r|(a|b)*
            A|r|k|NMTOKEN|t|0
            A|r|f|CDATA|x|1
            A|r|q|CDATA|#IMPLIED|0
            #| in dtd 
            E|r|q|1|1|k|t|0|f|x|0
            T|v>1 &
            /
            """.ReplaceLineEndings("\n"), records);
    }

    [Fact]
    public async Task NoExpand_keeps_references_in_content_and_expands_them_in_attributes()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        const string xml = "<!DOCTYPE r [<!ENTITY e \"v&#62;\"><!ENTITY b \"<b/>\"><!ATTLIST r t NMTOKEN #IMPLIED>]>"
                           + "<r a=\"&e;!\" t=\" x \">1 &e; &b;&amp;&#65;</r>";
        await client.SendAsync("xml_dom", "parse", new JsonObject { ["no_expand"] = true }, Encoding.UTF8.GetBytes(xml));
        var (frame, attachment) = await client.ReadAsync();
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        var records = Show(Encoding.UTF8.GetString(attachment!)).Split('\n').SkipWhile(r => r[0] != 'E');
        Assert.Equal("E|r|a|v>!|1|t|x|1\nT|1 \nR|e\nT| \nR|b\nT|&A\n/", string.Join('\n', records));
    }

    [Fact]
    public async Task Undeclared_prefixes_are_plain_names_as_under_expat()
    {
        Assert.Equal("E|x:a|y:b|1|1\n/", await ParseOk("<x:a y:b='1'/>"));
    }

    [Fact]
    public async Task Windows_code_page_documents_decode()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.SendAsync("xml_dom", "parse", new JsonObject(),
            [.. "<?xml version='1.0' encoding='windows-1252'?><a>"u8, 0x80, 0x93, .. "</a>"u8]);
        var (frame, attachment) = await client.ReadAsync();
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        Assert.Contains("T\x1F\u20AC\u201C", Encoding.UTF8.GetString(attachment!));
    }

    [Theory]
    [InlineData("<a>\n<b></a>", "\nmismatched tag at line 2, column 5, byte 9")]
    [InlineData("<a/><b/>", "\njunk after document element at line 1, column 4, byte 4")]
    [InlineData("<a>&nope;</a>", "\nundefined entity at line 1, column 3, byte 3")]
    [InlineData("<a>&#0;</a>", "\nreference to invalid character number at line 1, column 3, byte 3")]
    [InlineData("", "\nno element found at line 1, column 0, byte -1")]
    [InlineData("<a><b>t</b>", "\nno element found at line 1, column 11, byte 11")]
    [InlineData("<a></a", "\nunclosed token at line 1, column 3, byte 3")]
    [InlineData("<a>\n<!-- x", "\nunclosed token at line 2, column 0, byte 4")]
    [InlineData("<a><![CDATA[x</a>", "\nunclosed CDATA section at line 1, column 17, byte 17")]
    [InlineData("<a>x ]]> y</a>", "\nnot well-formed (invalid token) at line 1, column 7, byte 7")]
    [InlineData(" <?xml version='1.0'?><a/>", "\nXML or text declaration not at start of entity at line 1, column 1, byte 1")]
    [InlineData("<a x='1' x='2'/>", "\nduplicate attribute at line 1, column 9, byte 9")]
    [InlineData("<é>\n<b></é>", "\nmismatched tag at line 2, column 5, byte 10")]
    [InlineData("<?xml version='1.0' <a/>", "\nunclosed token at line 1, column 0, byte 0")]
    [InlineData("<?xml versio='1.0'?><a/>", "\nXML declaration not well-formed at line 1, column 6, byte 6")]
    [InlineData("<a>\U0001F600\U0001F600</b>", "\nmismatched tag at line 1, column 7, byte 13")]
    [InlineData("<?xml version='1.0' encoding='UTF-16'?><a/>", "\nencoding specified in XML declaration is incorrect at line 1, column 30, byte 30")]
    public async Task Parse_errors_are_worded_and_placed_as_expat_does(string xml, string expected)
    {
        var frame = await ParseFails(xml);
        Assert.Equal(expected, frame["error"]!.GetValue<string>());
        Assert.Equal("parse", frame["data"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_encoding_fails_as_a_missing_encoding_map()
    {
        var frame = await ParseFails("<?xml version='1.0' encoding='bogus'?><a/>");
        Assert.Equal("Couldn't open encmap bogus.enc:\nNo such file or directory\n", frame["error"]!.GetValue<string>());
        Assert.Equal("encoding", frame["data"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Entity_expansion_beyond_the_cap_is_refused_and_the_session_goes_on()
    {
        var laughs = new StringBuilder("<!DOCTYPE l [<!ENTITY l0 \"hahahahahahahahahaha\">");
        for (var i = 1; i <= 9; i++)
            laughs.Append($"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">");
        laughs.Append("]><l>&l9;</l>");
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, _) = await Parse(client, laughs.ToString());
        Assert.False(frame["success"]!.GetValue<bool>());
        Assert.StartsWith("\nlimit on input amplification factor", frame["error"]!.GetValue<string>());
        var (again, records) = await Parse(client, "<ok/>");
        Assert.True(again["success"]!.GetValue<bool>());
        Assert.Equal("E|ok\n/", Show(records));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_cap_holds_on_the_namespace_less_reader_too(bool noExpand)
    {
        // an undeclared prefix sends the document to the reader without namespaces
        var laughs = new StringBuilder("<!DOCTYPE l [<!ENTITY l0 \"hahahahahahahahahaha\">");
        for (var i = 1; i <= 9; i++)
            laughs.Append($"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">");
        laughs.Append("]><p:l a='&l9;'>&l9;</p:l>");
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.SendAsync("xml_dom", "parse", new JsonObject { ["no_expand"] = noExpand }, Encoding.UTF8.GetBytes(laughs.ToString()));
        var (frame, _) = await client.ReadAsync(TimeSpan.FromSeconds(60));
        Assert.False(frame["success"]!.GetValue<bool>());
        Assert.StartsWith("\nlimit on input amplification factor", frame["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Undeclared_prefixes_with_entities_expand_them()
    {
        const string xml = "<!DOCTYPE r [<!ENTITY e \"<b>x</b>&#233;\"><!ENTITY t \"&#233;!\">]><p:r q:a='&t;'>1&e;2</p:r>";
        Assert.EndsWith("E|p:r|q:a|é!|1\nT|1\nE|b\nT|x\n/\nT|é2\n/", await ParseOk(xml));
    }

    [Fact]
    public async Task Files_are_read_by_absolute_path_only()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var relative = await client.CallAsync("xml_dom", "parse", new JsonObject { ["file"] = "doc.xml" });
        Assert.Equal("E_USAGE", relative["code"]!.GetValue<string>());
        var missing = await client.CallAsync("xml_dom", "parse", new JsonObject { ["file"] = "/nonexistent/doc.xml" });
        Assert.False(missing["success"]!.GetValue<bool>());
        Assert.Equal("open", missing["data"]!["reason"]!.GetValue<string>());

        var path = Path.Combine(bridge.Directory, "empty.xml");
        await File.WriteAllBytesAsync(path, []);
        var empty = await client.CallAsync("xml_dom", "parse", new JsonObject { ["file"] = path });
        // an empty file is at byte 0 for expat, an empty string at byte -1
        Assert.Equal("\nno element found at line 1, column 0, byte 0", empty["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task External_entities_come_from_local_files_but_not_the_external_subset()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dir = Path.Combine(bridge.Directory, "docs");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "part.xml"), "<p>in</p>");
        await File.WriteAllTextAsync(Path.Combine(dir, "r.dtd"), "<!ATTLIST r d CDATA 'from the dtd'>");
        const string xml = "<!DOCTYPE r SYSTEM \"r.dtd\" [<!ENTITY part SYSTEM \"part.xml\"><!ENTITY gone SYSTEM \"gone.xml\">]>\n<r>&part;</r>";
        await File.WriteAllTextAsync(Path.Combine(dir, "main.xml"), xml);

        await client.SendAsync("xml_dom", "parse", new JsonObject { ["file"] = Path.Combine(dir, "main.xml") });
        var (frame, attachment) = await client.ReadAsync();
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        Assert.EndsWith("E|r\nE|p\nT|in\n/\n/", Show(Encoding.UTF8.GetString(attachment!)));

        await client.SendAsync("xml_dom", "parse", new JsonObject { ["base"] = dir },
            Encoding.UTF8.GetBytes(xml.Replace("&part;", "&part;&gone;")));
        (frame, _) = await client.ReadAsync();
        Assert.Equal("Failed to open gone.xml:\nNo such file or directory\n"
                     + "Handler couldn't resolve external entity at line 2, column 9, byte 104\n"
                     + "error in processing external entity reference at line 2, column 9, byte 104",
            frame["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("//step[0]", "//step[1]")]
    [InlineData("//step[-1]", "//step[last()]")]
    [InlineData("//step[-2]", "//step[last()-1]")]
    [InlineData("job[@name $eq$ 'x' $and$ @n $ge$ 2]", "job[@name  =  'x'  and  @n  >=  2]")]
    [InlineData("a $union$ b", "a  |  b")]
    [InlineData("//step/textNode()", "//step/text()")]
    [InlineData("//pi('x')", "//processing-instruction('x')")]
    [InlineData("//x:item[@x:id='2']", "//*[name()='x:item'][@*[name()='x:id']='2']")]
    [InlineData("child::a/@b", "child::a/@b")]
    [InlineData("//a[@k='[0]']", "//a[@k='[0]']")]
    [InlineData("//a[b[0]]", "//a[b[1]]")]
    public void Xql_rewrites_into_xpath(string xql, string xpath) => Assert.Equal(xpath, DomXqlSyntax.ToXPath(xql));

    [Theory]
    [InlineData("//a!value()", "the method operator !")]
    [InlineData("//a[0 $to$ 2]", "the operator $to$")]
    [InlineData("//a[index() = 1]", "the function index()")]
    [InlineData("a;b", "the sequence operators ; and ;;")]
    [InlineData("//a[@x='1'", "an unclosed [")]
    public void Xql_without_an_xpath_equivalent_is_refused_by_name(string xql, string what)
    {
        var error = Assert.Throws<BridgeException>(() => DomXqlSyntax.ToXPath(xql));
        Assert.Equal($"xql '{xql}': {what} is XQL without an XPath 1.0 equivalent, not supported by CPAN Bridge", error.Message);
    }

    [Fact]
    public async Task Xql_answers_with_paths_the_drop_in_maps_back()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r xmlns=\"urn:d\"><a k=\"1\">t1<!--c-->t2<b>é</b></a><a k=\"2\"/></r>\n";
        await client.SendAsync("xml_dom", "load", new JsonObject(), Encoding.UTF8.GetBytes(xml));
        var (loaded, _) = await client.ReadAsync();
        Assert.True(loaded["success"]!.GetValue<bool>(), loaded.ToJsonString());
        var handle = loaded["result"]!["document"]!.GetValue<string>();

        async Task<string> Query(string query, params int[] context)
        {
            var frame = await client.CallAsync("xml_dom", "xql", new JsonObject
            {
                ["document"] = handle,
                ["context"] = new JsonArray(context.Select(i => (JsonNode)i).ToArray()),
                ["query"] = query,
            });
            Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
            return frame["result"]!["results"]!.ToJsonString();
        }

        Assert.Equal("""[{"k":"e","p":[0,0]},{"k":"e","p":[0,1]}]""", await Query("//a"));
        Assert.Equal("""[{"k":"a","p":[0,1],"n":"k","v":"2"}]""", await Query("a[1]/@k", 0));
        Assert.Equal("""[{"k":"t","p":[0,0],"i":0,"v":"t1"},{"k":"t","p":[0,0],"i":1,"v":"t2"}]""", await Query("text()", 0, 0));
        Assert.Equal("""[{"k":"c","p":[0,0],"i":0,"v":"c"}]""", await Query("//comment()"));
        Assert.Equal("""[{"k":"t","p":[0,0,0],"i":0,"v":"\u00E9"}]""", await Query("b/text()", 0, 0));
        Assert.Equal("""[{"v":"2"}]""", await Query("count(//a)"));
        Assert.Equal("""[{"k":"d","p":[]}]""", await Query("/"));

        var bad = await client.CallAsync("xml_dom", "xql", new JsonObject
        {
            ["document"] = handle, ["context"] = new JsonArray(5), ["query"] = "a",
        });
        Assert.Equal("E_USAGE", bad["code"]!.GetValue<string>());
        var closed = await client.CallAsync("xml_dom", "close", new JsonObject { ["document"] = handle });
        Assert.True(closed["success"]!.GetValue<bool>());
        var gone = await client.CallAsync("xml_dom", "xql", new JsonObject
        {
            ["document"] = handle, ["context"] = new JsonArray(), ["query"] = "a",
        });
        Assert.False(gone["success"]!.GetValue<bool>());
    }
}
