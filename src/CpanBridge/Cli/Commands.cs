using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Config;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Server;
using CpanBridge.Modules;

namespace CpanBridge.Cli;

/// <summary>The subcommands. Exit codes: 0 ok, 1 failure, 2 usage/configuration, 3 not running (LSB).</summary>
internal static class Commands
{
    private const int Ok = 0, Failed = 1, BadConfig = 2, NotRunning = 3;
    private const int DefaultAutoStartIdleExit = 900;

    /// <summary>
    /// Runtime settings for a long-running daemon, read by .NET only from the environment before
    /// Main runs, so they are given to the daemon process we start (the systemd units set the
    /// same). Measured with bench/run --only=rss: the GC otherwise sizes its youngest generation
    /// from the CPU cache and keeps tens of MB a daemon never needs, and tiered re-compilation
    /// of hot code adds ~7 MB; without both, resident memory after a million calls stays within
    /// a few MB of where it was after the first thousand, and throughput is no lower.
    /// </summary>
    internal static readonly (string Name, string Value)[] DaemonRuntimeSettings =
    [
        ("DOTNET_GCgen0size", "0x200000"),
        ("DOTNET_TieredCompilation", "0"),
    ];

    private static BridgeOptions Options(string? socket)
    {
        if (socket is not null) Environment.SetEnvironmentVariable("CPAN_BRIDGE_SOCKET", socket);
        return BridgeOptions.FromEnvironment();
    }

    private static int Fail(string message, int code = Failed)
    {
        Console.Error.WriteLine("cpanbridge: " + message);
        return code;
    }

    public static int Daemon(string? socket, string? logPath, int? idleExit, bool detach, bool detachedChild)
    {
        BridgeOptions options;
        try
        {
            options = Options(socket);
            if (logPath is not null) options.LogPath = logPath;
        }
        catch (ConfigException e)
        {
            return Fail(e.Message, BadConfig);
        }
        // Auto-started daemons go away when unused; ones an operator or systemd runs stay.
        var idle = idleExit ?? options.IdleExitSeconds ?? (detach || detachedChild ? DefaultAutoStartIdleExit : 0);
        if (detach) return Detach(options, idle);
        return Serve(options, idle, detachedChild);
    }

    public static int Start(string? socket, int? idleExit)
    {
        try
        {
            var options = Options(socket);
            return Detach(options, idleExit ?? 0);
        }
        catch (ConfigException e)
        {
            return Fail(e.Message, BadConfig);
        }
    }

    /// <summary>
    /// Starts a copy of ourselves in its own session, waits until it accepts connections (or says
    /// another daemon already does), and returns. Used by `start` and by the Perl client's auto-start.
    /// </summary>
    private static int Detach(BridgeOptions options, int idleExit)
    {
        if (PidLock.RunningDaemon(options) is { } running)
        {
            Console.WriteLine($"cpanbridge: already running (pid {running}, socket {options.SocketPath})");
            return Ok;
        }
        var self = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in DaemonRuntimeSettings)
            if (Environment.GetEnvironmentVariable(name) is null) self.Environment[name] = value;
        // Under `dotnet cpanbridge.dll` the process path is the dotnet host.
        if (Path.GetFileNameWithoutExtension(self.FileName) == "dotnet")
            self.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cpanbridge.dll"));
        foreach (var arg in new[] { "daemon", "--detached-child", "--socket", options.SocketPath, "--idle-exit", idleExit.ToString(), "--log", options.LogPath })
            self.ArgumentList.Add(arg);

        using var child = Process.Start(self)!;
        child.StandardInput.Close();
        var errors = child.StandardError.ReadToEndAsync();
        var line = child.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(60)))
            return Fail($"the daemon did not become ready within 60 s; see {options.LogPath}");
        var words = line.Result?.Split(' ') ?? [];
        switch (words.FirstOrDefault())
        {
            case "READY":
                Console.WriteLine($"cpanbridge: started (pid {words[1]}, socket {options.SocketPath}, log {options.LogPath}{(idleExit > 0 ? $", exits after {idleExit} s idle" : "")})");
                return Ok;
            case "ALREADY":
                Console.WriteLine($"cpanbridge: already running (pid {words[1]}, socket {options.SocketPath})");
                return Ok;
            default:
                child.WaitForExit(5000);
                var detail = errors.Wait(2000) ? errors.Result.Trim() : "";
                return Fail(detail.Length > 0 ? detail.Replace("cpanbridge: ", "") : $"the daemon failed to start; see {options.LogPath}");
        }
    }

    private static int Serve(BridgeOptions options, int idleExit, bool detachedChild)
    {
        if (detachedChild) Native.DetachFromTerminal();
        BridgeRuntime runtime;
        try
        {
            RuntimePaths.PrepareDirectory(options.SocketPath);
            var log = Log.Open(options.LogPath, options.LogLevel);
            runtime = new BridgeRuntime(options, ServeMode.Daemon, log, options.AuditLogPath);
        }
        catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message, BadConfig);
        }

        using (runtime)
        {
            runtime.Load(BuiltinModules.Create(runtime));
            var server = new DaemonServer(runtime);
            try
            {
                return server.RunAsync(idleExit, () =>
                {
                    if (detachedChild)
                    {
                        Console.Out.WriteLine($"READY {Environment.ProcessId}");
                        Console.Out.Flush();
                        Native.SilenceStandardStreams();
                    }
                    else
                    {
                        Console.Error.WriteLine($"cpanbridge: listening on {options.SocketPath} (pid {Environment.ProcessId}, log {runtime.Log.Target})");
                    }
                }).GetAwaiter().GetResult();
            }
            catch (AlreadyRunningException e)
            {
                if (detachedChild)
                {
                    Console.Out.WriteLine($"ALREADY {e.Pid}");
                    return Ok;
                }
                return Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ConfigException or UnauthorizedAccessException)
            {
                runtime.Log.Error($"cannot serve: {e.Message}");
                return Fail(e.Message);
            }
        }
    }

    public static int Stop(string? socket, double timeout)
    {
        var options = Options(socket);
        if (PidLock.RunningDaemon(options) is not { } pid)
        {
            Console.WriteLine($"cpanbridge: not running (socket {options.SocketPath})");
            return Ok;
        }
        if (!Native.Terminate(pid)) return Fail($"cannot signal pid {pid} (not ours?)");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < timeout)
        {
            if (PidLock.RunningDaemon(options) is null)
            {
                Console.WriteLine($"cpanbridge: stopped (pid {pid}, {clock.Elapsed.TotalSeconds:F1} s)");
                return Ok;
            }
            Thread.Sleep(50);
        }
        return Fail($"pid {pid} did not exit within {timeout} s after SIGTERM; see {options.LogPath}");
    }

    public static int Status(string? socket, bool json)
    {
        var options = Options(socket);
        using var client = CliClient.TryConnect(options.SocketPath, out var reason);
        if (client is null)
        {
            var pid = PidLock.RunningDaemon(options);
            var stale = pid is null && File.Exists(options.SocketPath) ? " (stale socket file left by a daemon that died; the next start replaces it)" : "";
            var message = pid is { } p
                ? $"cpanbridge: daemon pid {p} holds the lock but does not answer: {reason}"
                : $"cpanbridge: not running: {reason}{stale}";
            if (json) Console.WriteLine(new JsonObject { ["running"] = false, ["reason"] = message }.ToJsonString());
            else Console.WriteLine(message);
            return NotRunning;
        }
        var r = client.CallMany(("system", "metrics"), ("system", "health"), ("system", "performance"), ("system", "connections"), ("system", "stats"));
        if (r.FirstOrDefault(x => x["success"]?.GetValue<bool>() != true) is { } bad) return Fail(CliClient.Describe(bad));
        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["running"] = true,
                ["metrics"] = r[0]["result"]!.DeepClone(),
                ["health"] = r[1]["result"]!.DeepClone(),
                ["performance"] = r[2]["result"]!.DeepClone(),
                ["connections"] = r[3]["result"]!.DeepClone(),
                ["stats"] = r[4]["result"]!.DeepClone(),
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            Console.Write(StatusView.Render(r[0]["result"]!.AsObject(), r[1]["result"]!.AsObject(), r[2]["result"]!.AsObject(),
                r[3]["result"]!.AsObject(), r[4]["result"]!.AsObject()));
        }
        return Ok;
    }

    public static int Ping(string? socket)
    {
        var options = Options(socket);
        var clock = Stopwatch.StartNew();
        using var client = CliClient.TryConnect(options.SocketPath, out var reason);
        if (client is null) return Fail($"no answer: {reason}", NotRunning);
        var response = client.Call("bridge", "hello");
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (response["success"]?.GetValue<bool>() != true) return Fail(CliClient.Describe(response));
        var result = response["result"]!;
        Console.WriteLine($"pong from cpanbridge {result["daemon_version"]} (protocol {result["protocol"]}, pid {result["pid"]}) on {options.SocketPath} in {elapsed:F2} ms");
        return Ok;
    }

    public static int Metrics(string? socket)
    {
        var options = Options(socket);
        using var client = CliClient.TryConnect(options.SocketPath, out var reason);
        if (client is null) return Fail($"not running: {reason}", NotRunning);
        var response = client.Call("system", "prometheus");
        if (response["success"]?.GetValue<bool>() != true) return Fail(CliClient.Describe(response));
        Console.Write(response["result"]!["text"]!.GetValue<string>());
        return Ok;
    }

    /// <summary>Process mode: one request in this process; prints the response frame on stdout.</summary>
    public static int Call(string module, string function, string? parameters)
    {
        using var runtime = QuietRuntime(ServeMode.Process);
        runtime.Load(BuiltinModules.Create(runtime));
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new ResponseWriter(output);
        var succeeded = false;
        var text = parameters == "-" ? Console.In.ReadToEnd() : parameters ?? "{}";
        byte[] frame;
        try
        {
            frame = BuildFrame(module, function, text);
        }
        catch (JsonException e)
        {
            writer.WriteFailure(default, ErrorCodes.Usage, $"PARAMS is not valid JSON: {e.Message}");
            frame = [];
        }
        if (frame.Length > 0)
        {
            try
            {
                using var request = runtime.Parser.Parse(new System.Buffers.ReadOnlySequence<byte>(frame));
                var session = runtime.OpenSession(null);
                succeeded = session.ExecuteAsync(request, writer).AsTask().GetAwaiter().GetResult();
                session.Handles.DisposeAll();
            }
            catch (FrameException e)
            {
                writer.WriteFailure(default, e.Code, e.Message);
            }
        }
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(output.WrittenSpan);
        return succeeded ? Ok : Failed;
    }

    private static byte[] BuildFrame(string module, string function, string parameters)
    {
        using var parsed = JsonDocument.Parse(parameters);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNull("id");
            json.WriteString("module", module);
            json.WriteString("function", function);
            json.WritePropertyName("params");
            parsed.RootElement.WriteTo(json);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Private mode: the protocol on stdin/stdout for the one process that started us.</summary>
    public static int ServeStdio()
    {
        using var runtime = QuietRuntime(ServeMode.Stdio);
        runtime.Load(BuiltinModules.Create(runtime));
        var session = runtime.OpenSession(new PeerCredentials(Environment.ProcessId, Native.GetUid(), 0));
        var input = PipeReader.Create(Console.OpenStandardInput());
        var output = PipeWriter.Create(Console.OpenStandardOutput());
        session.RunAsync(input, output, CancellationToken.None).GetAwaiter().GetResult();
        return Ok;
    }

    /// <summary>
    /// Private and process modes run inside someone's script: their stderr is the script's, so we
    /// log there only errors, unless CPAN_BRIDGE_LOG names a file.
    /// </summary>
    private static BridgeRuntime QuietRuntime(ServeMode mode)
    {
        var options = BridgeOptions.FromEnvironment();
        var configured = Environment.GetEnvironmentVariable("CPAN_BRIDGE_LOG");
        var log = configured is { Length: > 0 }
            ? Log.Open(configured, options.LogLevel)
            : new Log(new PrefixWriter(Console.Error), LogLevel.Error);
        return new BridgeRuntime(options, mode, log);
    }

    public static int Manifest()
    {
        using var runtime = QuietRuntime(ServeMode.Process);
        runtime.Load(BuiltinModules.Create(runtime));
        Console.Write(runtime.Registry.Manifest());
        return Ok;
    }

    private sealed class PrefixWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;
        public override void WriteLine(string? value) => inner.WriteLine("cpanbridge: " + value);
    }
}
