using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Logging;

namespace CpanBridge.Modules.Sftp;

/// <summary>
/// One SFTP version 3 session over an ssh client's pipes. Requests carry ids and may be many in
/// flight: a reader thread of the session's own hands each response to the request that waits
/// for it. When ssh exits or a pipe breaks, every waiting and every later request fails with the
/// same "connection lost" error naming the session, until the handle is closed.
/// </summary>
/// <remarks>
/// The reader blocks in read(2) on ssh's stdout and completes the waiting request on its own
/// thread, so the function that waits goes on right there: one thread wake-up per answer. The
/// async way (the socket engine's epoll thread, a pool thread for the read, another for the
/// continuation) cost two pool hops per answer, which on a busy machine was most of the
/// ~0.3 ms an SFTP request took through the daemon. Code running on the reader thread must
/// therefore never block waiting for ssh's output; it only awaits (writes to ssh are async).
/// </remarks>
internal sealed partial class SftpSession : IDisposable
{
    private const uint ClientVersion = 3;
    /// <summary>OpenSSH sends at most 256 KiB of data per packet; anything far bigger is not SFTP.</summary>
    private const int MaxPacketBytes = 4 * 1024 * 1024;

    private readonly SshProcess _ssh;
    private readonly Log _log;
    private readonly Stream _fromServer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<uint, TaskCompletionSource<SftpPacket>> _pending = [];
    private readonly TaskCompletionSource<SftpPacket> _version = new();
    /// <summary>The reader thread's end: why it stopped reading.</summary>
    private readonly TaskCompletionSource<string> _readerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private uint _lastId;
    private Ending? _ending;
    private int _disposed;

    /// <summary>Why the session ended, for every call that comes after.</summary>
    private sealed record Ending(string Kind, string Reason, int? SshExit, string SshStderr);

    private SftpSession(SshTarget target, SshProcess ssh, Log log)
    {
        Target = target;
        _ssh = ssh;
        _log = log;
        _fromServer = ssh.Output;
        new Thread(ReadLoop) { IsBackground = true, Name = "sftp reader" }.Start();
        _reader = WhenReaderStoppedAsync();
    }

    public SshTarget Target { get; }
    public uint ServerVersion { get; private set; }
    public Dictionary<string, string> Extensions { get; } = new(StringComparer.Ordinal);
    public int SshPid => _ssh.Pid;
    /// <summary>What ssh wrote to stderr until the session was up (a login that worked may still have warned; -v says a lot).</summary>
    public string LoginStderr => _ssh.LoginStderr;
    /// <summary>What ssh wrote to stderr after the session was up; once disposed, until ssh exited.</summary>
    public string LaterStderr => _ssh.LaterStderr;

    /// <summary>"sftp.session#3 (user@host:port)" once the module has a handle for it.</summary>
    public string Name
    {
        get => _ssh.Label;
        set => _ssh.Label = value;
    }

    public bool IsLost => Volatile.Read(ref _ending) is not null;

    /// <summary>
    /// Starts ssh and runs INIT/VERSION. A failure is E_NATIVE with connection "failed" (or
    /// "timeout") and ssh's own last words, e.g. "Permission denied (publickey,password)." —
    /// and nothing is left running.
    /// </summary>
    public static async Task<SftpSession> OpenAsync(SshTarget target, string askpassParent, Log log, string label, CancellationToken cancel)
    {
        SshProcess ssh;
        try
        {
            ssh = SshProcess.Start(target, askpassParent, log, label);
        }
        catch (Win32Exception e)
        {
            log.Info($"sftp: {label}: cannot run {target.SshCommand}: {e.Message}");
            throw BridgeException.Native($"cannot open an SFTP session to {target}: cannot run '{target.SshCommand}': {e.Message}",
                new JsonObject { ["status"] = null, ["connection"] = "failed", ["ssh_exit"] = null, ["ssh_stderr"] = "" });
        }
        var session = new SftpSession(target, ssh, log);
        try
        {
            await session.InitAsync(cancel);
            ssh.MarkLoggedIn();
            ssh.ForgetPassword();
            return session;
        }
        catch (Exception e) when (e is BridgeException { Data: { } data } && data["connection"] is not null || e is SftpProtocolException)
        {
            if (e is SftpProtocolException broken) session.BrokeProtocol(broken.Message);
            session.Dispose();
            var ending = session._ending!;
            log.Info($"sftp: {label}: session to {target} failed: {ending.Reason}");
            throw BridgeException.Native($"cannot open an SFTP session to {target}: {ending.Reason}", new JsonObject
            {
                ["status"] = null,
                ["connection"] = ending.Kind == "timeout" ? "timeout" : "failed",
                ["ssh_exit"] = ending.SshExit,
                ["ssh_stderr"] = ending.SshStderr,
            });
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private async Task InitAsync(CancellationToken cancel)
    {
        using (var init = new SftpPacketWriter(SftpType.Init))
        {
            init.WriteUInt32(ClientVersion);
            await WriteAsync(init, cancel);
        }
        using var version = await AwaitAsync(_version.Task, cancel);
        if (version.Type != SftpType.Version) throw BrokeProtocol($"it answered INIT with {version.Type}, not VERSION");
        ServerVersion = version.ReadUInt32();
        while (version.Remaining > 0)
        {
            var name = version.ReadString();
            Extensions[name] = Encoding.Latin1.GetString(version.ReadBytes());
        }
    }

    // ---- requests ------------------------------------------------------------------------------

    /// <summary>A request packet with a fresh id; fill in its fields, then <see cref="SendAsync"/>.</summary>
    public SftpPacketWriter Begin(SftpType type, int capacity = 256)
    {
        var packet = new SftpPacketWriter(type, capacity);
        packet.WriteUInt32(Interlocked.Increment(ref _lastId));
        return packet;
    }

    /// <summary>Sends the request (and disposes it); the task completes with its response.</summary>
    public async Task<Task<SftpPacket>> SendAsync(SftpPacketWriter request, CancellationToken cancel)
    {
        using (request)
        {
            ThrowIfEnded();
            var id = BinaryPrimitives.ReadUInt32BigEndian(request.Written.Span[5..]);
            // Completed on the reader thread, which then runs the waiting function on (see remarks).
            var response = new TaskCompletionSource<SftpPacket>();
            lock (_pending) _pending[id] = response;
            try
            {
                await WriteAsync(request, cancel);
            }
            catch
            {
                lock (_pending) _pending.Remove(id);
                throw;
            }
            return response.Task;
        }
    }

    /// <summary>Waits for a response, at most the session's timeout (after which the session is closed).</summary>
    public Task<SftpPacket> ReceiveAsync(Task<SftpPacket> response, CancellationToken cancel) => AwaitAsync(response, cancel);

    /// <summary>One request and its response.</summary>
    public async Task<SftpPacket> RequestAsync(SftpPacketWriter request, CancellationToken cancel) =>
        await ReceiveAsync(await SendAsync(request, cancel), cancel);

    private async Task<SftpPacket> AwaitAsync(Task<SftpPacket> response, CancellationToken cancel)
    {
        try
        {
            // An answer already there needs no timer.
            if (response.IsCompleted) return await response;
            return Target.Timeout is { } timeout ? await response.WaitAsync(timeout, cancel) : await response.WaitAsync(cancel);
        }
        catch (TimeoutException)
        {
            var seconds = Target.Timeout!.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            // A late answer could no longer be matched to its request: the session ends here.
            Lose("timeout", $"no answer from the server within the timeout of {seconds} s");
            throw EndedError(asTimeout: true);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away mid-request; what the server does next cannot be matched either.
            Lose("cancelled", "the request was abandoned");
            throw;
        }
    }

    private async Task WriteAsync(SftpPacketWriter packet, CancellationToken cancel)
    {
        await _writeGate.WaitAsync(cancel);
        try
        {
            await _ssh.Input.WriteAsync(packet.Written, cancel);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // ssh has gone; the reader loop sees its end too and records why (exit status, stderr).
            await WhenEndedAsync();
            throw EndedError();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // ---- responses -----------------------------------------------------------------------------

    private void ReadLoop()
    {
        var reason = "the server closed the connection";
        var buffer = new byte[256 * 1024];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    // A packet bigger than what is free: move it to the front, or grow to hold it.
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        (end, start) = (end - start, 0);
                    }
                    else
                    {
                        Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxPacketBytes + 4));
                    }
                }
                var count = _fromServer.Read(buffer, end, buffer.Length - end);
                if (count == 0) break;
                end += count;
                while (TryTakePacket(buffer, ref start, end, out var packet)) Deliver(packet);
                if (start == end) start = end = 0;
            }
        }
        catch (SftpProtocolException e)
        {
            BrokeProtocol(e.Message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            reason = "reading from ssh failed: " + e.Message;
        }
        catch (Exception e)
        {
            // Nothing may take the daemon down; a bug here ends this session only.
            _log.Error($"sftp: {Name}: the reader failed: {e}");
            reason = "the bridge's reader failed: " + e.Message;
        }
        _readerStopped.TrySetResult(reason);
    }

    /// <summary>After the reader stopped: why the session ended, with ssh's exit status and last words.</summary>
    private async Task WhenReaderStoppedAsync()
    {
        var reason = await _readerStopped.Task;
        try
        {
            var status = await _ssh.ExitStatusAsync(TimeSpan.FromSeconds(2));
            var why = _ssh.LastStderrLine is { } said
                ? $"ssh exited{ExitText(status)}: {said}"
                : status is null ? reason : $"ssh exited{ExitText(status)}";
            Lose("lost", why, status);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // Closed while ssh was being waited for: the session has its ending already.
        }
    }

    private static string ExitText(int? status) => status switch
    {
        null => "",
        // .NET reports a signal death as 128 + the signal; ssh's own failures are 255.
        > 128 and <= 128 + 64 => $" (killed by signal {status - 128})",
        _ => $" with status {status}",
    };

    private static bool TryTakePacket(byte[] buffer, ref int start, int end, out SftpPacket packet)
    {
        packet = null!;
        if (end - start < 5) return false;
        var length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
        if (length < 1 || length > MaxPacketBytes) throw new SftpProtocolException($"a packet of {length} bytes");
        if (end - start < 4 + length) return false;
        var bodyLength = (int)length - 1;
        var body = ArrayPool<byte>.Shared.Rent(Math.Max(bodyLength, 1));
        buffer.AsSpan(start + 5, bodyLength).CopyTo(body);
        packet = new SftpPacket((SftpType)buffer[start + 4], body, bodyLength);
        start += 4 + (int)length;
        return true;
    }

    private void Deliver(SftpPacket packet)
    {
        if (packet.Type == SftpType.Version)
        {
            if (!_version.TrySetResult(packet)) packet.Dispose();
            return;
        }
        var id = packet.ReadUInt32();
        TaskCompletionSource<SftpPacket>? waiting;
        lock (_pending)
        {
            if (_pending.Remove(id, out waiting) is false) waiting = null;
        }
        // An answer nobody waits for (its request was abandoned after an error) is dropped.
        if (waiting is null || !waiting.TrySetResult(packet)) packet.Dispose();
    }

    // ---- the end -------------------------------------------------------------------------------

    /// <summary>
    /// A reply that is not SFTP version 3 (cut short, or a field past its end): nothing after it
    /// can be trusted, so the session ends. Returns the error to report.
    /// </summary>
    public BridgeException BrokeProtocol(string detail) => Lose("protocol", "the server broke the SFTP protocol: " + detail);

    /// <summary>
    /// Records why the session ended (the first reason wins) and fails everything waiting. Unless
    /// ssh has gone by itself or is being closed, it is killed: a late answer could only be
    /// matched to the wrong request.
    /// </summary>
    private BridgeException Lose(string kind, string reason, int? sshExit = null)
    {
        var ending = new Ending(kind, reason, sshExit, _ssh.StderrOfThisPart);
        if (Interlocked.CompareExchange(ref _ending, ending, null) is null)
        {
            if (kind is not ("lost" or "closed")) _ssh.Kill();
            if (kind != "closed") _log.Info($"sftp: {Name}: session ended: {reason}");
            List<TaskCompletionSource<SftpPacket>> waiting;
            lock (_pending)
            {
                waiting = [.. _pending.Values];
                _pending.Clear();
            }
            var error = EndedError();
            foreach (var w in waiting) w.TrySetException(error);
            _version.TrySetException(error);
        }
        return EndedError();
    }

    private async Task WhenEndedAsync()
    {
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (TimeoutException)
        {
            Lose("lost", "writing to ssh failed (broken pipe)");
        }
    }

    private void ThrowIfEnded()
    {
        if (Volatile.Read(ref _ending) is not null) throw EndedError();
    }

    /// <summary>
    /// The error of a session that has ended: "timeout" for the request that waited too long,
    /// "lost" for everything else and for every call after.
    /// </summary>
    private BridgeException EndedError(bool asTimeout = false)
    {
        var ending = Volatile.Read(ref _ending)!;
        var kind = asTimeout ? "timeout" : "lost";
        var message = kind == "timeout"
            ? $"{Name}: timed out: {ending.Reason}"
            : $"{Name}: connection lost: {ending.Reason}";
        return BridgeException.Native(message, new JsonObject
        {
            ["status"] = null,
            ["connection"] = kind,
            ["ssh_exit"] = ending.SshExit,
            ["ssh_stderr"] = ending.SshStderr,
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Lose("closed", "the session was closed");
        _ssh.Dispose();
        _log.Info($"sftp: {Name}: closed");
    }
}
