using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core.Protocol;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Core;

public class SessionTests
{
    [Fact]
    public async Task Pipelined_requests_are_answered_in_order_with_their_ids()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var batch = new StringBuilder();
        for (var i = 1; i <= 500; i++)
            batch.Append($"{{\"id\":{i},\"module\":\"test\",\"function\":\"echo\",\"params\":{{\"n\":{i}}}}}\n");
        await client.SendRawAsync(batch.ToString());
        for (var i = 1; i <= 500; i++)
        {
            var (frame, _) = await client.ReadAsync();
            Assert.Equal(i, frame["id"]!.GetValue<int>());
            Assert.True(frame["success"]!.GetValue<bool>());
            Assert.Equal(i, frame["result"]!["n"]!.GetValue<int>());
        }
        await client.CloseAsync();
    }

    [Fact]
    public async Task String_ids_and_missing_ids_are_echoed()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.SendRawAsync("{\"id\":\"req-7\",\"module\":\"test\",\"function\":\"echo\"}\n{\"module\":\"test\",\"function\":\"echo\"}\n");
        Assert.Equal("req-7", (await client.ReadAsync()).Frame["id"]!.GetValue<string>());
        Assert.Null((await client.ReadAsync()).Frame["id"]);
    }

    [Fact]
    public async Task Attachment_round_trips_every_byte_even_when_split_across_writes()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var blob = new byte[300_000];
        for (var i = 0; i < blob.Length; i++) blob[i] = (byte)(i * 7);
        var header = Encoding.UTF8.GetBytes($"{{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"attachment\":{blob.Length}}}\n");
        await client.SendRawAsync(header);
        await client.SendRawAsync(blob[..1000]);
        await Task.Delay(20);
        await client.SendRawAsync(blob[1000..]);
        await client.SendAsync("test", "echo", new JsonObject { ["after"] = true });
        var (frame, attachment) = await client.ReadAsync();
        Assert.True(frame["success"]!.GetValue<bool>());
        Assert.Equal(blob, attachment);
        Assert.True((await client.ReadAsync()).Frame["result"]!["after"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_long_frame_arriving_in_many_small_writes_is_read_whole()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var text = string.Concat(Enumerable.Range(0, 200_000).Select(i => (char)('a' + i % 26)));
        var frame = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = 1, ["module"] = "test", ["function"] = "echo", ["params"] = new JsonObject { ["s"] = text } }.ToJsonString() + "\n");
        for (var offset = 0; offset < frame.Length; offset += 997)
            await client.SendRawAsync(frame[offset..Math.Min(offset + 997, frame.Length)]);
        var (reply, _) = await client.ReadAsync();
        Assert.Equal(text, reply["result"]!["s"]!.GetValue<string>());
        Assert.Equal("pong", (await client.CallAsync("test", "ping"))["result"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unicode_strings_keep_every_character()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var text = "é€\u00ff\u0000\n\"\\ 𝄞";
        var frame = await client.CallAsync("test", "echo", new JsonObject { ["s"] = text });
        Assert.Equal(text, frame["result"]!["s"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json\n", "E_FRAME", "not valid JSON")]
    [InlineData("[1,2]\n", "E_FRAME", "must be a JSON object, got an array")]
    [InlineData("{\"id\":1,\"module\":5,\"function\":\"ping\"}\n", "E_REQUEST", "'module' must be a string")]
    [InlineData("{\"id\":1,\"module\":\"test\"}\n", "E_REQUEST", "no 'function'")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"params\":\"x\"}\n", "E_REQUEST", "'params' must be an object")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"attachment\":-1}\n", "E_REQUEST", "'attachment'")]
    [InlineData("{\"id\":{},\"module\":\"test\",\"function\":\"echo\"}\n", "E_REQUEST", "'id' must be")]
    [InlineData("{\"id\":1,\"module\":\"nope\",\"function\":\"x\"}\n", "E_UNKNOWN_MODULE", "loaded modules: bridge, crypto, database, excel, sftp, system, test, xml, xml_dom, xml_helper, xpath")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"nope\"}\n", "E_UNKNOWN_FUNCTION", "it has: counter_close")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"sleep\",\"params\":{}}\n", "E_USAGE", "missing required parameter 'ms'")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"sleep\",\"params\":{\"ms\":\"soon\"}}\n", "E_USAGE", "'ms' must be an integer, got a string")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"sleep\",\"params\":{\"ms\":1,\"x\":2}}\n", "E_USAGE", "unknown parameter 'x' (it takes: ms)")]
    [InlineData("{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"params\":{\"s\":\"\xff\"}}\n", "E_FRAME", "not valid UTF-8")]
    public async Task Bad_frames_get_an_error_naming_the_problem_and_the_connection_stays_usable(string frame, string code, string fragment)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.SendRawAsync(Encoding.Latin1.GetBytes(frame));
        var (reply, _) = await client.ReadAsync();
        Assert.False(reply["success"]!.GetValue<bool>());
        Assert.Equal(code, reply["code"]!.GetValue<string>());
        Assert.Contains(fragment, reply["error"]!.GetValue<string>());
        var ping = await client.CallAsync("test", "ping");
        Assert.Equal("pong", ping["result"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nesting_beyond_the_limit_is_refused_without_harm()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var deep = new string('[', 10_000) + new string(']', 10_000);
        await client.SendRawAsync($"{{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"params\":{{\"x\":{deep}}}}}\n");
        var (reply, _) = await client.ReadAsync();
        Assert.Equal("E_FRAME", reply["code"]!.GetValue<string>());
        Assert.Contains("depth", reply["error"]!.GetValue<string>());
        Assert.True((await client.CallAsync("test", "ping"))["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Oversized_line_gets_an_error_and_the_connection_is_closed()
    {
        using var bridge = new TestBridge(o => o.MaxFrameBytes = 64 * 1024);
        var client = bridge.Connect();
        await client.SendRawAsync("{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"params\":{\"x\":\"" + new string('a', 200_000));
        var (reply, _) = await client.ReadAsync();
        Assert.Equal("E_FRAME_TOO_LARGE", reply["code"]!.GetValue<string>());
        Assert.Contains("65536 bytes", reply["error"]!.GetValue<string>());
        Assert.True(await client.IsClosedAsync());
        await client.Serving.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, bridge.Runtime.Sessions.Count);
        Assert.Contains("E_FRAME_TOO_LARGE", File.ReadAllText(bridge.Options.AuditLogPath));
    }

    [Fact]
    public async Task Oversized_attachment_is_refused_and_the_connection_closed()
    {
        using var bridge = new TestBridge(o => o.MaxAttachmentBytes = 1000);
        var client = bridge.Connect();
        await client.SendRawAsync("{\"id\":1,\"module\":\"test\",\"function\":\"echo\",\"attachment\":5000}\n");
        var (reply, _) = await client.ReadAsync();
        Assert.Equal("E_FRAME_TOO_LARGE", reply["code"]!.GetValue<string>());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Closing_the_connection_disposes_every_handle_children_first()
    {
        var probe = new ProbeModule();
        using var bridge = new TestBridge(extraModules: [probe]);
        var client = bridge.Connect();
        var parent = (await client.CallAsync("probe", "open", new JsonObject { ["name"] = "db" }))["result"]!["handle"]!.GetValue<string>();
        await client.CallAsync("probe", "open_child", new JsonObject { ["parent"] = parent, ["name"] = "st1" });
        await client.CallAsync("probe", "open_child", new JsonObject { ["parent"] = parent, ["name"] = "st2" });
        Assert.Equal(3, bridge.Runtime.HandleBudget.Open);
        await client.CloseAsync();
        Assert.Equal(["st2", "st1", "db"], probe.Disposed.ToArray());
        Assert.Equal(0, bridge.Runtime.HandleBudget.Open);
        Assert.Equal(0, bridge.Runtime.Sessions.Count);
    }

    [Fact]
    public async Task Closing_a_parent_closes_its_children_and_use_after_close_names_the_handle()
    {
        var probe = new ProbeModule();
        using var bridge = new TestBridge(extraModules: [probe]);
        var client = bridge.Connect();
        var parent = (await client.CallAsync("probe", "open", new JsonObject { ["name"] = "db" }))["result"]!["handle"]!.GetValue<string>();
        var child = (await client.CallAsync("probe", "open_child", new JsonObject { ["parent"] = parent, ["name"] = "st" }))["result"]!["handle"]!.GetValue<string>();
        Assert.Equal("st", (await client.CallAsync("probe", "child_name", new JsonObject { ["handle"] = child }))["result"]!.GetValue<string>());
        Assert.True((await client.CallAsync("probe", "close", new JsonObject { ["handle"] = parent }))["success"]!.GetValue<bool>());
        Assert.Equal(["st", "db"], probe.Disposed.ToArray());
        var after = await client.CallAsync("probe", "child_name", new JsonObject { ["handle"] = child });
        Assert.Equal("E_HANDLE", after["code"]!.GetValue<string>());
        Assert.Contains($"handle {child} is closed", after["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_handle_is_refused_on_another_connection_and_after_its_connection_closed()
    {
        using var bridge = new TestBridge();
        var first = bridge.Connect();
        var second = bridge.Connect();
        var handle = (await first.CallAsync("test", "counter_open"))["result"]!["handle"]!.GetValue<string>();
        var elsewhere = await second.CallAsync("test", "counter_next", new JsonObject { ["handle"] = handle });
        Assert.Equal("E_HANDLE", elsewhere["code"]!.GetValue<string>());
        Assert.Contains("belongs to connection #1, not to this connection #2", elsewhere["error"]!.GetValue<string>());
        await first.CloseAsync();
        var gone = await second.CallAsync("test", "counter_next", new JsonObject { ["handle"] = handle });
        Assert.Contains("was disposed when connection #1 closed", gone["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrong_handle_kind_and_garbage_handles_are_named()
    {
        var probe = new ProbeModule();
        using var bridge = new TestBridge(extraModules: [probe]);
        var client = bridge.Connect();
        var counter = (await client.CallAsync("test", "counter_open"))["result"]!["handle"]!.GetValue<string>();
        var wrong = await client.CallAsync("probe", "child_name", new JsonObject { ["handle"] = counter });
        Assert.Contains("is a test.counter, not a probe.child", wrong["error"]!.GetValue<string>());
        var garbage = await client.CallAsync("test", "counter_next", new JsonObject { ["handle"] = "DROP TABLE x" });
        Assert.Contains("is not a CPAN Bridge handle", garbage["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Per_connection_handle_limit_is_enforced_with_a_clear_error()
    {
        using var bridge = new TestBridge(o => o.MaxHandlesPerConnection = 3);
        var client = bridge.Connect();
        for (var i = 0; i < 3; i++) Assert.True((await client.CallAsync("test", "counter_open"))["success"]!.GetValue<bool>());
        var refused = await client.CallAsync("test", "counter_open");
        Assert.Equal("E_LIMIT", refused["code"]!.GetValue<string>());
        Assert.Contains("CPAN_BRIDGE_MAX_HANDLES_PER_CONNECTION", refused["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Global_handle_limit_counts_all_connections()
    {
        using var bridge = new TestBridge(o => o.MaxHandles = 2);
        var a = bridge.Connect();
        var b = bridge.Connect();
        await a.CallAsync("test", "counter_open");
        await b.CallAsync("test", "counter_open");
        var refused = await b.CallAsync("test", "counter_open");
        Assert.Contains("CPAN_BRIDGE_MAX_HANDLES)", refused["error"]!.GetValue<string>());
        await a.CloseAsync();
        Assert.True((await b.CallAsync("test", "counter_open"))["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_crashing_function_becomes_E_INTERNAL_and_is_logged()
    {
        var probe = new ProbeModule();
        using var bridge = new TestBridge(extraModules: [probe]);
        var client = bridge.Connect();
        var reply = await client.CallAsync("probe", "crash");
        Assert.Equal("E_INTERNAL", reply["code"]!.GetValue<string>());
        Assert.Contains("probe crashed on purpose", reply["error"]!.GetValue<string>());
        Assert.Contains("InvalidOperationException", bridge.LogText.ToString());
        Assert.True((await client.CallAsync("test", "ping"))["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Perl_style_strings_are_accepted_for_numbers_and_booleans()
    {
        using var bridge = new TestBridge(extraModules: [new ProbeModule()]);
        var client = bridge.Connect();
        var reply = await client.CallAsync("probe", "types", new JsonObject { ["i"] = "42", ["b"] = "", ["n"] = "2.5" });
        Assert.Equal(42, reply["result"]!["i"]!.GetValue<long>());
        Assert.False(reply["result"]!["b"]!.GetValue<bool>());
        Assert.Equal(2.5, reply["result"]!["n"]!.GetValue<double>());
    }

    [Fact]
    public async Task Stopping_lets_the_running_request_finish_and_refuses_the_queued_ones()
    {
        using var bridge = new TestBridge();
        using var stopping = new CancellationTokenSource();
        var client = bridge.Connect(stopping.Token);
        await client.SendRawAsync(
            "{\"id\":1,\"module\":\"test\",\"function\":\"sleep\",\"params\":{\"ms\":300}}\n" +
            "{\"id\":2,\"module\":\"test\",\"function\":\"ping\"}\n");
        await Task.Delay(100);
        stopping.Cancel();
        var (first, _) = await client.ReadAsync();
        Assert.True(first["success"]!.GetValue<bool>());
        Assert.Equal(300, first["result"]!["slept_ms"]!.GetValue<int>());
        var (second, _) = await client.ReadAsync();
        Assert.Equal("E_SHUTTING_DOWN", second["code"]!.GetValue<string>());
        Assert.Contains("test.ping was not executed", second["error"]!.GetValue<string>());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Process_mode_refuses_stateful_functions()
    {
        using var bridge = new TestBridge(mode: CpanBridge.Core.ServeMode.Process);
        var client = bridge.Connect();
        var reply = await client.CallAsync("test", "counter_open");
        Assert.Equal(ErrorCodes.Stateful, reply["code"]!.GetValue<string>());
        Assert.True((await client.CallAsync("test", "ping"))["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Statistics_count_calls_errors_and_rejections()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.CallAsync("test", "ping");
        await client.CallAsync("test", "fail", new JsonObject { ["code"] = "E_NATIVE", ["message"] = "boom" });
        await client.SendRawAsync("garbage\n");
        await client.ReadAsync();
        var stats = (await client.CallAsync("system", "stats"))["result"]!;
        Assert.Equal(1, stats["requests_failed"]!.GetValue<long>());
        Assert.Equal(1, stats["requests_rejected"]!.GetValue<long>());
        Assert.Equal(1, stats["security_metrics"]!["total_events"]!.GetValue<long>());
        var perf = (await client.CallAsync("system", "performance"))["result"]!;
        Assert.Equal(1, perf["functions"]!["test.fail"]!["errors"]!.GetValue<long>());
        Assert.True(perf["performance_metrics"]!["total_requests"]!.GetValue<long>() >= 3);
    }
}
