using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core.Sessions;

/// <summary>
/// One client connection: reads request frames, runs them one at a time in order, writes the
/// responses, and disposes the connection's handles when it ends, however it ends. The transport
/// is any pair of pipes (Unix socket, stdin/stdout, or in-memory pipes in tests).
/// </summary>
public sealed class Session
{
    private const int FlushThreshold = 256 * 1024;
    private const int AuditLimitPerConnection = 100;
    /// <summary>How long a stopping session keeps reading, to refuse requests already on their way.</summary>
    private static readonly TimeSpan DrainWindow = TimeSpan.FromMilliseconds(150);

    private readonly BridgeRuntime _runtime;
    private readonly CancellationTokenSource _abort = new();
    private long _lastActivity = Stopwatch.GetTimestamp();
    private long _requests;
    private int _audited;
    private volatile string? _current;
    private readonly Dictionary<object, object> _state = [];

    internal Session(BridgeRuntime runtime, long id, PeerCredentials? peer, HandleTable handles)
    {
        _runtime = runtime;
        Id = id;
        Peer = peer;
        Handles = handles;
    }

    public long Id { get; }
    public PeerCredentials? Peer { get; }
    public HandleTable Handles { get; }
    public DateTimeOffset OpenedAt { get; } = DateTimeOffset.UtcNow;
    public long RequestCount => Interlocked.Read(ref _requests);
    public TimeSpan Idle => _current is null ? Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActivity)) : TimeSpan.Zero;
    /// <summary>The function running right now, if any.</summary>
    public string? CurrentFunction => _current;
    public bool IsBusy => _current is not null;

    /// <summary>
    /// A value a module keeps for this connection between calls (the "current" object of an API
    /// that names none), under a key object private to that module. Lives as long as the
    /// connection; values that own resources belong in handles, not here.
    /// </summary>
    public T? GetState<T>(object key) where T : class
    {
        lock (_state) return _state.TryGetValue(key, out var value) ? (T)value : null;
    }

    /// <summary>Sets (or, with null, forgets) this connection's value under <paramref name="key"/>.</summary>
    public void SetState(object key, object? value)
    {
        lock (_state)
        {
            if (value is null) _state.Remove(key);
            else _state[key] = value;
        }
    }

    /// <summary>Ends the session now: a pending read is cancelled and functions see cancellation.</summary>
    public void Abort() => _abort.Cancel();

    /// <summary>
    /// Serves until the client disconnects, the frame stream becomes unusable, the session is
    /// aborted, or <paramref name="stopping"/> fires (then requests already received but not begun
    /// get E_SHUTTING_DOWN, which tells the client they never ran).
    /// </summary>
    public async Task RunAsync(PipeReader input, PipeWriter output, CancellationToken stopping)
    {
        // Stopping cancels the pending read without breaking the reader, so that requests the
        // client already sent can still be read and answered E_SHUTTING_DOWN (never run, safe to
        // retry) instead of vanishing with the connection.
        using var onStop = stopping.Register(input.CancelPendingRead);
        using var drainTimer = new CancellationTokenSource();
        using var onDrainEnd = drainTimer.Token.Register(input.CancelPendingRead);
        var draining = false;
        var writer = new ResponseWriter(output);
        var options = _runtime.Options;
        Request? pending = null;
        // Bytes of a still-incomplete line already searched for its newline: a long frame arriving
        // in many reads is then scanned once, not once per read.
        long scanned = 0;
        try
        {
            var open = true;
            while (open)
            {
                ReadResult read;
                try
                {
                    read = await input.ReadAsync(_abort.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var lastRead = false;
                if (read.IsCanceled)
                {
                    // First cancel: the daemon is stopping; keep reading briefly. Second: the window is over.
                    lastRead = draining;
                    draining = true;
                    drainTimer.CancelAfter(DrainWindow);
                }

                var buffer = read.Buffer;
                while (true)
                {
                    if (pending is null)
                    {
                        var newline = buffer.Slice(scanned).PositionOf((byte)'\n');
                        var lineLength = newline is { } p ? buffer.Slice(0, p).Length : buffer.Length;
                        scanned = newline is null ? buffer.Length : 0;
                        if (lineLength > options.MaxFrameBytes)
                        {
                            Refuse(writer, default, ErrorCodes.FrameTooLarge,
                                $"frame exceeds the limit of {options.MaxFrameBytes} bytes (CPAN_BRIDGE_MAX_FRAME_BYTES); closing the connection");
                            open = false;
                            break;
                        }
                        if (newline is null) break;

                        var line = buffer.Slice(0, newline.Value);
                        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                        if (line.IsEmpty) continue;
                        try
                        {
                            pending = _runtime.Parser.Parse(line);
                        }
                        catch (FrameException e)
                        {
                            Refuse(writer, e.Id, e.Code, e.Message);
                            continue;
                        }
                        if (pending.AttachmentLength > options.MaxAttachmentBytes)
                        {
                            Refuse(writer, pending.Id, ErrorCodes.FrameTooLarge,
                                $"attachment of {pending.AttachmentLength} bytes exceeds the limit of {options.MaxAttachmentBytes} (CPAN_BRIDGE_MAX_ATTACHMENT_BYTES); closing the connection");
                            open = false;
                            break;
                        }
                    }

                    if (pending.AttachmentLength > 0)
                    {
                        if (buffer.Length < pending.AttachmentLength) break;
                        pending.Attachment = buffer.Slice(0, pending.AttachmentLength).ToArray();
                        buffer = buffer.Slice(pending.AttachmentLength);
                    }

                    using (var request = pending)
                    {
                        pending = null;
                        if (stopping.IsCancellationRequested || _abort.IsCancellationRequested)
                        {
                            writer.WriteFailure(request.Id, ErrorCodes.ShuttingDown,
                                $"the daemon is shutting down; {request.Module}.{request.Function} was not executed");
                            continue;
                        }
                        await ExecuteAsync(request, writer);
                    }
                    if (output.UnflushedBytes > FlushThreshold) await output.FlushAsync();
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (output.UnflushedBytes > 0)
                {
                    var flushed = await output.FlushAsync();
                    if (flushed.IsCompleted) break;
                }
                if (read.IsCompleted || lastRead) break;
            }
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            // The client went away mid-write; its handles are freed below like any other ending.
        }
        finally
        {
            pending?.Dispose();
            try
            {
                var disposed = Handles.DisposeAll();
                if (disposed > 0) _runtime.Log.Debug($"connection #{Id} closed: disposed {disposed} handle(s)");
            }
            catch (Exception e)
            {
                _runtime.Log.Warn($"connection #{Id}: disposing handles failed: {e.Message}");
            }
            _runtime.SessionEnded(this);
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }

    /// <summary>Runs one request through the registry. The one place exceptions become replies.</summary>
    public async ValueTask<bool> ExecuteAsync(Request request, ResponseWriter writer)
    {
        var started = Stopwatch.GetTimestamp();
        Registry.FunctionSpec? function = null;
        string? failureCode = null;
        _current = "(resolving)";
        try
        {
            function = _runtime.Registry.Resolve(request.Module, request.Function);
            _current = function.FullName;
            if (_runtime.Mode == ServeMode.Process && function.Stateful)
                throw new BridgeException(ErrorCodes.Stateful,
                    $"{function.FullName} keeps state between calls, which process mode cannot do; use daemon or private mode (CPAN_BRIDGE_MODE)");
            CheckParameters(function, request.Params);
            var reply = await function.Handler(new Registry.CallContext(function, request, this, _abort.Token));
            writer.WriteSuccess(request.Id, reply);
        }
        catch (BridgeException e)
        {
            failureCode = e.Code;
            writer.WriteFailure(request.Id, e.Code, e.Message, e.Data);
            if (e.Code is ErrorCodes.UnknownModule or ErrorCodes.UnknownFunction or ErrorCodes.Limit)
                AuditRefusal(e.Code, e.Message, request.Module + "." + request.Function);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            failureCode = ErrorCodes.ShuttingDown;
            writer.WriteFailure(request.Id, ErrorCodes.ShuttingDown, $"{_current} was cancelled: the connection is being closed by the daemon");
        }
        catch (Exception e)
        {
            failureCode = ErrorCodes.Internal;
            _runtime.Log.Error($"connection #{Id}: {_current} failed inside the bridge: {e}");
            writer.WriteFailure(request.Id, ErrorCodes.Internal,
                $"{_current} failed inside the bridge ({e.GetType().Name}: {e.Message}); the daemon log has the details");
        }
        finally
        {
            var elapsed = Stopwatch.GetTimestamp() - started;
            Interlocked.Increment(ref _requests);
            Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());
            _current = null;
            if (function is null)
            {
                _runtime.Stats.RecordRejected(validationFailure: true);
            }
            else
            {
                function.Stats.Latency.Record(elapsed);
                if (failureCode is not null) function.Stats.RecordError(failureCode);
                _runtime.Stats.RecordRequest(elapsed, failureCode is not null,
                    failureCode is not null && ErrorCodes.IsValidationFailure(failureCode));
            }
            if (_runtime.Log.IsEnabled(Logging.LogLevel.Debug))
                _runtime.Log.Debug($"connection #{Id}: {request.Module}.{request.Function} -> {failureCode ?? "ok"} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F3} ms");
        }
        return failureCode is null;
    }

    private static void CheckParameters(Registry.FunctionSpec function, JsonElement parameters)
    {
        var accessor = new Registry.Parameters(function, parameters);
        foreach (var spec in function.Params)
        {
            if (parameters.TryGetProperty(spec.Name, out var value) && value.ValueKind != JsonValueKind.Null)
                accessor.Check(spec, value);
            else if (spec.Required)
                throw BridgeException.Usage($"{function.FullName}: missing required parameter '{spec.Name}'");
        }
        if (function.AcceptsAnyParams) return;
        foreach (var property in parameters.EnumerateObject())
        {
            if (function.Params.Exists(p => p.Name == property.Name)) continue;
            var accepted = function.Params.Count == 0 ? "it takes none" : "it takes: " + string.Join(", ", function.Params.Select(p => p.Name));
            throw BridgeException.Usage($"{function.FullName}: unknown parameter '{property.Name}' ({accepted})");
        }
    }

    /// <summary>A request refused before any function ran: reply, count, and audit.</summary>
    private void Refuse(ResponseWriter writer, JsonElement id, string code, string message)
    {
        writer.WriteFailure(id, code, message);
        _runtime.Stats.RecordRejected(validationFailure: true);
        AuditRefusal(code, message, null);
    }

    private void AuditRefusal(string code, string message, string? function)
    {
        var audit = _runtime.Audit;
        if (audit is null) return;
        var count = Interlocked.Increment(ref _audited);
        if (count > AuditLimitPerConnection) return;
        var reason = count == AuditLimitPerConnection
            ? $"{code}: {message} (further refusals on this connection are not audited)"
            : $"{code}: {message}";
        audit.Record("request_refused", code == ErrorCodes.FrameTooLarge ? "high" : "medium", reason, Peer, Id, function);
        _runtime.Log.Warn($"connection #{Id}: refused: {reason}");
    }

    private static bool IsDisconnect(Exception e) =>
        e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException;
}
