using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static CpanBridge.Tests.Modules.Sftp.SftpCalls;

namespace CpanBridge.Tests.Modules.Sftp;

/// <summary>Every sftp function against the real test sshd, with the server's status codes passed through.</summary>
public class SftpFunctionTests(ITestOutputHelper output)
{
    private const uint FileType = 0x8000;
    private const uint DirType = 0x4000;
    private const uint LinkType = 0xA000;

    [Fact]
    public async Task Stat_lstat_setstat_realpath_readlink_and_symlink()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("f.txt") }, "12345"u8.ToArray());

        var (stat, _) = await Ok(client, "stat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("f.txt") });
        var attrs = stat["attrs"]!.AsObject();
        Assert.Equal(5, attrs["size"]!.GetValue<long>());
        Assert.Equal(FileType, attrs["perm"]!.GetValue<uint>() & 0xF000);
        Assert.True(attrs.ContainsKey("uid") && attrs.ContainsKey("gid") && attrs.ContainsKey("atime") && attrs.ContainsKey("mtime"));

        // SYMLINK in OpenSSH's order: link_path is the new link, target what it points to.
        await Ok(client, "symlink", new JsonObject { ["handle"] = h, ["link_path"] = bridge.Remote("link"), ["target"] = "f.txt" });
        Assert.Equal("f.txt", new FileInfo(bridge.Remote("link")).LinkTarget);
        var (link, _) = await Ok(client, "readlink", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("link") });
        Assert.Equal("f.txt", link["target"]!.GetValue<string>());
        var (lstat, _) = await Ok(client, "lstat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("link") });
        Assert.Equal(LinkType, lstat["attrs"]!["perm"]!.GetValue<uint>() & 0xF000);
        var (followed, _) = await Ok(client, "stat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("link") });
        Assert.Equal(FileType, followed["attrs"]!["perm"]!.GetValue<uint>() & 0xF000);

        await Ok(client, "setstat", new JsonObject
        {
            ["handle"] = h,
            ["path"] = bridge.Remote("f.txt"),
            ["attrs"] = new JsonObject { ["perm"] = 0x1A0 /* 0640 */, ["atime"] = 1000000000, ["mtime"] = "1234567890" },
        });
        var (changed, _) = await Ok(client, "stat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("f.txt") });
        Assert.Equal(0x1A0u, changed["attrs"]!["perm"]!.GetValue<uint>() & 0xFFF);
        Assert.Equal(1234567890, changed["attrs"]!["mtime"]!.GetValue<long>());
        Assert.Equal(1000000000, changed["attrs"]!["atime"]!.GetValue<long>());
        await Ok(client, "setstat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("f.txt"), ["attrs"] = new JsonObject { ["size"] = 2 } });
        Assert.Equal("12", File.ReadAllText(bridge.Remote("f.txt")));

        var half = await Fail(client, "setstat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("f.txt"), ["attrs"] = new JsonObject { ["uid"] = 0 } });
        Assert.Equal("E_USAGE", Code(half));
        Assert.Contains("uid and gid go together", Error(half));
        Assert.Equal("E_USAGE", Code(await Fail(client, "setstat", new JsonObject { ["handle"] = h, ["path"] = "x", ["attrs"] = new JsonObject { ["colour"] = 1 } })));

        var (real, _) = await Ok(client, "realpath", new JsonObject { ["handle"] = h, ["path"] = bridge.RemoteDir + "/../" + Path.GetFileName(bridge.RemoteDir) });
        Assert.Equal(bridge.RemoteDir, real["path"]!.GetValue<string>());

        var missing = await Fail(client, "stat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("nope") });
        Assert.Equal("E_NATIVE", Code(missing));
        Assert.Equal($"stat {bridge.Remote("nope")}: No such file", Error(missing));
        Assert.Equal(2, Status(missing));
        Assert.Equal("No such file", Data(missing)["status_message"]!.GetValue<string>());
        Assert.Equal(2, Status(await Fail(client, "lstat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("nope") })));
        Assert.Equal(2, Status(await Fail(client, "readlink", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("nope") })));
        var denied = await Fail(client, "setstat", new JsonObject { ["handle"] = h, ["path"] = "/etc/passwd", ["attrs"] = new JsonObject { ["perm"] = 0x1FF } });
        Assert.Equal(3, Status(denied));
        Assert.Contains("Permission denied", Error(denied));
    }

    [Fact]
    public async Task List_files_mkdir_rmdir_remove_and_rename()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        await Ok(client, "mkdir", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("sub"), ["attrs"] = new JsonObject { ["perm"] = 0x1E8 /* 0750 */ } });
        var (sub, _) = await Ok(client, "stat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("sub") });
        Assert.Equal(DirType | 0x1E8, sub["attrs"]!["perm"]!.GetValue<uint>() & 0xFFFF);
        Assert.Equal(4, Status(await Fail(client, "mkdir", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("sub") })));

        for (var i = 0; i < 150; i++)
            await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote($"sub/f{i:D3}") }, Encoding.ASCII.GetBytes(new string('x', i)));
        var (listed, _) = await Ok(client, "list_files", new JsonObject { ["handle"] = h, ["remote_path"] = bridge.Remote("sub") });
        var files = listed["files"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.Equal(152, files.Count); // more than one READDIR answer (OpenSSH sends 100 names at most)
        Assert.Contains(".", files);
        Assert.Contains("..", files);
        var entries = listed["entries"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => e["filename"]!.GetValue<string>());
        Assert.Equal(42, entries["f042"]["attrs"]!["size"]!.GetValue<long>());
        Assert.Contains("f042", entries["f042"]["longname"]!.GetValue<string>());
        Assert.StartsWith("-rw", entries["f042"]["longname"]!.GetValue<string>());
        Assert.Equal(files, listed["entries"]!.AsArray().Select(e => e!["filename"]!.GetValue<string>()));

        var notEmpty = await Fail(client, "rmdir", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("sub") });
        Assert.Equal(4, Status(notEmpty));
        Assert.StartsWith($"rmdir {bridge.Remote("sub")}: ", Error(notEmpty));
        for (var i = 0; i < 150; i++) await Ok(client, "remove", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote($"sub/f{i:D3}") });
        await Ok(client, "rmdir", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("sub") });
        Assert.False(Directory.Exists(bridge.Remote("sub")));
        Assert.Equal(2, Status(await Fail(client, "remove", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("sub/f000") })));
        Assert.Equal(2, Status(await Fail(client, "list_files", new JsonObject { ["handle"] = h, ["remote_path"] = bridge.Remote("sub") })));

        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("a") }, "A"u8.ToArray());
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("b") }, "B"u8.ToArray());
        // Plain RENAME refuses to replace; posix-rename (overwrite) replaces atomically.
        var exists = await Fail(client, "rename", new JsonObject { ["handle"] = h, ["old_path"] = bridge.Remote("a"), ["new_path"] = bridge.Remote("b") });
        Assert.Equal(4, Status(exists));
        Assert.Equal("B", File.ReadAllText(bridge.Remote("b")));
        await Ok(client, "rename", new JsonObject { ["handle"] = h, ["old_path"] = bridge.Remote("a"), ["new_path"] = bridge.Remote("b"), ["overwrite"] = 1 });
        Assert.Equal("A", File.ReadAllText(bridge.Remote("b")));
        Assert.False(File.Exists(bridge.Remote("a")));
        await Ok(client, "rename", new JsonObject { ["handle"] = h, ["old_path"] = bridge.Remote("b"), ["new_path"] = bridge.Remote("c") });
        Assert.Equal(2, Status(await Fail(client, "rename", new JsonObject { ["handle"] = h, ["old_path"] = bridge.Remote("b"), ["new_path"] = bridge.Remote("d") })));
    }

    [Fact]
    public async Task Put_and_get_with_perm_times_resume_and_exclusive()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        var local = bridge.Local("in.bin");
        WriteRandomFile(local, 100_000, seed: 1);
        var (put, _) = await Ok(client, "put", new JsonObject
        {
            ["handle"] = h, ["local_file"] = local, ["remote_file"] = bridge.Remote("out.bin"), ["perm"] = 0x180 /* 0600 */, ["mtime"] = 1500000000,
        });
        Assert.Equal(100_000, put["bytes"]!.GetValue<long>());
        Assert.Equal(Sha256(local), Sha256(bridge.Remote("out.bin")));
        var (stat, _) = await Ok(client, "stat", new JsonObject { ["handle"] = h, ["path"] = bridge.Remote("out.bin") });
        Assert.Equal(0x180u, stat["attrs"]!["perm"]!.GetValue<uint>() & 0xFFF);
        Assert.Equal(1500000000, stat["attrs"]!["mtime"]!.GetValue<long>());

        var back = bridge.Local("back.bin");
        var (got, _) = await Ok(client, "get", new JsonObject
        {
            ["handle"] = h, ["remote_file"] = bridge.Remote("out.bin"), ["local_file"] = back, ["perm"] = 0x1A0 /* 0640 */,
            ["atime"] = 1400000000, ["mtime"] = 1400000001,
        });
        Assert.Equal(100_000, got["bytes"]!.GetValue<long>());
        Assert.Equal(100_000, got["attrs"]!["size"]!.GetValue<long>());
        // Times before reading the file back (reading it moves the atime).
        Assert.Equal(1400000001, new DateTimeOffset(File.GetLastWriteTimeUtc(back)).ToUnixTimeSeconds());
        Assert.Equal(1400000000, new DateTimeOffset(File.GetLastAccessTimeUtc(back)).ToUnixTimeSeconds());
        Assert.Equal((UnixFileMode)0x1A0, File.GetUnixFileMode(back));
        Assert.Equal(Sha256(local), Sha256(back));

        // Resume a get: the first 30000 bytes are there, the rest is appended.
        var partial = bridge.Local("partial.bin");
        File.WriteAllBytes(partial, File.ReadAllBytes(local)[..30000]);
        var (resumed, _) = await Ok(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("out.bin"), ["local_file"] = partial, ["offset"] = 30000 });
        Assert.Equal(70_000, resumed["bytes"]!.GetValue<long>());
        Assert.Equal(Sha256(local), Sha256(partial));

        // Resume a put the same way.
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("half.bin") }, File.ReadAllBytes(local)[..45000]);
        var (putResumed, _) = await Ok(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = local, ["remote_file"] = bridge.Remote("half.bin"), ["offset"] = 45000 });
        Assert.Equal(55_000, putResumed["bytes"]!.GetValue<long>());
        Assert.Equal(Sha256(local), Sha256(bridge.Remote("half.bin")));

        var exclusive = await Fail(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = local, ["remote_file"] = bridge.Remote("out.bin"), ["exclusive"] = true });
        Assert.Equal(4, Status(exclusive));
        Assert.Equal("open", Data(exclusive)["request"]!.GetValue<string>());
        Assert.StartsWith($"put {bridge.Remote("out.bin")}: ", Error(exclusive));

        // An empty file goes and comes back as an empty file.
        File.WriteAllBytes(bridge.Local("empty"), []);
        await Ok(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = bridge.Local("empty"), ["remote_file"] = bridge.Remote("empty") });
        Assert.Equal(0, new FileInfo(bridge.Remote("empty")).Length);
        var (emptyBack, _) = await Ok(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("empty"), ["local_file"] = bridge.Local("empty.back") });
        Assert.Equal(0, emptyBack["bytes"]!.GetValue<long>());
        Assert.Equal(0, new FileInfo(bridge.Local("empty.back")).Length);
    }

    [Fact]
    public async Task Set_perm_applies_the_mode_to_the_open_handle_even_for_a_file_that_exists()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        File.WriteAllText(bridge.Local("f"), "content");
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("f"), ["perm"] = 0x1A4 /* 0644 */ }, "old"u8.ToArray());
        // Without set_perm the OPEN's mode does not touch a file that exists.
        await Ok(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = bridge.Local("f"), ["remote_file"] = bridge.Remote("f"), ["perm"] = 0x180 });
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(bridge.Remote("f")));
        await Ok(client, "put", new JsonObject
        {
            ["handle"] = h, ["local_file"] = bridge.Local("f"), ["remote_file"] = bridge.Remote("f"), ["perm"] = 0x180, ["set_perm"] = true, ["mtime"] = 1600000000,
        });
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(bridge.Remote("f")));
        Assert.Equal(1600000000, new DateTimeOffset(File.GetLastWriteTimeUtc(bridge.Remote("f"))).ToUnixTimeSeconds());
        // The server's umask (022) cuts an OPEN's 0777; set_perm gives the mode asked for.
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("g"), ["perm"] = 0x1FF, ["set_perm"] = 1, ["atime"] = 1, ["mtime"] = 2 }, "g"u8.ToArray());
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(bridge.Remote("g")));
        Assert.Equal(2, new DateTimeOffset(File.GetLastWriteTimeUtc(bridge.Remote("g"))).ToUnixTimeSeconds());
        var noPerm = await Fail(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("g"), ["set_perm"] = true }, "g"u8.ToArray());
        Assert.Equal("E_USAGE", Code(noPerm));
        Assert.Contains("set_perm needs perm", Error(noPerm));
    }

    [Fact]
    public async Task Local_file_errors_carry_the_errno_and_nothing_is_created_remotely()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        var missing = await Fail(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = bridge.Local("missing"), ["remote_file"] = bridge.Remote("never") });
        Assert.Equal("E_NATIVE", Code(missing));
        Assert.False(Data(missing).ContainsKey("request"));
        Assert.Equal(2, Data(missing)["local_errno"]!.GetValue<int>());
        Assert.Equal("No such file or directory", Data(missing)["local_error"]!.GetValue<string>());
        Assert.False(File.Exists(bridge.Remote("never")));
        var directory = await Fail(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = bridge.Directory, ["remote_file"] = bridge.Remote("never") });
        Assert.Equal(21, Data(directory)["local_errno"]!.GetValue<int>());
        Assert.False(File.Exists(bridge.Remote("never")));

        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("r") }, "r"u8.ToArray());
        var noDir = await Fail(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("r"), ["local_file"] = bridge.Local("no/such/dir") });
        Assert.Equal(2, Data(noDir)["local_errno"]!.GetValue<int>());
        var isDir = await Fail(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("r"), ["local_file"] = bridge.Directory });
        Assert.Equal(21, Data(isDir)["local_errno"]!.GetValue<int>());
        var remoteMissing = await Fail(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("nope"), ["local_file"] = bridge.Local("x") });
        Assert.Equal(2, Status(remoteMissing));
        Assert.False(File.Exists(bridge.Local("x")));
        // A directory opens for reading but every READ fails: the answers still in flight are
        // collected, the handle closed, and the first failure reported as the READ's.
        var readDir = await Fail(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.RemoteDir, ["local_file"] = bridge.Local("dir.copy") });
        output.WriteLine(readDir.ToJsonString());
        Assert.Equal(4, Status(readDir));
        Assert.Equal("read", Data(readDir)["request"]!.GetValue<string>());
        Assert.Equal(4, Status(await Fail(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.RemoteDir })));
        // The session is still good after all of that.
        var (content, bytes) = await Ok(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("r") });
        Assert.Equal("r", Encoding.ASCII.GetString(bytes!));

        // Relative local paths are the caller's (this test process's working directory), never the daemon's.
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, bridge.Local("rel.txt"));
        await Ok(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("r"), ["local_file"] = relative });
        Assert.Equal("r", File.ReadAllText(bridge.Local("rel.txt")));
    }

    [Fact]
    public async Task Put_content_and_get_content_carry_bytes_in_attachments()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        var bytes = new byte[200_003];
        new Random(7).NextBytes(bytes);
        var (put, _) = await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("blob"), ["perm"] = 0x180 }, bytes);
        Assert.Equal(bytes.Length, put["bytes"]!.GetValue<int>());
        Assert.Equal(bytes, File.ReadAllBytes(bridge.Remote("blob")));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(bridge.Remote("blob")));
        var (got, back) = await Ok(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("blob") });
        Assert.Equal(bytes.Length, got["bytes"]!.GetValue<int>());
        Assert.Equal(bytes, back);

        // put_content replaces the whole file; exclusive refuses an existing one.
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("blob") }, "short"u8.ToArray());
        Assert.Equal("short", File.ReadAllText(bridge.Remote("blob")));
        Assert.Equal(4, Status(await Fail(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("blob"), ["exclusive"] = true }, "x"u8.ToArray())));
        await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("none") });
        var (empty, none) = await Ok(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = bridge.Remote("none") });
        Assert.Equal(0, empty["bytes"]!.GetValue<int>());
        Assert.True(none is null || none.Length == 0);
        var denied = await Fail(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = "/etc/shadow" });
        Assert.Equal(3, Status(denied));
        Assert.Equal("open", Data(denied)["request"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handles_belong_to_their_connection_and_close_ends_them()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var (client, h) = await bridge.OpenAsync();
        var (other, h2) = await bridge.OpenAsync();
        Assert.Equal("E_HANDLE", Code(await Fail(other, "stat", new JsonObject { ["handle"] = h, ["path"] = "." })));
        // Two sessions on one connection: the current one is the last opened; a handle picks the other.
        var (third, _) = await Ok(client, "open", server.KeyLogin());
        var h3 = third["handle"]!.GetValue<string>();
        await Ok(client, "close", new JsonObject { ["handle"] = h });
        Assert.Equal("E_HANDLE", Code(await Fail(client, "stat", new JsonObject { ["handle"] = h, ["path"] = "." })));
        await Ok(client, "stat", new JsonObject { ["path"] = "." });
        await Ok(client, "stat", new JsonObject { ["handle"] = h3, ["path"] = "." });
        await Ok(other, "disconnect", new JsonObject { ["handle"] = h2 });
    }
}
