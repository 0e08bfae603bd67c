using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static CpanBridge.Tests.Modules.Sftp.SftpCalls;

namespace CpanBridge.Tests.Modules.Sftp;

/// <summary>Large and pipelined transfers, and sessions whose server or ssh dies under them.</summary>
public class SftpTransferTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_50_MB_file_goes_up_and_comes_back_byte_identical()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        const long size = 50L * 1024 * 1024;
        var local = bridge.Local("big.bin");
        WriteRandomFile(local, size, seed: 50);
        var expected = Sha256(local);

        var clock = Stopwatch.StartNew();
        var (put, _) = await Ok(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = local, ["remote_file"] = bridge.Remote("big.bin") }, timeoutSeconds: 300);
        output.WriteLine($"put 50 MB: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(size, put["bytes"]!.GetValue<long>());
        Assert.Equal(expected, Sha256(bridge.Remote("big.bin")));

        clock.Restart();
        var (got, _) = await Ok(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("big.bin"), ["local_file"] = bridge.Local("big.back") }, timeoutSeconds: 300);
        output.WriteLine($"get 50 MB: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(size, got["bytes"]!.GetValue<long>());
        Assert.Equal(expected, Sha256(bridge.Local("big.back")));
    }

    [Theory]
    [InlineData(1000, 7)]
    [InlineData(4096, 1)]
    [InlineData(258048, 3)]
    [InlineData(32768, 64)]
    public async Task Any_block_and_queue_size_moves_the_same_bytes(int blockSize, int queueSize)
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        var local = bridge.Local("mid.bin");
        WriteRandomFile(local, 1_234_567, seed: blockSize);
        var shape = new JsonObject { ["block_size"] = blockSize, ["queue_size"] = queueSize };
        var (put, _) = await Ok(client, "put", ((JsonObject)shape.DeepClone()).With("handle", h).With("local_file", local).With("remote_file", bridge.Remote("mid.bin")), timeoutSeconds: 120);
        Assert.Equal(1_234_567, put["bytes"]!.GetValue<long>());
        Assert.Equal(Sha256(local), Sha256(bridge.Remote("mid.bin")));
        var (got, _) = await Ok(client, "get", ((JsonObject)shape.DeepClone()).With("handle", h).With("remote_file", bridge.Remote("mid.bin")).With("local_file", bridge.Local("mid.back")), timeoutSeconds: 120);
        Assert.Equal(1_234_567, got["bytes"]!.GetValue<long>());
        Assert.Equal(Sha256(local), Sha256(bridge.Local("mid.back")));
    }

    [Fact]
    public async Task Bad_block_and_queue_sizes_are_usage_errors()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        foreach (var (name, value) in new[] { ("block_size", 0L), ("block_size", 1L << 20), ("queue_size", 0L), ("queue_size", 5000L), ("offset", -1L) })
        {
            var failed = await Fail(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = "x", ["local_file"] = "/tmp/x", [name] = value });
            Assert.Equal("E_USAGE", Code(failed));
            Assert.Contains(name, Error(failed));
        }
    }

    [Fact]
    public async Task A_server_killed_mid_transfer_fails_the_transfer_and_every_later_call_naming_the_session()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var mark = SshProcesses.Marker(out var marker);
        var (client, h) = await bridge.OpenAsync(mark);
        var local = bridge.Local("slow.bin");
        WriteRandomFile(local, 64L * 1024 * 1024, seed: 3);
        var ssh = SshProcesses.FindSsh(marker);
        var sshd = SshProcesses.FindSshd(ssh, server.Port);
        Assert.NotEmpty(sshd);

        // One small block at a time, so the transfer is still running when the server dies.
        await client.SendAsync("sftp", "put", new JsonObject
        {
            ["handle"] = h, ["local_file"] = local, ["remote_file"] = bridge.Remote("slow.bin"), ["block_size"] = 4096, ["queue_size"] = 1,
        });
        var remote = new FileInfo(bridge.Remote("slow.bin"));
        for (var i = 0; i < 200 && !(File.Exists(remote.FullName) && new FileInfo(remote.FullName).Length > 1_000_000); i++) await Task.Delay(25);
        foreach (var pid in sshd) SshProcesses.Kill(pid);

        var (failed, _) = await client.ReadAsync(TimeSpan.FromSeconds(20));
        output.WriteLine(failed.ToJsonString());
        Assert.False(failed["success"]!.GetValue<bool>());
        Assert.Equal("E_NATIVE", Code(failed));
        Assert.Contains(h, Error(failed));
        Assert.Contains("connection lost", Error(failed));
        Assert.Equal("lost", Data(failed)["connection"]!.GetValue<string>());
        Assert.Null(Data(failed)["status"]);
        Assert.Equal(255, Data(failed)["ssh_exit"]!.GetValue<int>());
        Assert.Equal("write", Data(failed)["request"]!.GetValue<string>());
        Assert.True(new FileInfo(remote.FullName).Length < 64L * 1024 * 1024);

        var later = await Fail(client, "stat", new JsonObject { ["handle"] = h, ["path"] = "." });
        Assert.Equal(Error(failed), Error(later));
        Assert.Equal("lost", Data(later)["connection"]!.GetValue<string>());
        // The daemon and the connection carry on: a new session works, and the lost one closes.
        await Ok(client, "open", server.KeyLogin());
        await Ok(client, "stat", new JsonObject { ["path"] = bridge.RemoteDir });
        await Ok(client, "close", new JsonObject { ["handle"] = h });
    }

    [Fact]
    public async Task A_server_killed_mid_get_fails_the_get_and_leaves_the_partial_local_file()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var mark = SshProcesses.Marker(out var marker);
        var (client, h) = await bridge.OpenAsync(mark);
        WriteRandomFile(bridge.Remote("src.bin"), 64L * 1024 * 1024, seed: 4);
        var sshd = SshProcesses.FindSshd(SshProcesses.FindSsh(marker), server.Port);
        var local = bridge.Local("dst.bin");
        await client.SendAsync("sftp", "get", new JsonObject
        {
            ["handle"] = h, ["remote_file"] = bridge.Remote("src.bin"), ["local_file"] = local, ["block_size"] = 4096, ["queue_size"] = 1,
        });
        for (var i = 0; i < 200 && !(File.Exists(local) && new FileInfo(local).Length > 1_000_000); i++) await Task.Delay(25);
        foreach (var pid in sshd) SshProcesses.Kill(pid);
        var (failed, _) = await client.ReadAsync(TimeSpan.FromSeconds(20));
        Assert.False(failed["success"]!.GetValue<bool>());
        Assert.Equal("lost", Data(failed)["connection"]!.GetValue<string>());
        Assert.Equal("read", Data(failed)["request"]!.GetValue<string>());
        Assert.Contains(h, Error(failed));
        var left = new FileInfo(local).Length;
        Assert.InRange(left, 1, 64L * 1024 * 1024 - 1);
    }

    [Fact]
    public async Task A_killed_ssh_client_makes_later_calls_name_the_lost_session()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var mark = SshProcesses.Marker(out var marker);
        var (client, h) = await bridge.OpenAsync(mark);
        SshProcesses.Kill(SshProcesses.FindSsh(marker));
        await Task.Delay(200);
        var failed = await Fail(client, "stat", new JsonObject { ["handle"] = h, ["path"] = "." });
        output.WriteLine(failed.ToJsonString());
        Assert.Equal("E_NATIVE", Code(failed));
        Assert.StartsWith($"{h} ({server.User}@{server.Host}:{server.Port}): connection lost: ", Error(failed));
        Assert.Contains("killed by signal 9", Error(failed));
        Assert.Equal(137, Data(failed)["ssh_exit"]!.GetValue<int>());
        // A write on the dead pipe fails the same way (put sends before it waits).
        File.WriteAllText(bridge.Local("f"), "f");
        var put = await Fail(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = bridge.Local("f"), ["remote_file"] = bridge.Remote("f") });
        Assert.Equal(Error(failed), Error(put));
        Assert.Contains("session ended", bridge.LogText.ToString());
        await Ok(client, "close", new JsonObject { ["handle"] = h });
    }
}
