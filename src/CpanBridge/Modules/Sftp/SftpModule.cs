using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;
using Microsoft.Win32.SafeHandles;

namespace CpanBridge.Modules.Sftp;

/// <summary>
/// The daemon side of Net::SFTP::Foreign (docs/protocol.md, "Module sftp"): SFTP sessions over
/// the system ssh client as handles, single requests, pipelined put/get between the server and
/// the script's local files, and the user guide's raw API on the connection's current session.
/// Net::SFTP::Foreign's own behaviour (cwd, option semantics, error texts) is the shim's.
/// </summary>
public sealed class SftpModule(BridgeRuntime runtime, IReadOnlyList<string>? sshDefaults = null) : IBridgeModule
{
    private const int DefaultBlockSize = 32 * 1024;
    /// <summary>OpenSSH's sftp-server takes packets up to 256 KiB, header included.</summary>
    private const int MaxBlockSize = 252 * 1024;
    private const int DefaultQueueSize = 16;
    private const int MaxQueueSize = 1024;

    private static readonly HandleKind<SftpSession> SessionKind = new("sftp.session", s => s.Dispose());
    /// <summary>Session-state key: the raw API's current SFTP session (the last one opened).</summary>
    private static readonly object CurrentSession = new();

    private readonly Log _log = runtime.Log;
    /// <summary>ssh arguments put before every session's own (tests point ssh at their known_hosts); none in the daemon.</summary>
    private readonly IReadOnlyList<string> _sshDefaults = sshDefaults ?? [];

    public string Name => "sftp";

    public void Register(ModuleBuilder module)
    {
        module.Function("open", Open).Required("host", ParamType.String).Optional("user", ParamType.String)
            .Optional("port", ParamType.Integer).Optional("password", ParamType.String).Optional("key_path", ParamType.String)
            .Optional("more", ParamType.Array).Optional("timeout", ParamType.Number).Optional("ssh_cmd", ParamType.String)
            .Optional("env", ParamType.Object).Stateful();
        module.Function("connect", Connect).Required("hostname", ParamType.String).Optional("username", ParamType.String)
            .Optional("password", ParamType.String).Optional("private_key_file", ParamType.String)
            .Optional("port", ParamType.Integer).Optional("timeout", ParamType.Number).Optional("more", ParamType.Array)
            .Optional("env", ParamType.Object).Stateful();
        module.Function("close", Close).Optional("handle", ParamType.Handle).Stateful();
        module.Function("disconnect", Close).Optional("handle", ParamType.Handle).Stateful();
        module.Function("realpath", Guard(Realpath)).Optional("handle", ParamType.Handle).Required("path", ParamType.String).Stateful();
        module.Function("stat", Guard(Stat(SftpType.Stat))).Optional("handle", ParamType.Handle).Required("path", ParamType.String).Stateful();
        module.Function("lstat", Guard(Stat(SftpType.Lstat))).Optional("handle", ParamType.Handle).Required("path", ParamType.String).Stateful();
        module.Function("setstat", Guard(Setstat)).Optional("handle", ParamType.Handle).Required("path", ParamType.String)
            // An object, checked by SftpAttrs.FromJson (declared Any so the shared registry test's
            // placeholder value reaches the unknown-parameter check).
            .Required("attrs", ParamType.Any).Stateful();
        module.Function("list_files", Guard(ListFiles)).Optional("handle", ParamType.Handle).Required("remote_path", ParamType.String).Stateful();
        module.Function("mkdir", Guard(Mkdir)).Optional("handle", ParamType.Handle).Required("path", ParamType.String)
            .Optional("attrs", ParamType.Object).Stateful();
        module.Function("rmdir", Guard(PathOnly(SftpType.Rmdir))).Optional("handle", ParamType.Handle).Required("path", ParamType.String).Stateful();
        module.Function("remove", Guard(PathOnly(SftpType.Remove))).Optional("handle", ParamType.Handle).Required("path", ParamType.String).Stateful();
        module.Function("rename", Guard(Rename)).Optional("handle", ParamType.Handle).Required("old_path", ParamType.String)
            .Required("new_path", ParamType.String).Optional("overwrite", ParamType.Boolean).Stateful();
        module.Function("readlink", Guard(Readlink)).Optional("handle", ParamType.Handle).Required("path", ParamType.String).Stateful();
        module.Function("symlink", Guard(Symlink)).Optional("handle", ParamType.Handle).Required("link_path", ParamType.String)
            .Required("target", ParamType.String).Stateful();
        module.Function("put", Guard(Put)).Optional("handle", ParamType.Handle).Required("local_file", ParamType.String)
            .Required("remote_file", ParamType.String).Optional("offset", ParamType.Integer).Optional("truncate", ParamType.Boolean)
            .Optional("exclusive", ParamType.Boolean).Optional("perm", ParamType.Integer).Optional("block_size", ParamType.Integer)
            .Optional("queue_size", ParamType.Integer).Optional("atime", ParamType.Integer).Optional("mtime", ParamType.Integer)
            .Optional("set_perm", ParamType.Boolean).Stateful();
        module.Function("put_content", Guard(PutContent)).Optional("handle", ParamType.Handle).Required("remote_file", ParamType.String)
            .Optional("exclusive", ParamType.Boolean).Optional("perm", ParamType.Integer).Optional("atime", ParamType.Integer)
            .Optional("mtime", ParamType.Integer).Optional("set_perm", ParamType.Boolean).Stateful();
        module.Function("get", Guard(Get)).Optional("handle", ParamType.Handle).Required("remote_file", ParamType.String)
            .Required("local_file", ParamType.String).Optional("offset", ParamType.Integer).Optional("perm", ParamType.Integer)
            .Optional("block_size", ParamType.Integer).Optional("queue_size", ParamType.Integer).Optional("atime", ParamType.Integer)
            .Optional("mtime", ParamType.Integer).Optional("size_hint", ParamType.Integer).Stateful();
        module.Function("get_content", Guard(GetContent)).Optional("handle", ParamType.Handle).Required("remote_file", ParamType.String).Stateful();
    }

    // ---- sessions ------------------------------------------------------------------------------

    private async ValueTask<Reply> Open(CallContext call)
    {
        var p = call.Params;
        var target = Target(call, p.GetString("host"), p.GetStringOrNull("user"), p.Has("port") ? p.GetInt64("port") : null,
            p.GetStringOrNull("password"), p.GetStringOrNull("key_path"), p.GetStringOrNull("ssh_cmd") ?? "ssh");
        var (handle, session, home) = await StartSession(call, target);
        var extensions = new JsonObject();
        foreach (var (name, data) in session.Extensions) extensions[name] = data;
        return Reply.Of(new JsonObject
        {
            ["handle"] = handle,
            ["server_version"] = session.ServerVersion,
            ["extensions"] = extensions,
            ["home"] = home,
            ["ssh_stderr"] = session.LoginStderr,
        });
    }

    /// <summary>The user guide's raw API: connect{hostname, username, password | private_key_file}.</summary>
    private async ValueTask<Reply> Connect(CallContext call)
    {
        var p = call.Params;
        var target = Target(call, p.GetString("hostname"), p.GetStringOrNull("username"), p.Has("port") ? p.GetInt64("port") : null,
            p.GetStringOrNull("password"), p.GetStringOrNull("private_key_file"), "ssh");
        var (handle, session, home) = await StartSession(call, target);
        return Reply.Of(new JsonObject { ["handle"] = handle, ["connected"] = true, ["home"] = home, ["ssh_stderr"] = session.LoginStderr });
    }

    /// <summary>The login of open/connect; 'more', 'env' and 'timeout' are read here for both.</summary>
    private static SshTarget Target(CallContext call, string host, string? user, long? port, string? password, string? keyPath,
        string sshCommand)
    {
        var function = call.Function.FullName;
        var p = call.Params;
        var more = new List<string>();
        if (p.Has("more"))
            foreach (var arg in p.Get("more").EnumerateArray())
                more.Add(arg.ValueKind is JsonValueKind.String or JsonValueKind.Number ? arg.ToString()
                    : throw BridgeException.Usage($"{function}: 'more' must be an array of ssh arguments (strings)"));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (p.Has("env"))
            foreach (var variable in p.Get("env").EnumerateObject())
                environment[variable.Name] = variable.Value.ValueKind == JsonValueKind.String ? variable.Value.GetString()!
                    : throw BridgeException.Usage($"{function}: env.{variable.Name} must be a string");
        // ssh would read a host or user starting with '-' as an option (-oProxyCommand=...).
        if (host.Length == 0 || host.StartsWith('-'))
            throw BridgeException.Usage($"{function}: host '{host}' is not a host name");
        if (user is not null && (user.Length == 0 || user.StartsWith('-')))
            throw BridgeException.Usage($"{function}: user '{user}' is not a user name");
        if (port is < 1 or > 65535)
            throw BridgeException.Usage($"{function}: port {port} is not a TCP port (1-65535)");
        TimeSpan? timeout = null;
        if (call.Params.Has("timeout"))
        {
            var seconds = call.Params.GetDouble("timeout");
            if (!(seconds > 0) || seconds > int.MaxValue)
                throw BridgeException.Usage($"{function}: timeout must be a positive number of seconds, got {seconds}");
            timeout = TimeSpan.FromSeconds(seconds);
        }
        if (sshCommand.Length == 0) throw BridgeException.Usage($"{function}: ssh_cmd is empty");
        return new SshTarget(host, user, (int?)port, password, keyPath, more, timeout, sshCommand, environment);
    }

    private async Task<(string Handle, SftpSession Session, string Home)> StartSession(CallContext call, SshTarget target)
    {
        var label = $"connection {call.Session.Id}";
        if (_sshDefaults.Count > 0) target = target with { More = [.. _sshDefaults, .. target.More] };
        var session = await SftpSession.OpenAsync(target, AskpassParent(), _log, label, call.Cancellation);
        string handle;
        string home;
        try
        {
            handle = call.Handles.Open(SessionKind, session);
            session.Name = $"{handle} ({target})";
        }
        catch
        {
            session.Dispose();
            throw;
        }
        try
        {
            home = await session.RealpathAsync("realpath .", ".", call.Cancellation);
        }
        catch (SftpProtocolException e)
        {
            var broken = session.BrokeProtocol(e.Message);
            call.Handles.Close(handle);
            throw broken;
        }
        catch
        {
            call.Handles.Close(handle);
            throw;
        }
        _log.Info($"sftp: {session.Name}: ready (SFTP version {session.ServerVersion}, ssh pid {session.SshPid}, home {home})");
        call.Session.SetState(CurrentSession, handle);
        return (handle, session, home);
    }

    /// <summary>The daemon's own private directory (its socket's); the temp directory when it has none.</summary>
    private string AskpassParent()
    {
        var socketDirectory = Path.GetDirectoryName(runtime.Options.SocketPath);
        return socketDirectory is { Length: > 0 } && Directory.Exists(socketDirectory) ? socketDirectory : Path.GetTempPath();
    }

    /// <summary>
    /// A reply that does not parse as SFTP version 3 ends the session it came on, like any other
    /// broken connection, instead of surfacing as a bridge bug.
    /// </summary>
    private static BridgeFunction Guard(BridgeFunction function) => async call =>
    {
        try
        {
            return await function(call);
        }
        catch (SftpProtocolException e)
        {
            throw SessionOf(call).Session.BrokeProtocol(e.Message);
        }
    };

    /// <summary>The session named by 'handle', or the connection's current one (raw API).</summary>
    private static (string Handle, SftpSession Session) SessionOf(CallContext call)
    {
        var handle = call.Params.GetStringOrNull("handle") ?? call.Session.GetState<string>(CurrentSession)
            ?? throw BridgeException.Usage($"{call.Function.FullName}: no 'handle' and no current session on this connection: call sftp.open or sftp.connect first (sessions end with the connection or a daemon restart)");
        return (handle, call.Handles.Get(SessionKind, handle));
    }

    /// <summary>
    /// Ends the session; ssh_stderr is what ssh wrote after the login until it exited (with -v,
    /// its closing lines), which natively reaches the script's stderr by then. A session that
    /// was lost already gave its words with the error that said so.
    /// </summary>
    private static ValueTask<Reply> Close(CallContext call)
    {
        var (handle, session) = SessionOf(call);
        var wasLost = session.IsLost;
        call.Handles.Close(handle);
        if (call.Session.GetState<string>(CurrentSession) == handle) call.Session.SetState(CurrentSession, null);
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["closed"] = true, ["ssh_stderr"] = wasLost ? "" : session.LaterStderr }));
    }

    // ---- single requests -----------------------------------------------------------------------

    private static async ValueTask<Reply> Realpath(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("path");
        return Reply.Of(new JsonObject { ["path"] = await session.RealpathAsync($"realpath {path}", path, call.Cancellation) });
    }

    private static BridgeFunction Stat(SftpType type) => async call =>
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("path");
        var attrs = await session.StatAsync(type, $"{call.Function.Name} {path}", path, call.Cancellation);
        return Reply.Of(new JsonObject { ["attrs"] = attrs.ToJson() });
    };

    private static async ValueTask<Reply> Setstat(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("path");
        var attrs = SftpAttrs.FromJson(call.Function.FullName, call.Params.Get("attrs"));
        await session.SetstatAsync($"setstat {path}", path, attrs, call.Cancellation);
        return Reply.Of(new JsonObject());
    }

    private static async ValueTask<Reply> ListFiles(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("remote_path");
        var what = $"list_files {path}";
        var directory = await session.OpendirAsync(what, path, call.Cancellation);
        var files = new JsonArray();
        var entries = new JsonArray();
        try
        {
            while (await session.ReaddirAsync(what, directory, call.Cancellation) is { } names)
                foreach (var name in names)
                {
                    files.Add((JsonNode)name.Filename);
                    entries.Add(new JsonObject
                    {
                        ["filename"] = name.Filename,
                        ["longname"] = name.Longname,
                        ["attrs"] = name.Attrs.ToJson(),
                    });
                }
        }
        catch
        {
            await session.CloseQuietlyAsync(directory, CancellationToken.None);
            throw;
        }
        await session.CloseHandleAsync(what, directory, call.Cancellation);
        return Reply.Of(new JsonObject { ["files"] = files, ["entries"] = entries });
    }

    private static async ValueTask<Reply> Mkdir(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("path");
        var attrs = call.Params.Has("attrs") ? SftpAttrs.FromJson(call.Function.FullName, call.Params.Get("attrs")) : SftpAttrs.Empty;
        await session.MkdirAsync($"mkdir {path}", path, attrs, call.Cancellation);
        return Reply.Of(new JsonObject());
    }

    private static BridgeFunction PathOnly(SftpType type) => async call =>
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("path");
        await session.PathRequestAsync(type, $"{call.Function.Name} {path}", path, call.Cancellation);
        return Reply.Of(new JsonObject());
    };

    private static async ValueTask<Reply> Rename(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var (from, to) = (call.Params.GetString("old_path"), call.Params.GetString("new_path"));
        await session.RenameAsync($"rename {from}", from, to, call.Params.GetBoolean("overwrite"), call.Cancellation);
        return Reply.Of(new JsonObject());
    }

    private static async ValueTask<Reply> Readlink(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var path = call.Params.GetString("path");
        return Reply.Of(new JsonObject { ["target"] = await session.ReadlinkAsync($"readlink {path}", path, call.Cancellation) });
    }

    private static async ValueTask<Reply> Symlink(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var link = call.Params.GetString("link_path");
        await session.SymlinkAsync($"symlink {link}", link, call.Params.GetString("target"), call.Cancellation);
        return Reply.Of(new JsonObject());
    }

    // ---- transfers -----------------------------------------------------------------------------

    private static async ValueTask<Reply> Put(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var p = call.Params;
        var function = call.Function.Name;
        var localPath = LocalPath(call, "local_file");
        var remote = p.GetString("remote_file");
        var shape = Shape(call);
        var truncate = p.GetBoolean("truncate", shape.Offset == 0);
        using var local = LocalFile.OpenForReading(function, localPath);
        UploadSource source = (offset, into) =>
        {
            try
            {
                return RandomAccess.Read(local, into, offset);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw LocalFile.Error(function, "read", localPath, LocalFile.Errno(e));
            }
        };
        var bytes = await Upload(call, session, remote, source, shape, truncate);
        return Reply.Of(new JsonObject { ["bytes"] = bytes });
    }

    private static async ValueTask<Reply> PutContent(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var content = call.Attachment;
        UploadSource source = (offset, into) =>
        {
            if (offset >= content.Length) return 0;
            var part = content.Span.Slice((int)offset, (int)Math.Min(into.Length, content.Length - offset));
            part.CopyTo(into);
            return part.Length;
        };
        var shape = new TransferShape(0, DefaultBlockSize, DefaultQueueSize);
        var bytes = await Upload(call, session, call.Params.GetString("remote_file"), source, shape, truncate: true);
        return Reply.Of(new JsonObject { ["bytes"] = bytes });
    }

    /// <summary>OPEN for writing, then the pipelined WRITEs, the mode and times if asked, and CLOSE (whose status counts: a full disk may show only there), sent back to back.</summary>
    private static async Task<long> Upload(CallContext call, SftpSession session, string remote, UploadSource source, TransferShape shape,
        bool truncate)
    {
        var p = call.Params;
        var what = $"{call.Function.Name} {remote}";
        var flags = SftpOpenFlags.Write | SftpOpenFlags.Create | (truncate ? SftpOpenFlags.Truncate : 0)
            | (p.GetBoolean("exclusive") ? SftpOpenFlags.Exclusive : 0);
        var createAttrs = p.Has("perm") ? new SftpAttrs { Perm = Mode(call, "perm") } : SftpAttrs.Empty;
        // The mode an OPEN asks for is cut by the server's umask and ignored for a file that
        // exists; set_perm applies it to the handle after the writes, with the times if any.
        var late = Times(call);
        if (p.GetBoolean("set_perm"))
        {
            if (!p.Has("perm")) throw BridgeException.Usage($"{call.Function.FullName}: set_perm needs perm");
            late ??= new SftpAttrs();
            late.Perm = createAttrs.Perm;
        }
        var handle = await Step("open", session.OpenFileAsync(what, remote, flags, createAttrs, call.Cancellation));
        return await Step("write", session.UploadAsync(what, handle, source, shape, late, call.Cancellation));
    }

    private static async ValueTask<Reply> Get(CallContext call)
    {
        var (_, session) = SessionOf(call);
        var p = call.Params;
        var function = call.Function.Name;
        var localPath = LocalPath(call, "local_file");
        var shape = Shape(call);
        var perm = p.Has("perm") ? Mode(call, "perm") : (uint?)null;
        var times = Times(call);
        var (bytes, attrs) = await Download(call, session, p.GetString("remote_file"), shape, attrs =>
        {
            var local = LocalFile.OpenForWriting(function, localPath, truncate: shape.Offset == 0, perm);
            return new FileSink(local, function, localPath);
        });
        if (times is not null) SetLocalTimes(function, localPath, times);
        return Reply.Of(new JsonObject { ["bytes"] = bytes, ["attrs"] = attrs.ToJson() });
    }

    private async ValueTask<Reply> GetContent(CallContext call)
    {
        var (_, session) = SessionOf(call);
        MemorySink? sink = null;
        var limit = runtime.Options.MaxAttachmentBytes;
        var remote = call.Params.GetString("remote_file");
        await Download(call, session, remote, new TransferShape(0, DefaultBlockSize, DefaultQueueSize),
            attrs => sink = new MemorySink(attrs.Size, limit, $"{call.Function.FullName} {remote}"));
        return Reply.Of(new JsonObject { ["bytes"] = sink!.Length }, sink.Content);
    }

    /// <summary>OPEN for reading, FSTAT (size and the attrs the reply carries), the local side, the pipelined READs, CLOSE.</summary>
    private static async Task<(long Bytes, SftpAttrs Attrs)> Download(CallContext call, SftpSession session, string remote,
        TransferShape shape, Func<SftpAttrs, IDownloadSink> openSink)
    {
        var what = $"{call.Function.Name} {remote}";
        var handle = await Step("open", session.OpenFileAsync(what, remote, SftpOpenFlags.Read, SftpAttrs.Empty, call.Cancellation));
        long bytes;
        SftpAttrs attrs;
        try
        {
            attrs = await Step("fstat", session.FstatAsync(what, handle, call.Cancellation));
            var sizeHint = attrs.Size ?? (call.Params.Has("size_hint") ? (ulong)Math.Max(0, call.Params.GetInt64("size_hint")) : null);
            var sink = openSink(attrs);
            try
            {
                bytes = await Step("read", session.ReadAllAsync(what, handle, sink, shape, sizeHint, call.Cancellation));
            }
            finally
            {
                (sink as IDisposable)?.Dispose();
            }
        }
        catch
        {
            await session.CloseQuietlyAsync(handle, CancellationToken.None);
            throw;
        }
        await Step("close", session.CloseHandleAsync(what, handle, call.Cancellation));
        return (bytes, attrs);
    }

    /// <summary>
    /// Names the SFTP request of a transfer a remote failure came from (data.request: open,
    /// write, read, fstat, fsetstat, close), which Net::SFTP::Foreign words differently.
    /// Local file errors are told apart by their local_errno instead.
    /// </summary>
    private static async Task<T> Step<T>(string request, Task<T> step)
    {
        try
        {
            return await step;
        }
        catch (BridgeException e)
        {
            SftpSession.NameRequest(e, request);
            throw;
        }
    }

    private static async Task Step(string request, Task step) => await Step(request, AsValue(step));

    private static async Task<bool> AsValue(Task step)
    {
        await step;
        return true;
    }

    // ---- parameters ----------------------------------------------------------------------------

    private static TransferShape Shape(CallContext call)
    {
        var p = call.Params;
        var function = call.Function.FullName;
        var offset = p.GetInt64("offset", 0);
        if (offset < 0) throw BridgeException.Usage($"{function}: offset must not be negative, got {offset}");
        var block = p.GetInt64("block_size", DefaultBlockSize);
        if (block is < 1 or > MaxBlockSize)
            throw BridgeException.Usage($"{function}: block_size must be between 1 and {MaxBlockSize}, got {block}");
        var queue = p.GetInt64("queue_size", DefaultQueueSize);
        if (queue is < 1 or > MaxQueueSize)
            throw BridgeException.Usage($"{function}: queue_size must be between 1 and {MaxQueueSize}, got {queue}");
        return new TransferShape(offset, (int)block, (int)queue);
    }

    private static uint Mode(CallContext call, string name)
    {
        var mode = call.Params.GetInt64(name);
        if (mode is < 0 or > 0xFFFF) throw BridgeException.Usage($"{call.Function.FullName}: {name} must be a file mode (0 to 0177777), got {mode}");
        return (uint)mode;
    }

    /// <summary>atime/mtime to set after a transfer; one without the other keeps the file's other time.</summary>
    private static SftpAttrs? Times(CallContext call)
    {
        var p = call.Params;
        if (!p.Has("atime") && !p.Has("mtime")) return null;
        uint Time(string name)
        {
            var t = p.GetInt64(name);
            return t is >= 0 and <= uint.MaxValue ? (uint)t
                : throw BridgeException.Usage($"{call.Function.FullName}: {name} must be Unix seconds (0 to {uint.MaxValue}), got {t}");
        }
        var mtime = p.Has("mtime") ? Time("mtime") : Time("atime");
        var atime = p.Has("atime") ? Time("atime") : mtime;
        return new SftpAttrs { Atime = atime, Mtime = mtime };
    }

    /// <summary>
    /// A local path as the daemon must open it. The shim sends absolute paths; a raw-API caller
    /// that sends a relative one gets it resolved against its own working directory
    /// (/proc/PID/cwd of the peer), never the daemon's.
    /// </summary>
    private static string LocalPath(CallContext call, string name)
    {
        var path = call.Params.GetString(name);
        if (path.Length == 0) throw BridgeException.Usage($"{call.Function.FullName}: {name} is empty");
        if (Path.IsPathRooted(path)) return path;
        if (call.Session.Peer is { Pid: > 0 } peer)
        {
            try
            {
                var cwd = new DirectoryInfo($"/proc/{peer.Pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
                if (cwd is not null) return Path.Combine(cwd, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        throw BridgeException.Usage($"{call.Function.FullName}: {name} '{path}' is relative and the caller's working directory is unknown; send an absolute path");
    }

    private static void SetLocalTimes(string function, string path, SftpAttrs times)
    {
        try
        {
            File.SetLastAccessTimeUtc(path, DateTime.UnixEpoch.AddSeconds(times.Atime!.Value));
            File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddSeconds(times.Mtime!.Value));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LocalFile.Error(function, "set the times of", path, LocalFile.Errno(e));
        }
    }

    // ---- sinks ---------------------------------------------------------------------------------

    private sealed class FileSink(SafeFileHandle file, string function, string path) : IDownloadSink, IDisposable
    {
        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            try
            {
                RandomAccess.Write(file, data, offset);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw LocalFile.Error(function, "write", path, LocalFile.Errno(e));
            }
        }

        public void Dispose() => file.Dispose();
    }

    /// <summary>get_content's buffer, sized from FSTAT when it can be, capped at the attachment limit.</summary>
    private sealed class MemorySink : IDownloadSink
    {
        private readonly long _limit;
        private readonly string _what;
        private byte[] _buffer;

        public MemorySink(ulong? size, long limit, string what)
        {
            _limit = Math.Min(limit, Array.MaxLength);
            _what = what;
            // A file FSTAT says is too big fails before a byte is read.
            if (size > (ulong)_limit) throw TooLarge();
            _buffer = new byte[(int)(size ?? 0)];
        }

        public long Length { get; private set; }
        public ReadOnlyMemory<byte> Content => _buffer.AsMemory(0, (int)Length);

        private BridgeException TooLarge() => new(ErrorCodes.Limit,
            $"{_what}: the file is larger than the attachment limit of {_limit} bytes (CPAN_BRIDGE_MAX_ATTACHMENT_BYTES); use get");

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            var end = offset + data.Length;
            if (end > _limit) throw TooLarge();
            if (end > _buffer.Length) Array.Resize(ref _buffer, (int)Math.Min(Math.Max(end, (long)_buffer.Length * 2), _limit));
            data.CopyTo(_buffer.AsSpan((int)offset));
            Length = Math.Max(Length, end);
        }
    }
}
