using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core.Server;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Core;

public class DaemonServerTests
{
    private static async Task<(DaemonServer Server, Task<int> Run)> StartAsync(TestBridge bridge, int idleExit = 0)
    {
        var server = new DaemonServer(bridge.Runtime);
        var ready = new TaskCompletionSource();
        var run = Task.Run(() => server.RunAsync(idleExit, () => ready.SetResult()));
        await Task.WhenAny(ready.Task, run).WaitAsync(TimeSpan.FromSeconds(10));
        if (run.IsFaulted) await run;
        return (server, run);
    }

    private static async Task<JsonObject> CallAsync(string socketPath, string module, string function)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"id\":1,\"module\":\"{module}\",\"function\":\"{function}\"}}\n"));
        }
        catch (SocketException)
        {
            // A daemon that refuses the connection answers and hangs up at once, possibly before
            // this request is written (EPIPE); its answer is still there to read.
        }
        return JsonNode.Parse(await ReadLineAsync(socket))!.AsObject();
    }

    private static async Task<string> ReadLineAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!received.Contains((byte)'\n'))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10));
            if (n == 0) break;
            received.AddRange(buffer[..n]);
        }
        return Encoding.UTF8.GetString([.. received]).Split('\n')[0];
    }

    [Fact]
    public async Task Serves_on_a_private_socket_and_cleans_up_on_stop()
    {
        using var bridge = new TestBridge();
        var (server, run) = await StartAsync(bridge);
        var socketPath = bridge.Options.SocketPath;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socketPath));
        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(bridge.Options.PidPath).Trim());

        var hello = await CallAsync(socketPath, "bridge", "hello");
        Assert.Equal(1, hello["result"]!["protocol"]!.GetValue<int>());
        Assert.Equal(bridge.Runtime.BootId, hello["result"]!["boot_id"]!.GetValue<string>());

        server.RequestStop("test");
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(socketPath));
        Assert.False(File.Exists(bridge.Options.PidPath));
    }

    [Fact]
    public async Task A_stale_socket_left_by_a_dead_daemon_is_replaced()
    {
        using var bridge = new TestBridge();
        // A process that listened and died without unlinking, as after kill -9. (.NET's own
        // Socket.Dispose unlinks the file, so let perl leave one behind.)
        using (var dead = System.Diagnostics.Process.Start("perl", ["-MIO::Socket::UNIX", "-e",
                   "IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die $!; exit 0", bridge.Options.SocketPath]))
            dead.WaitForExit();
        Assert.True(File.Exists(bridge.Options.SocketPath));
        var (server, run) = await StartAsync(bridge);
        Assert.True((await CallAsync(bridge.Options.SocketPath, "test", "ping"))["success"]!.GetValue<bool>());
        Assert.Contains("removing stale socket", bridge.LogText.ToString());
        server.RequestStop("test");
        await run;
    }

    [Fact]
    public async Task A_second_daemon_on_the_same_socket_refuses_to_start()
    {
        using var bridge = new TestBridge();
        var (server, run) = await StartAsync(bridge);
        using var second = new TestBridge(o => o.SocketPath = bridge.Options.SocketPath);
        var e = await Assert.ThrowsAsync<AlreadyRunningException>(() => new DaemonServer(second.Runtime).RunAsync(0));
        Assert.Equal(Environment.ProcessId, e.Pid);
        Assert.True((await CallAsync(bridge.Options.SocketPath, "test", "ping"))["success"]!.GetValue<bool>());
        server.RequestStop("test");
        await run;
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_refused_with_E_LIMIT()
    {
        using var bridge = new TestBridge(o => o.MaxConnections = 1);
        var (server, run) = await StartAsync(bridge);
        using var first = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await first.ConnectAsync(new UnixDomainSocketEndPoint(bridge.Options.SocketPath));
        await first.SendAsync("{\"id\":1,\"module\":\"test\",\"function\":\"ping\"}\n"u8.ToArray());
        await ReadLineAsync(first);
        var refused = await CallAsync(bridge.Options.SocketPath, "test", "ping");
        Assert.Equal("E_LIMIT", refused["code"]!.GetValue<string>());
        Assert.Contains("connection_limit", File.ReadAllText(bridge.Options.AuditLogPath));
        server.RequestStop("test");
        await run;
    }

    [Fact]
    public async Task An_idle_daemon_exits_by_itself()
    {
        using var bridge = new TestBridge();
        var (_, run) = await StartAsync(bridge, idleExit: 1);
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("idle exit", bridge.LogText.ToString());
        Assert.False(File.Exists(bridge.Options.SocketPath));
    }

    [Fact]
    public async Task Stop_waits_for_the_request_in_flight()
    {
        using var bridge = new TestBridge();
        var (server, run) = await StartAsync(bridge);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(bridge.Options.SocketPath));
        await socket.SendAsync("{\"id\":1,\"module\":\"test\",\"function\":\"sleep\",\"params\":{\"ms\":400}}\n"u8.ToArray());
        // Stop only once the request is running: a connection still waiting in the listen queue
        // when the listener closes is reset by the kernel (the Perl client's hello rules that out).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!bridge.Runtime.Sessions.Snapshot().Any(s => s.CurrentFunction == "test.sleep") && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        server.RequestStop("test");
        var reply = JsonNode.Parse(await ReadLineAsync(socket))!;
        Assert.True(reply["success"]!.GetValue<bool>());
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
