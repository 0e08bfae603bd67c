using System.Text.Json.Nodes;
using CpanBridge.Core;

namespace CpanBridge.Modules.Sftp;

/// <summary>A name a READDIR (or REALPATH, READLINK) answer carries.</summary>
internal sealed record SftpName(string Filename, string Longname, SftpAttrs Attrs);

/// <summary>The single requests of SFTP version 3, each checked for the answer it must get.</summary>
internal sealed partial class SftpSession
{
    public const string PosixRename = "posix-rename@openssh.com";

    public async Task<string> RealpathAsync(string what, string path, CancellationToken cancel)
    {
        var names = await NamesAsync(SftpType.Realpath, what, path, cancel);
        return names[0].Filename;
    }

    public async Task<string> ReadlinkAsync(string what, string path, CancellationToken cancel)
    {
        var names = await NamesAsync(SftpType.Readlink, what, path, cancel);
        return names[0].Filename;
    }

    private async Task<List<SftpName>> NamesAsync(SftpType type, string what, string path, CancellationToken cancel)
    {
        var request = Begin(type);
        request.WriteString(path);
        using var reply = await RequestAsync(request, cancel);
        var names = ReadNames(Expect(reply, SftpType.Name, what));
        if (names.Count == 0) throw BrokeProtocol($"it answered {what} with no name");
        return names;
    }

    /// <summary>STAT (follows links) or LSTAT.</summary>
    public async Task<SftpAttrs> StatAsync(SftpType type, string what, string path, CancellationToken cancel)
    {
        var request = Begin(type);
        request.WriteString(path);
        using var reply = await RequestAsync(request, cancel);
        return SftpAttrs.Read(Expect(reply, SftpType.Attrs, what));
    }

    public async Task<SftpAttrs> FstatAsync(string what, byte[] handle, CancellationToken cancel)
    {
        var request = Begin(SftpType.Fstat);
        request.WriteString(handle);
        using var reply = await RequestAsync(request, cancel);
        return SftpAttrs.Read(Expect(reply, SftpType.Attrs, what));
    }

    public async Task SetstatAsync(string what, string path, SftpAttrs attrs, CancellationToken cancel)
    {
        var request = Begin(SftpType.Setstat);
        request.WriteString(path);
        attrs.Write(request);
        await StatusRequestAsync(request, what, cancel);
    }

    public async Task FsetstatAsync(string what, byte[] handle, SftpAttrs attrs, CancellationToken cancel)
    {
        var request = Begin(SftpType.Fsetstat);
        request.WriteString(handle);
        attrs.Write(request);
        await StatusRequestAsync(request, what, cancel);
    }

    public async Task<byte[]> OpenFileAsync(string what, string path, SftpOpenFlags flags, SftpAttrs attrs, CancellationToken cancel)
    {
        var request = Begin(SftpType.Open);
        request.WriteString(path);
        request.WriteUInt32((uint)flags);
        attrs.Write(request);
        return await HandleRequestAsync(request, what, cancel);
    }

    public async Task<byte[]> OpendirAsync(string what, string path, CancellationToken cancel)
    {
        var request = Begin(SftpType.Opendir);
        request.WriteString(path);
        return await HandleRequestAsync(request, what, cancel);
    }

    /// <summary>The next names of an open directory; null at its end.</summary>
    public async Task<List<SftpName>?> ReaddirAsync(string what, byte[] handle, CancellationToken cancel)
    {
        var request = Begin(SftpType.Readdir);
        request.WriteString(handle);
        using var reply = await RequestAsync(request, cancel);
        if (reply.Type == SftpType.Status && PeekStatus(reply) == SftpStatus.Eof) return null;
        return ReadNames(Expect(reply, SftpType.Name, what));
    }

    public async Task CloseHandleAsync(string what, byte[] handle, CancellationToken cancel)
    {
        var request = Begin(SftpType.Close);
        request.WriteString(handle);
        await StatusRequestAsync(request, what, cancel);
    }

    /// <summary>
    /// Closes a handle after a failure that is being reported: its own failure would hide the
    /// first one, and a session that is gone has no handles to close.
    /// </summary>
    public async Task CloseQuietlyAsync(byte[] handle, CancellationToken cancel)
    {
        if (IsLost) return;
        try
        {
            await CloseHandleAsync("close", handle, cancel);
        }
        catch (BridgeException)
        {
        }
    }

    /// <summary>REMOVE, RMDIR: one path, a status.</summary>
    public async Task PathRequestAsync(SftpType type, string what, string path, CancellationToken cancel)
    {
        var request = Begin(type);
        request.WriteString(path);
        await StatusRequestAsync(request, what, cancel);
    }

    public async Task MkdirAsync(string what, string path, SftpAttrs attrs, CancellationToken cancel)
    {
        var request = Begin(SftpType.Mkdir);
        request.WriteString(path);
        attrs.Write(request);
        await StatusRequestAsync(request, what, cancel);
    }

    /// <summary>
    /// RENAME fails when the new name exists; with <paramref name="overwrite"/> OpenSSH's
    /// posix-rename replaces it atomically, as rename(2) does.
    /// </summary>
    public async Task RenameAsync(string what, string oldPath, string newPath, bool overwrite, CancellationToken cancel)
    {
        SftpPacketWriter request;
        if (overwrite)
        {
            if (!Extensions.ContainsKey(PosixRename))
                throw StatusError(what, SftpStatus.OpUnsupported, $"the server does not support {PosixRename}", "");
            request = Begin(SftpType.Extended);
            request.WriteString(PosixRename);
        }
        else
        {
            request = Begin(SftpType.Rename);
        }
        request.WriteString(oldPath);
        request.WriteString(newPath);
        await StatusRequestAsync(request, what, cancel);
    }

    /// <summary>OpenSSH takes SYMLINK's arguments the other way round from the draft: target first, then the new link.</summary>
    public async Task SymlinkAsync(string what, string linkPath, string target, CancellationToken cancel)
    {
        var request = Begin(SftpType.Symlink);
        request.WriteString(target);
        request.WriteString(linkPath);
        await StatusRequestAsync(request, what, cancel);
    }

    // ---- answers -------------------------------------------------------------------------------

    private async Task StatusRequestAsync(SftpPacketWriter request, string what, CancellationToken cancel)
    {
        using var reply = await RequestAsync(request, cancel);
        ExpectOk(reply, what);
    }

    private async Task<byte[]> HandleRequestAsync(SftpPacketWriter request, string what, CancellationToken cancel)
    {
        using var reply = await RequestAsync(request, cancel);
        return Expect(reply, SftpType.Handle, what).ReadBytes().ToArray();
    }

    /// <summary>The reply when it has the expected type; a STATUS becomes the server's error.</summary>
    public SftpPacket Expect(SftpPacket reply, SftpType expected, string what)
    {
        if (reply.Type == expected) return reply;
        if (reply.Type == SftpType.Status) throw StatusError(what, reply);
        throw BrokeProtocol($"it answered {what} with {reply.Type}, not {expected}");
    }

    public void ExpectOk(SftpPacket reply, string what)
    {
        if (reply.Type != SftpType.Status) throw BrokeProtocol($"it answered {what} with {reply.Type}, not STATUS");
        if (PeekStatus(reply) != SftpStatus.Ok) throw StatusError(what, reply);
    }

    public static uint PeekStatus(SftpPacket status) => status.PeekUInt32();

    private static List<SftpName> ReadNames(SftpPacket reply)
    {
        var count = reply.ReadUInt32();
        var names = new List<SftpName>((int)Math.Min(count, 1024));
        for (var i = 0u; i < count; i++)
            names.Add(new SftpName(reply.ReadString(), reply.ReadString(), SftpAttrs.Read(reply)));
        return names;
    }

    /// <summary>E_NATIVE with the server's status, message and language tag.</summary>
    public static BridgeException StatusError(string what, SftpPacket status)
    {
        var code = status.ReadUInt32();
        // Version 3 servers send the message and tag; the draft's earlier servers may not.
        var message = status.Remaining >= 4 ? status.ReadString() : "";
        var lang = status.Remaining >= 4 ? status.ReadString() : "";
        return StatusError(what, code, message, lang);
    }

    public static BridgeException StatusError(string what, uint code, string message, string lang)
    {
        if (message.Length == 0) message = StandardMessage(code);
        return BridgeException.Native($"{what}: {message}", new JsonObject
        {
            ["status"] = code,
            ["status_message"] = message,
            ["lang"] = lang,
        });
    }

    /// <summary>OpenSSH's own texts, for a status that came without one.</summary>
    private static string StandardMessage(uint code) => code switch
    {
        SftpStatus.Ok => "Success",
        SftpStatus.Eof => "End of file",
        SftpStatus.NoSuchFile => "No such file",
        SftpStatus.PermissionDenied => "Permission denied",
        SftpStatus.Failure => "Failure",
        SftpStatus.BadMessage => "Bad message",
        6 => "No connection",
        7 => "Connection lost",
        SftpStatus.OpUnsupported => "Operation unsupported",
        _ => $"Unknown status {code}",
    };
}
