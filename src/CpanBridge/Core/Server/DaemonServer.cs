using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using CpanBridge.Core.Config;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core.Server;

public sealed class AlreadyRunningException(int pid, string socket)
    : Exception($"a cpanbridge daemon is already running (pid {pid}, socket {socket})")
{
    public int Pid { get; } = pid;
}

/// <summary>
/// The Unix-socket listener: takes the pid lock, replaces a stale socket, checks each peer's uid,
/// hands connections to <see cref="Sessions.Session"/>, exits when idle, and shuts down gracefully
/// on SIGTERM/SIGINT.
/// </summary>
public sealed class DaemonServer(BridgeRuntime runtime)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, (Sessions.Session Session, Task Task, Socket Socket)> _connections = new();
    private readonly uint _ownUid = Native.GetUid();
    private long _lastActivity = Environment.TickCount64;

    public void RequestStop(string why)
    {
        if (_stop.IsCancellationRequested) return;
        runtime.Log.Info($"stopping: {why}");
        _stop.Cancel();
    }

    /// <summary>Serves until asked to stop; returns the process exit code.</summary>
    public async Task<int> RunAsync(int idleExitSeconds, Action? onReady = null)
    {
        var options = runtime.Options;
        var log = runtime.Log;
        RuntimePaths.PrepareDirectory(options.SocketPath);
        var pidLock = PidLock.TryAcquire(options.PidPath, out var runningPid)
                      ?? throw new AlreadyRunningException(runningPid, options.SocketPath);
        Socket? listener = null;
        var bound = false;
        try
        {
            RemoveStaleSocket(options.SocketPath);
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            // bind() creates the socket file with the umask's mode; keep it private until chmod.
            // Only here: files modules write for jobs must keep the usual permissions.
            var umask = Native.SetUmask(0x3F); // 077
            try
            {
                listener.Bind(new UnixDomainSocketEndPoint(options.SocketPath));
                bound = true;
            }
            finally
            {
                Native.SetUmask(umask);
            }
            File.SetUnixFileMode(options.SocketPath, options.SocketMode);
            listener.Listen(512);

            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ReopenLogs);

            log.Info($"cpanbridge {BridgeVersion.Daemon} (protocol {BridgeVersion.Protocol}) listening on {options.SocketPath} " +
                     $"pid {Environment.ProcessId}, uid {_ownUid}, modules {string.Join(",", runtime.Registry.ModuleNames)}, " +
                     $"idle exit {(idleExitSeconds > 0 ? idleExitSeconds + " s" : "off")}" +
                     (options.AllowedUids.Count > 0 ? $", also serving uids {string.Join(",", options.AllowedUids)}" : ""));
            onReady?.Invoke();

            var accepting = AcceptLoopAsync(listener);
            var idle = idleExitSeconds > 0 ? IdleWatchAsync(idleExitSeconds) : Task.CompletedTask;
            try
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            // Stop accepting first, so no new work arrives while we drain.
            listener.Dispose();
            listener = null;
            TryDelete(options.SocketPath);
            await DrainAsync(TimeSpan.FromSeconds(options.ShutdownGraceSeconds));
            await Task.WhenAny(accepting, Task.Delay(500));
            await idle.ContinueWith(_ => { });
            log.Info($"stopped after {runtime.Uptime:d\\.hh\\:mm\\:ss}; served {runtime.Stats.Requests} requests on {runtime.Stats.ConnectionsTotal} connections");
            return 0;
        }
        finally
        {
            listener?.Dispose();
            if (bound) TryDelete(options.SocketPath);
            pidLock.Release(deleteFile: true);
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            RequestStop($"received {context.Signal}");
        }

        void ReopenLogs(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                runtime.Log.Reopen();
                runtime.Audit?.Reopen();
                runtime.Log.Info("received SIGHUP: log files reopened");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep serving: a log we cannot reopen must not stop the jobs.
                Console.Error.WriteLine($"cpanbridge: cannot reopen log files: {e.Message}");
            }
        }
    }

    private void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return;
        // We hold the pid lock, so no cpanbridge daemon owns this socket; but refuse to remove one
        // that some other program is still listening on.
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            throw new IOException($"{path} is in use by another process that is not a cpanbridge daemon; refusing to replace it");
        }
        catch (SocketException)
        {
            runtime.Log.Warn($"removing stale socket {path} (no daemon holds {runtime.Options.PidPath})");
            File.Delete(path);
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                runtime.Log.Warn($"accept failed: {e.Message}");
                await Task.Delay(100);
                continue;
            }
            Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
            Admit(client);
        }
    }

    private void Admit(Socket client)
    {
        var peer = Native.GetPeerCredentials(client);
        if (peer is not { } credentials || (credentials.Uid != _ownUid && !runtime.Options.AllowedUids.Contains(credentials.Uid)))
        {
            var reason = peer is { } p
                ? $"uid {p.Uid} is not allowed to use this daemon (it serves uid {_ownUid}{AllowedList()}); set CPAN_BRIDGE_ALLOWED_UIDS to share it"
                : "peer credentials could not be read";
            RefuseConnection(client, ErrorCodes.Refused, reason, peer, "peer_refused");
            return;
        }
        if (runtime.Sessions.Count >= runtime.Options.MaxConnections)
        {
            RefuseConnection(client, ErrorCodes.Limit,
                $"the daemon already serves {runtime.Options.MaxConnections} connections (CPAN_BRIDGE_MAX_CONNECTIONS)", peer, "connection_limit");
            return;
        }

        var session = runtime.OpenSession(peer);
        var task = Task.Run(async () =>
        {
            var stream = new NetworkStream(client, ownsSocket: true);
            try
            {
                await session.RunAsync(
                    PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true)),
                    PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)),
                    _stopping.Token);
            }
            catch (Exception e)
            {
                runtime.Log.Error($"connection #{session.Id} ended with an error: {e}");
            }
            finally
            {
                await stream.DisposeAsync();
                _connections.TryRemove(session.Id, out _);
                Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
            }
        });
        _connections[session.Id] = (session, task, client);
    }

    private string AllowedList() =>
        runtime.Options.AllowedUids.Count == 0 ? "" : " and uids " + string.Join(",", runtime.Options.AllowedUids);

    private void RefuseConnection(Socket client, string code, string reason, PeerCredentials? peer, string eventType)
    {
        runtime.Stats.RecordRejected(validationFailure: false);
        runtime.Audit?.Record(eventType, code == ErrorCodes.Refused ? "high" : "medium", reason, peer);
        runtime.Log.Warn($"refused connection{(peer is { } p ? $" from uid {p.Uid} pid {p.Pid}" : "")}: {reason}");
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            new ResponseWriter(buffer).WriteFailure(default, code, reason);
            client.Send(buffer.WrittenSpan);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task IdleWatchAsync(int idleExitSeconds)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(1, idleExitSeconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (runtime.Sessions.Count > 0)
                {
                    Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                    continue;
                }
                if (Environment.TickCount64 - Interlocked.Read(ref _lastActivity) >= idleExitSeconds * 1000L)
                {
                    RequestStop($"no connection for {idleExitSeconds} s (idle exit)");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Lets each connection finish the request it is running (later ones get E_SHUTTING_DOWN),
    /// then cuts whatever is left after the grace period; handles are disposed either way.
    /// </summary>
    private async Task DrainAsync(TimeSpan grace)
    {
        _stopping.Cancel();
        var open = _connections.Values.ToArray();
        if (open.Length == 0) return;
        var busy = open.Count(c => c.Session.IsBusy);
        runtime.Log.Info($"waiting up to {grace.TotalSeconds:0.#} s for {open.Length} connection(s), {busy} with a request in flight");
        var all = Task.WhenAll(open.Select(c => c.Task));
        if (await Task.WhenAny(all, Task.Delay(grace)) == all) return;

        foreach (var (session, _, socket) in _connections.Values)
        {
            runtime.Log.Warn($"connection #{session.Id} still running {session.CurrentFunction ?? "nothing"} after the grace period; closing it");
            session.Abort();
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
        if (await Task.WhenAny(all, Task.Delay(500)) == all) return;
        // A function blocked in native code cannot be interrupted; free the handles of those
        // connections ourselves so transactions still roll back before we exit.
        foreach (var (session, _, _) in _connections.Values)
        {
            try
            {
                session.Handles.DisposeAll();
            }
            catch (Exception e)
            {
                runtime.Log.Warn($"connection #{session.Id}: disposing handles failed: {e.Message}");
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
