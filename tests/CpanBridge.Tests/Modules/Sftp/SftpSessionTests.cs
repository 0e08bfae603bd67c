using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static CpanBridge.Tests.Modules.Sftp.SftpCalls;

namespace CpanBridge.Tests.Modules.Sftp;

/// <summary>Opening SFTP sessions against the real test sshd: key and password logins, and the ways a login fails.</summary>
public class SftpSessionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Key_login_opens_an_SFTP_3_session_with_OpenSSH_extensions_and_the_login_directory()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server, trustTestServer: false);
        var client = bridge.Connect();
        var (opened, _) = await Ok(client, "open", server.KeyLogin());
        Assert.StartsWith("sftp.session#", opened["handle"]!.GetValue<string>());
        Assert.Equal(3, opened["server_version"]!.GetValue<int>());
        Assert.Equal("1", opened["extensions"]!["posix-rename@openssh.com"]!.GetValue<string>());
        Assert.Equal("/home/" + server.User, opened["home"]!.GetValue<string>());
        var (real, _) = await Ok(client, "realpath", new JsonObject { ["path"] = "." });
        Assert.Equal("/home/" + server.User, real["path"]!.GetValue<string>());
        Assert.Contains("ready (SFTP version 3", bridge.LogText.ToString());
        await Ok(client, "close", new JsonObject());
        Assert.Equal("E_USAGE", Code(await Fail(client, "realpath", new JsonObject { ["path"] = "." })));
    }

    [Fact]
    public async Task The_raw_API_connects_with_private_key_file_and_works_on_the_current_session()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        var (connected, _) = await Ok(client, "connect", new JsonObject
        {
            ["hostname"] = server.Host,
            ["port"] = server.Port,
            ["username"] = server.User,
            ["private_key_file"] = server.Key,
        });
        Assert.True(connected["connected"]!.GetValue<bool>());
        Assert.StartsWith("sftp.session#", connected["handle"]!.GetValue<string>());

        // The user guide's calls, none naming a handle.
        await Ok(client, "mkdir", new JsonObject { ["path"] = bridge.RemoteDir });
        File.WriteAllText(bridge.Local("file.txt"), "guide\n");
        await Ok(client, "put", new JsonObject { ["local_file"] = bridge.Local("file.txt"), ["remote_file"] = bridge.Remote("file.txt") });
        await Ok(client, "rename", new JsonObject { ["old_path"] = bridge.Remote("file.txt"), ["new_path"] = bridge.Remote("data.csv") });
        await Ok(client, "get", new JsonObject { ["remote_file"] = bridge.Remote("data.csv"), ["local_file"] = bridge.Local("data.csv") });
        Assert.Equal("guide\n", File.ReadAllText(bridge.Local("data.csv")));
        var (listed, _) = await Ok(client, "list_files", new JsonObject { ["remote_path"] = bridge.RemoteDir });
        Assert.Equal(["data.csv"], listed["files"]!.AsArray().Select(f => f!.GetValue<string>()).Where(f => !f.StartsWith('.')));
        await Ok(client, "disconnect", new JsonObject());
        var none = await Fail(client, "list_files", new JsonObject { ["remote_path"] = "." });
        Assert.Equal("E_USAGE", Code(none));
        Assert.Contains("no current session", Error(none));
    }

    [Fact]
    public async Task The_raw_API_connect_takes_ssh_options_and_the_script_s_environment_too()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server, trustTestServer: false);
        var client = bridge.Connect();
        var (connected, _) = await Ok(client, "connect", new JsonObject
        {
            ["hostname"] = server.Host,
            ["port"] = server.Port,
            ["username"] = server.User,
            ["private_key_file"] = server.Key,
            ["more"] = new JsonArray([.. server.TrustOptions().Select(a => (JsonNode)a)]),
            ["env"] = new JsonObject { ["LC_ALL"] = "C" },
        });
        Assert.True(connected["connected"]!.GetValue<bool>());
        Assert.Equal("", connected["ssh_stderr"]!.GetValue<string>());
    }

    [Fact]
    public async Task What_ssh_says_on_a_login_that_works_comes_back_with_open()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server, trustTestServer: false);
        var client = bridge.Connect();
        var knownHosts = bridge.Local("known_hosts");
        var (opened, _) = await Ok(client, "open", new JsonObject
        {
            ["host"] = server.Host,
            ["port"] = server.Port,
            ["user"] = server.User,
            ["key_path"] = server.Key,
            ["more"] = new JsonArray("-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no"),
        });
        var said = opened["ssh_stderr"]!.GetValue<string>();
        output.WriteLine(said);
        Assert.StartsWith("Warning: Permanently added", said);
        Assert.EndsWith("to the list of known hosts.\r\n", said);
        Assert.Contains("Warning: Permanently added", bridge.LogText.ToString());
    }

    [Fact]
    public async Task With_v_open_gives_the_whole_login_and_close_what_ssh_said_until_it_exited()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        var (opened, _) = await Ok(client, "open", server.KeyLogin("-v"));
        var login = opened["ssh_stderr"]!.GetValue<string>();
        var h = opened["handle"]!.GetValue<string>();
        // All of it, not the last lines: from ssh's version banner to the subsystem request.
        Assert.StartsWith("OpenSSH_", login);
        Assert.Contains("debug1: Connecting to ", login);
        Assert.Contains("debug1: Sending subsystem: sftp\r\n", login);
        Assert.True(login.Split('\n').Length > 30, login);
        Assert.DoesNotContain("Exit status", login);
        await Ok(client, "realpath", new JsonObject { ["handle"] = h, ["path"] = "." });
        var (closed, _) = await Ok(client, "close", new JsonObject { ["handle"] = h });
        var closing = closed["ssh_stderr"]!.GetValue<string>();
        output.WriteLine(closing);
        Assert.Contains("Transferred: sent ", closing);
        Assert.EndsWith("debug1: Exit status 0\r\n", closing);
        Assert.DoesNotContain("Sending subsystem", closing);
    }

    [Fact]
    public async Task Ssh_s_stderr_keeps_its_first_64_KiB_and_says_it_was_cut()
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        // An "ssh" that talks a lot before it fails: 100 000 lines, then an error.
        var script = bridge.Local("chatty-ssh");
        File.WriteAllText(script, "#!/bin/sh\ni=0\nwhile [ $i -lt 2000 ]; do printf 'debug1: line %s of the login, padded to be long enough\\r\\n' $i >&2; i=$((i+1)); done\necho 'Permission denied (publickey).' >&2\nexit 255\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var client = bridge.Connect();
        var failed = await Fail(client, "open", new JsonObject { ["host"] = "chatty.example", ["ssh_cmd"] = script });
        var said = Data(failed)["ssh_stderr"]!.GetValue<string>();
        Assert.StartsWith("debug1: line 0 of the login", said);
        Assert.InRange(said.Length, 60_000, 66_000);
        Assert.Matches(@"cpanbridge: ssh's stderr was cut here \(64 KiB kept, \d+ more characters not\)\r\n\z", said);
        // The message still names ssh's last words.
        Assert.Contains("Permission denied (publickey).", Error(failed));
    }

    [Fact]
    public async Task Password_login_works_and_the_password_is_on_no_command_line_in_no_log_and_in_no_file_after_the_login()
    {
        if (SshServer.Find(output) is not { } server) return;
        if (server.Password.Length == 0)
        {
            output.WriteLine("SKIPPED: the test sshd has no password login (CPAN_BRIDGE_TEST_SSH_PASSWORD is empty: not started as root)");
            return;
        }
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        var mark = SshProcesses.Marker(out var marker);
        var (opened, _) = await Ok(client, "open", new JsonObject
        {
            ["host"] = server.Host,
            ["port"] = server.Port,
            ["user"] = server.User,
            ["password"] = server.Password,
            ["more"] = new JsonArray([.. mark.Concat(["-o", "IdentitiesOnly=yes"]).Select(a => (JsonNode)a)]),
        });
        var ssh = SshProcesses.FindSsh(marker);
        var argv = SshProcesses.CommandLine(ssh);
        output.WriteLine("ssh argv: " + string.Join(" ", argv));
        Assert.DoesNotContain(argv, a => a.Contains(server.Password));
        Assert.Contains("PreferredAuthentications=keyboard-interactive,password", argv);
        // (This test process's own environment has the password for the tests; ssh inherits that one variable.)
        var environ = File.ReadAllText($"/proc/{ssh}/environ").Split('\0').Where(v => !v.StartsWith("CPAN_BRIDGE_TEST_SSH_PASSWORD=")).ToList();
        Assert.DoesNotContain(environ, v => v.Contains(server.Password));
        Assert.Contains("SSH_ASKPASS_REQUIRE=force", environ);
        // The askpass directory (helper and one-time password file) is gone once the session is up.
        Assert.Empty(Directory.GetDirectories(bridge.Directory, "askpass-*"));

        await Ok(client, "stat", new JsonObject { ["path"] = "." });
        await Ok(client, "close", new JsonObject { ["handle"] = opened["handle"]!.DeepClone() });
        Assert.DoesNotContain(server.Password, bridge.LogText.ToString());
        Assert.Contains("password through askpass", bridge.LogText.ToString());
    }

    [Fact]
    public async Task A_wrong_password_fails_at_once_with_ssh_s_own_message()
    {
        if (SshServer.Find(output) is not { } server) return;
        if (server.Password.Length == 0)
        {
            output.WriteLine("SKIPPED: the test sshd has no password login");
            return;
        }
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        var clock = Stopwatch.StartNew();
        var failed = await Fail(client, "open", new JsonObject
        {
            ["host"] = server.Host,
            ["port"] = server.Port,
            ["user"] = server.User,
            ["password"] = "not-" + server.Password,
            ["more"] = new JsonArray("-o", "IdentitiesOnly=yes"),
        }, timeoutSeconds: 10);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F2} s: {failed.ToJsonString()}");
        Assert.Equal("E_NATIVE", Code(failed));
        Assert.Contains("Permission denied", Error(failed));
        Assert.Contains($"{server.User}@{server.Host}:{server.Port}", Error(failed));
        Assert.Equal("failed", Data(failed)["connection"]!.GetValue<string>());
        Assert.Equal(255, Data(failed)["ssh_exit"]!.GetValue<int>());
        // As ssh wrote it (CRLF line ends), for the script's stderr.
        Assert.EndsWith("Permission denied (publickey,password).\r\n", Data(failed)["ssh_stderr"]!.GetValue<string>());
        Assert.Null(Data(failed)["status"]);
        Assert.DoesNotContain("not-" + server.Password, bridge.LogText.ToString());
        Assert.Empty(Directory.GetDirectories(bridge.Directory, "askpass-*"));
        // The connection is still good for the next try.
        await Ok(client, "open", server.KeyLogin());
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("ask")]
    public async Task An_unknown_host_key_fails_at_once_with_Host_key_verification_failed(string strict)
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server, trustTestServer: false);
        var client = bridge.Connect();
        var emptyKnownHosts = bridge.Local("known_hosts");
        File.WriteAllText(emptyKnownHosts, "");
        var clock = Stopwatch.StartNew();
        var failed = await Fail(client, "open", new JsonObject
        {
            ["host"] = server.Host,
            ["port"] = server.Port,
            ["user"] = server.User,
            ["key_path"] = server.Key,
            ["password"] = "irrelevant",
            ["more"] = new JsonArray("-o", "UserKnownHostsFile=" + emptyKnownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=" + strict),
        }, timeoutSeconds: 10);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F2} s: {failed.ToJsonString()}");
        Assert.Contains("Host key verification failed.", Error(failed));
        Assert.Equal("failed", Data(failed)["connection"]!.GetValue<string>());
        // "ask" was answered "no": nothing was added to known_hosts.
        Assert.Equal("", File.ReadAllText(emptyKnownHosts));
    }

    [Theory]
    [InlineData("cpanbridge-test@127.0.0.1's password: ")]
    [InlineData("(cpanbridge-test@127.0.0.1) Password: ")]
    [InlineData("Enter passphrase for key '/root/.ssh/id_ed25519': ")]
    public async Task The_askpass_helper_gives_the_password_once_says_no_to_host_keys_and_nothing_to_other_questions(string prompt)
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var client = bridge.Connect();
        // An "ssh" that asks what the real one would, records the answers and gives up.
        var fakeSsh = bridge.Local("asking-ssh");
        var answers = bridge.Local("answers");
        File.WriteAllText(fakeSsh, $$"""
            #!/bin/sh
            ask() { a=$("$SSH_ASKPASS" "$1"); s=$?; printf '%s=[%s] %s\n' "$2" "$a" "$s"; }
            {
              echo "require=$SSH_ASKPASS_REQUIRE"
              ask "{{prompt}}" first
              ask "{{prompt}}" again
              ask "The authenticity of host '[h]:1' can't be established.
            Are you sure you want to continue connecting (yes/no/[fingerprint])? " hostkey
              ask "Verification code: " other
            } > "{{answers}}"
            exit 255

            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(fakeSsh, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var failed = await Fail(client, "open", new JsonObject { ["host"] = "h", ["ssh_cmd"] = fakeSsh, ["password"] = "s3cret 'x\\" });
        Assert.Equal("failed", Data(failed)["connection"]!.GetValue<string>());
        Assert.Equal(255, Data(failed)["ssh_exit"]!.GetValue<int>());
        Assert.Equal(
            "require=force\nfirst=[s3cret 'x\\] 0\nagain=[] 1\nhostkey=[no] 0\nother=[] 1\n",
            File.ReadAllText(answers));
        Assert.Empty(Directory.GetDirectories(bridge.Directory, "askpass-*"));
    }

    [Fact]
    public async Task A_server_that_never_answers_INIT_times_out_and_the_ssh_process_is_gone()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        // An "ssh" that connects nothing and says nothing.
        var silent = bridge.Local("silent-ssh");
        File.WriteAllText(silent, "#!/bin/sh\nexec sleep 60\n");
        File.SetUnixFileMode(silent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var clock = Stopwatch.StartNew();
        var failed = await Fail(client, "open", new JsonObject { ["host"] = "silent.example", ["ssh_cmd"] = silent, ["timeout"] = 1 });
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 9);
        Assert.Equal("timeout", Data(failed)["connection"]!.GetValue<string>());
        Assert.Contains("within the timeout of 1 s", Error(failed));
        Assert.Empty(Directory.GetDirectories(bridge.Directory, "askpass-*"));
    }

    [Fact]
    public async Task A_missing_ssh_command_a_refused_port_and_bad_parameters_are_clear_errors()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        var noSsh = await Fail(client, "open", new JsonObject { ["host"] = server.Host, ["ssh_cmd"] = "/nonexistent/ssh" });
        Assert.Equal("E_NATIVE", Code(noSsh));
        Assert.Contains("cannot run '/nonexistent/ssh'", Error(noSsh));

        var refused = await Fail(client, "open", new JsonObject { ["host"] = "127.0.0.1", ["port"] = 1, ["key_path"] = server.Key });
        Assert.Contains("Connection refused", Error(refused));
        Assert.Equal(255, Data(refused)["ssh_exit"]!.GetValue<int>());

        Assert.Equal("E_USAGE", Code(await Fail(client, "open", new JsonObject { ["host"] = "-oProxyCommand=touch /tmp/x" })));
        Assert.Equal("E_USAGE", Code(await Fail(client, "open", new JsonObject { ["host"] = server.Host, ["port"] = 70000 })));
        Assert.Equal("E_USAGE", Code(await Fail(client, "open", new JsonObject { ["host"] = server.Host, ["timeout"] = 0 })));
        Assert.Equal("E_USAGE", Code(await Fail(client, "open", new JsonObject { ["host"] = server.Host, ["more"] = new JsonArray(new JsonObject()) })));
        Assert.Equal("E_USAGE", Code(await Fail(client, "stat", new JsonObject { ["path"] = "." })));
    }

    [Fact]
    public async Task Sessions_end_with_their_connection_and_ssh_exits()
    {
        if (SshServer.Find(output) is not { } server) return;
        using var bridge = new SftpBridge(server);
        var client = bridge.Connect();
        var mark = SshProcesses.Marker(out var marker);
        await Ok(client, "open", server.KeyLogin(mark));
        var ssh = SshProcesses.FindSsh(marker);
        await client.CloseAsync();
        for (var i = 0; i < 50 && Directory.Exists($"/proc/{ssh}") && !IsZombie(ssh); i++) await Task.Delay(100);
        Assert.True(!Directory.Exists($"/proc/{ssh}") || IsZombie(ssh), "ssh still runs after its connection closed");
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
