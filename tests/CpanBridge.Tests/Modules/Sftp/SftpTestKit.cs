using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CpanBridge.Core;
using CpanBridge.Core.Config;
using CpanBridge.Core.Logging;
using CpanBridge.Modules;
using CpanBridge.Modules.Sftp;
using CpanBridge.Tests.Support;
using Xunit.Abstractions;

namespace CpanBridge.Tests.Modules.Sftp;

/// <summary>
/// The sshd the test command starts (t/servers/sshd.sh: CPAN_BRIDGE_TEST_SSH_*). Without it the
/// SFTP tests return early, saying so in their output (xunit 2 has no runtime skip).
/// </summary>
internal sealed record SshServer(string Host, int Port, string User, string Key, string Password, string KnownHosts, string Dir)
{
    public static SshServer? Find(ITestOutputHelper output)
    {
        string? Get(string name) => Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_SSH_" + name) is { Length: > 0 } v ? v : null;
        if (Get("HOST") is not { } host || Get("PORT") is not { } port || Get("USER") is not { } user || Get("KEY") is not { } key
            || Get("KNOWN_HOSTS") is not { } knownHosts || Get("DIR") is not { } dir)
        {
            output.WriteLine("SKIPPED: CPAN_BRIDGE_TEST_SSH_* is not set (eval \"$(t/servers/sshd.sh env DIR)\")");
            return null;
        }
        return new SshServer(host, int.Parse(port), user, key, Get("PASSWORD") ?? "", knownHosts, dir);
    }

    /// <summary>For tests that bring their own server (a fake one as ssh_cmd) and need no sshd.</summary>
    public static readonly SshServer None = new("127.0.0.1", 1, "nobody", "/dev/null", "", "/dev/null", Path.GetTempPath());

    /// <summary>What a session's ssh needs to trust the test server's host key and nothing else.</summary>
    public List<string> TrustOptions() =>
        ["-o", "UserKnownHostsFile=" + KnownHosts, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes"];

    public JsonObject KeyLogin(params string[] extraMore) => new()
    {
        ["host"] = Host,
        ["port"] = Port,
        ["user"] = User,
        ["key_path"] = Key,
        ["more"] = new JsonArray([.. TrustOptions().Concat(extraMore).Select(a => (JsonNode)a)]),
    };
}

/// <summary>
/// A <see cref="TestBridge"/>-like runtime whose sftp module puts the test server's known_hosts
/// before every session's own options, so the raw API's connect (which has no 'more') can log in.
/// </summary>
internal sealed class SftpBridge : IDisposable
{
    public SftpBridge(SshServer server, bool trustTestServer = true)
    {
        Directory = Path.Combine(Path.GetTempPath(), "cpanbridge-sftp-tests-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        Options = BridgeOptions.FromEnvironment(name => name == "CPAN_BRIDGE_SOCKET" ? Path.Combine(Directory, "bridge.sock") : null);
        LogText = new StringWriter();
        Runtime = new BridgeRuntime(Options, ServeMode.Daemon, new Log(TextWriter.Synchronized(LogText), LogLevel.Debug));
        var sftp = new SftpModule(Runtime, trustTestServer ? server.TrustOptions() : null);
        Runtime.Load(BuiltinModules.Create(Runtime).Where(m => m is not SftpModule).Append(sftp));
        Server = server;
        RemoteDir = Path.Combine(server.Dir, "cs-" + Guid.NewGuid().ToString("N")[..10]);
    }

    public string Directory { get; }
    public BridgeOptions Options { get; }
    public BridgeRuntime Runtime { get; }
    public StringWriter LogText { get; }
    public SshServer Server { get; }
    /// <summary>A directory of this test's own on the server (created by <see cref="OpenAsync"/>); the same path locally.</summary>
    public string RemoteDir { get; }

    public PipeClient Connect()
    {
        var unbounded = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0);
        var toServer = new Pipe(unbounded);
        var toClient = new Pipe(unbounded);
        var session = Runtime.OpenSession(new PeerCredentials(Environment.ProcessId, 0, 0));
        var task = Task.Run(() => session.RunAsync(toServer.Reader, toClient.Writer, CancellationToken.None));
        return new PipeClient(session, toServer.Writer, toClient.Reader, task);
    }

    /// <summary>A new connection with a key-login session and this test's remote directory made; returns the handle.</summary>
    public async Task<(PipeClient Client, string Handle)> OpenAsync(params string[] extraMore)
    {
        var client = Connect();
        var (opened, _) = await SftpCalls.Ok(client, "open", Server.KeyLogin(extraMore));
        var handle = opened["handle"]!.GetValue<string>();
        if (!System.IO.Directory.Exists(RemoteDir))
            await SftpCalls.Ok(client, "mkdir", new JsonObject { ["handle"] = handle, ["path"] = RemoteDir });
        return (client, handle);
    }

    public string Local(string name) => Path.Combine(Directory, name);
    public string Remote(string name) => RemoteDir + "/" + name;

    public void Dispose()
    {
        Runtime.Dispose();
        foreach (var directory in new[] { Directory, RemoteDir })
        {
            try
            {
                if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

internal static class SftpCalls
{
    public static async Task<(JsonObject Frame, byte[]? Attachment)> Call(PipeClient client, string function, JsonObject parameters,
        byte[]? attachment = null, int timeoutSeconds = 20)
    {
        await client.SendAsync("sftp", function, parameters, attachment);
        return await client.ReadAsync(TimeSpan.FromSeconds(timeoutSeconds));
    }

    public static async Task<(JsonObject Result, byte[]? Attachment)> Ok(PipeClient client, string function, JsonObject parameters,
        byte[]? attachment = null, int timeoutSeconds = 20)
    {
        var (frame, bytes) = await Call(client, function, parameters, attachment, timeoutSeconds);
        Assert.True(frame["success"]!.GetValue<bool>(), $"sftp.{function} failed: {frame.ToJsonString()}");
        return (frame["result"] as JsonObject ?? [], bytes);
    }

    public static async Task<JsonObject> Fail(PipeClient client, string function, JsonObject parameters, byte[]? attachment = null,
        int timeoutSeconds = 20)
    {
        var (frame, _) = await Call(client, function, parameters, attachment, timeoutSeconds);
        Assert.False(frame["success"]!.GetValue<bool>(), $"sftp.{function} succeeded: {frame.ToJsonString()}");
        return frame;
    }

    public static string Code(JsonObject frame) => frame["code"]!.GetValue<string>();
    public static string Error(JsonObject frame) => frame["error"]!.GetValue<string>();
    public static JsonObject Data(JsonObject frame) => frame["data"]!.AsObject();
    public static long? Status(JsonObject frame) => frame["data"]?["status"]?.GetValue<long>();

    public static JsonObject With(this JsonObject o, string name, JsonNode? value)
    {
        o[name] = value;
        return o;
    }

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>A file of pseudo-random bytes (seeded, so a failure can be reproduced).</summary>
    public static void WriteRandomFile(string path, long size, int seed)
    {
        var random = new Random(seed);
        var block = new byte[1 << 20];
        using var file = File.Create(path);
        for (var left = size; left > 0; left -= block.Length)
        {
            random.NextBytes(block);
            file.Write(block, 0, (int)Math.Min(left, block.Length));
        }
    }
}

/// <summary>The processes behind a session: its ssh client (found by a marker in its arguments) and the sshd serving it.</summary>
internal static class SshProcesses
{
    /// <summary>An ssh argument that names a session without changing it (no variable matches the pattern).</summary>
    public static string[] Marker(out string marker)
    {
        marker = "CPANBRIDGE_TEST_MARK_" + Guid.NewGuid().ToString("N")[..12];
        return ["-o", "SendEnv=" + marker];
    }

    public static int FindSsh(string marker)
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var argv = CommandLine(pid);
                if (argv.Count > 0 && Path.GetFileName(argv[0]) == "ssh" && argv.Any(a => a.Contains(marker))) return pid;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        throw new InvalidOperationException($"no ssh process with {marker}");
    }

    public static List<string> CommandLine(int pid) =>
        [.. File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The sshd processes (monitor and session child) on the other end of <paramref name="sshPid"/>'s connection.</summary>
    public static List<int> FindSshd(int sshPid, int serverPort)
    {
        var lines = Run("ss", "-tnpH", "state", "established").Split('\n');
        var clientLine = lines.FirstOrDefault(l => l.Contains($"pid={sshPid},") && l.Contains($":{serverPort} "))
            ?? throw new InvalidOperationException($"no connection of ssh pid {sshPid} in ss output");
        var local = Regex.Match(clientLine, @"\s(\S+):(\d+)\s+\S+:" + serverPort + @"\s").Groups[2].Value;
        var serverLine = lines.First(l => Regex.IsMatch(l, @":" + serverPort + @"\s+\S+:" + local + @"\s"));
        return [.. Regex.Matches(serverLine, @"""sshd"",pid=(\d+)").Select(m => int.Parse(m.Groups[1].Value)).Distinct()];
    }

    public static void Kill(int pid) => Run("kill", "-KILL", pid.ToString());

    public static string Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
