using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Config;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;
using CpanBridge.Modules;

namespace CpanBridge.Tests.Support;

/// <summary>A runtime with the built-in modules and a temp directory, serving sessions over in-memory pipes.</summary>
public sealed class TestBridge : IDisposable
{
    public TestBridge(Action<BridgeOptions>? configure = null, ServeMode mode = ServeMode.Daemon, IEnumerable<IBridgeModule>? extraModules = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "cpanbridge-tests-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        Options = BridgeOptions.FromEnvironment(name => name == "CPAN_BRIDGE_SOCKET" ? Path.Combine(Directory, "bridge.sock") : null);
        configure?.Invoke(Options);
        LogText = new StringWriter();
        Runtime = new BridgeRuntime(Options, mode, new Log(TextWriter.Synchronized(LogText), LogLevel.Debug), Options.AuditLogPath);
        Runtime.Load(BuiltinModules.Create(Runtime).Concat(extraModules ?? []));
    }

    public string Directory { get; }
    public BridgeOptions Options { get; }
    public BridgeRuntime Runtime { get; }
    public StringWriter LogText { get; }

    public PipeClient Connect(CancellationToken stopping = default)
    {
        // No back-pressure: like a socket read into a growing buffer, a large attachment may sit
        // unconsumed until it is complete.
        var unbounded = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0);
        var toServer = new Pipe(unbounded);
        var toClient = new Pipe(unbounded);
        var session = Runtime.OpenSession(new PeerCredentials(Environment.ProcessId, 0, 0));
        var task = Task.Run(() => session.RunAsync(toServer.Reader, toClient.Writer, stopping));
        return new PipeClient(session, toServer.Writer, toClient.Reader, task);
    }

    public void Dispose()
    {
        Runtime.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The client end of an in-memory session: write raw bytes, read response frames.</summary>
public sealed class PipeClient(Session session, PipeWriter toServer, PipeReader fromServer, Task serving)
{
    private long _nextId;

    public Session Session { get; } = session;
    public Task Serving { get; } = serving;

    public async Task SendRawAsync(string text) => await SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes)
    {
        await toServer.WriteAsync(bytes);
    }

    public async Task<long> SendAsync(string module, string function, JsonNode? parameters = null, byte[]? attachment = null)
    {
        var id = ++_nextId;
        var frame = new JsonObject { ["id"] = id, ["module"] = module, ["function"] = function, ["params"] = parameters ?? new JsonObject() };
        if (attachment is not null) frame["attachment"] = attachment.Length;
        await SendRawAsync(frame.ToJsonString() + "\n");
        if (attachment is not null) await SendRawAsync(attachment);
        return id;
    }

    public async Task<JsonObject> CallAsync(string module, string function, JsonNode? parameters = null)
    {
        await SendAsync(module, function, parameters);
        return (await ReadAsync()).Frame;
    }

    /// <summary>Reads one response frame and its attachment, if any; null frame at end of stream.</summary>
    public async Task<(JsonObject Frame, byte[]? Attachment)> ReadAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var read = await fromServer.ReadAsync(cancel.Token);
            var buffer = read.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, end));
                var frame = JsonNode.Parse(line)!.AsObject();
                var rest = buffer.Slice(buffer.GetPosition(1, end));
                if (frame["attachment"] is { } lengthNode)
                {
                    var length = lengthNode.GetValue<long>();
                    if (rest.Length < length)
                    {
                        fromServer.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                    var attachment = rest.Slice(0, length).ToArray();
                    fromServer.AdvanceTo(rest.GetPosition(length));
                    return (frame, attachment);
                }
                fromServer.AdvanceTo(rest.Start);
                return (frame, null);
            }
            if (read.IsCompleted) throw new EndOfStreamException("the session closed the stream");
            fromServer.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True when the server has closed its side (after reading any remaining frames).</summary>
    public async Task<bool> IsClosedAsync()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await fromServer.ReadAsync(cancel.Token);
        fromServer.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        return read.IsCompleted;
    }

    public async Task CloseAsync()
    {
        await toServer.CompleteAsync();
        await Serving.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
