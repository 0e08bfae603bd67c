using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules;

public class SystemModuleTests
{
    [Fact]
    public async Task Health_has_the_user_guide_shape_and_is_healthy_when_idle()
    {
        // Private (stdio) mode has no socket to check; the daemon-mode socket check is tested below.
        using var bridge = new TestBridge(mode: CpanBridge.Core.ServeMode.Stdio);
        var client = bridge.Connect();
        var health = (await client.CallAsync("system", "health"))["result"]!;
        Assert.Equal("healthy", health["overall_status"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", health["timestamp"]!.GetValue<string>());
        foreach (var (_, check) in health["checks"]!.AsObject())
        {
            Assert.Contains(check!["status"]!.GetValue<string>(), new[] { "pass", "warn", "fail" });
            Assert.False(string.IsNullOrEmpty(check["message"]!.GetValue<string>()));
        }
        Assert.Empty(health["warnings"]!.AsArray());
        Assert.Empty(health["errors"]!.AsArray());
    }

    [Fact]
    public async Task Health_fails_the_socket_check_when_the_socket_file_is_gone()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var health = (await client.CallAsync("system", "health"))["result"]!;
        // No server bound the socket in this test, so the daemon-mode socket check must fail.
        Assert.Equal("fail", health["checks"]!["socket"]!["status"]!.GetValue<string>());
        Assert.Equal("unhealthy", health["overall_status"]!.GetValue<string>());
        Assert.Contains("socket:", health["errors"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Metrics_and_connections_report_handles_per_connection()
    {
        using var bridge = new TestBridge();
        var worker = bridge.Connect();
        await worker.CallAsync("test", "counter_open");
        await worker.CallAsync("test", "counter_open");
        var observer = bridge.Connect();
        var metrics = (await observer.CallAsync("system", "metrics"))["result"]!;
        Assert.Equal("0.1.0", metrics["daemon_info"]!["version"]!.GetValue<string>());
        Assert.Matches(@"^\d\dh \d\dm \d\ds$", metrics["daemon_info"]!["uptime_formatted"]!.GetValue<string>());
        Assert.True(metrics["resource_status"]!["memory_mb"]!.GetValue<double>() > 1);
        Assert.Equal(2, metrics["connection_summary"]!["active_connections"]!.GetValue<int>());
        Assert.Equal(2, metrics["connection_summary"]!["open_handles"]!.GetValue<int>());

        var connections = (await observer.CallAsync("system", "connections"))["result"]!;
        var first = connections["connections"]!.AsArray().First(c => c!["connection_id"]!.GetValue<long>() == worker.Session.Id)!;
        Assert.Equal(2, first["handles"]!["test.counter"]!.GetValue<int>());
        Assert.Equal(2, first["requests_count"]!.GetValue<long>());

        await worker.CloseAsync();
        connections = (await observer.CallAsync("system", "connections"))["result"]!;
        Assert.Equal(1, connections["active_connections"]!.GetValue<int>());
        Assert.Equal(0, bridge.Runtime.HandleBudget.Open);
    }

    [Fact]
    public async Task Cleanup_closes_stale_connections_and_frees_their_handles()
    {
        using var bridge = new TestBridge(o => o.StaleTimeoutSeconds = 1);
        var idle = bridge.Connect();
        await idle.CallAsync("test", "counter_open");
        await Task.Delay(1200);
        var admin = bridge.Connect();
        var cleaned = (await admin.CallAsync("system", "cleanup"))["result"]!;
        Assert.Equal(1, cleaned["cleaned_connections"]!.GetValue<int>());
        await idle.Serving.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, bridge.Runtime.HandleBudget.Open);
    }

    [Fact]
    public async Task Prometheus_text_is_well_formed()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.CallAsync("test", "ping");
        await client.CallAsync("test", "fail");
        await client.CallAsync("test", "counter_open");
        var text = (await client.CallAsync("system", "prometheus"))["result"]!["text"]!.GetValue<string>();
        var sample = new Regex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-z_]+=""[^""]*""(,[a-z_]+=""[^""]*"")*\})? -?[0-9.eE+-]+$");
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ") || line.StartsWith("# TYPE ")) continue;
            Assert.Matches(sample, line);
        }
        Assert.Contains("cpanbridge_requests_total{module=\"test\",function=\"ping\"} 1\n", text);
        Assert.Contains("cpanbridge_request_errors_total{module=\"test\",function=\"fail\",code=\"E_NATIVE\"} 1\n", text);
        Assert.Contains("cpanbridge_handles_open{kind=\"test.counter\"} 1\n", text);
        Assert.Contains("# TYPE cpanbridge_request_duration_seconds summary", text);
    }
}
