using System.Text.Json.Nodes;
using CpanBridge.Tests.Support;
using Xunit.Abstractions;
using static CpanBridge.Tests.Modules.Sftp.SftpCalls;

namespace CpanBridge.Tests.Modules.Sftp;

/// <summary>
/// put/get against a fake SFTP server (given as ssh_cmd) that answers each batch of requests in
/// reverse order and sends short reads, and reports how many requests it found waiting at once:
/// the things a well-behaved OpenSSH server never shows, but the protocol allows.
/// </summary>
public class SftpPipeliningTests(ITestOutputHelper output)
{
    // Core Perl only. Answers INIT, REALPATH, OPEN, FSTAT, READ, WRITE, CLOSE; byte i of the
    // served file is i % 251; a written file goes to $FAKE_OUT at CLOSE; the largest batch of
    // requests found waiting together goes to $FAKE_STATS.
    private const string FakeServer = """
        #!/usr/bin/perl
        use strict; use warnings;
        binmode STDIN; binmode STDOUT;
        my $size = $ENV{FAKE_SIZE}; my $chunk = $ENV{FAKE_CHUNK};
        my ($out, $stats) = @ENV{qw(FAKE_OUT FAKE_STATS)};
        my %written; my $mode = ''; my $depth = 0;
        sub readn { my $n = shift; my $buf = ''; while (length $buf < $n) { my $r = sysread(STDIN, $buf, $n - length $buf, length $buf); return undef unless $r } $buf }
        sub packet { my $len = readn(4); return undef unless defined $len; readn(unpack 'N', $len) }
        sub reply { my $p = pack('N', length $_[0]) . $_[0]; my $o = 0; while ($o < length $p) { my $w = syswrite(STDOUT, $p, length($p) - $o, $o); exit 1 unless $w; $o += $w } }
        sub str { pack 'N/a*', $_[0] }
        sub status { pack('CNN', 101, $_[0], $_[1]) . str($_[2]) . str('') }
        packet() or exit 0;
        reply(pack 'CN', 2, 3);
        while (defined(my $first = packet())) {
            my @batch = ($first);
            while (1) {
                my $rin = ''; vec($rin, fileno(STDIN), 1) = 1;
                last unless select(my $rout = $rin, undef, undef, 0.02);
                my $more = packet(); last unless defined $more; push @batch, $more;
            }
            if (@batch > $depth) { $depth = @batch; open my $fh, '>', $stats or die; print $fh $depth; close $fh }
            my @replies;
            for my $q (@batch) {
                my ($type, $id) = unpack 'CN', $q; my $rest = substr $q, 5;
                if ($type == 16) { push @replies, pack('CNN', 104, $id, 1) . str('/fake') . str('/fake') . pack('N', 0) }
                elsif ($type == 3) { my (undef, $flags) = unpack 'N/a* N', $rest; $mode = $flags & 2 ? 'w' : 'r'; %written = (); push @replies, pack('CN', 102, $id) . str('h1') }
                elsif ($type == 8) { push @replies, $ENV{FAKE_NO_SIZE} ? pack('CNN', 105, $id, 0) : pack('CNNNN', 105, $id, 1, 0, $size) }
                elsif ($type == 5) {
                    my (undef, $hi, $lo, $len) = unpack 'N/a* N N N', $rest; my $off = $hi * 2**32 + $lo;
                    if ($off >= $size) { push @replies, status($id, 1, 'End of file'); next }
                    my $n = $len; $n = $chunk if $n > $chunk; $n = $size - $off if $n > $size - $off;
                    push @replies, pack('CN', 103, $id) . str(join '', map { chr(($off + $_) % 251) } 0 .. $n - 1);
                }
                elsif ($type == 6) { my (undef, $hi, $lo, $data) = unpack 'N/a* N N N/a*', $rest; $written{$hi * 2**32 + $lo} = $data; push @replies, status($id, 0, 'OK') }
                elsif ($type == 14 && $ENV{FAKE_STALL}) { }
                elsif ($type == 17) { push @replies, pack('CNN', 105, $id, 1) }
                elsif ($type == 4) {
                    if ($mode eq 'w') { open my $fh, '>', $out or die; binmode $fh; for my $o (sort { $a <=> $b } keys %written) { seek $fh, $o, 0; print $fh $written{$o} } close $fh }
                    push @replies, status($id, 0, 'OK');
                }
                else { push @replies, status($id, 8, 'Operation unsupported') }
            }
            reply($_) for reverse @replies;
        }

        """;

    private static byte[] Pattern(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i % 251))];

    private static async Task<(PipeClient Client, string Handle, string Stats, string Out)> OpenFake(SftpBridge bridge, int size, int chunk,
        bool noSize = false, bool stall = false, double timeout = 20)
    {
        var script = bridge.Local("fake-sftp-server");
        if (!File.Exists(script))
        {
            File.WriteAllText(script, FakeServer.Replace("\r\n", "\n"));
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var stats = bridge.Local($"stats-{Guid.NewGuid():N}");
        var written = bridge.Local($"out-{Guid.NewGuid():N}");
        var client = bridge.Connect();
        var env = new JsonObject { ["FAKE_SIZE"] = size.ToString(), ["FAKE_CHUNK"] = chunk.ToString(), ["FAKE_STATS"] = stats, ["FAKE_OUT"] = written };
        if (noSize) env["FAKE_NO_SIZE"] = "1";
        if (stall) env["FAKE_STALL"] = "1";
        var (opened, _) = await Ok(client, "open", new JsonObject { ["host"] = "fake.example", ["ssh_cmd"] = script, ["env"] = env, ["timeout"] = timeout });
        Assert.Equal("/fake", opened["home"]!.GetValue<string>());
        return (client, opened["handle"]!.GetValue<string>(), stats, written);
    }

    [Theory]
    [InlineData(1_000_000, 100_000, false)]
    [InlineData(300_001, 7_000, false)]
    [InlineData(300_001, 7_000, true)]
    [InlineData(0, 1000, false)]
    public async Task Get_matches_answers_to_requests_in_any_order_and_asks_again_after_short_reads(int size, int chunk, bool noSize)
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var (client, h, stats, _) = await OpenFake(bridge, size, chunk, noSize);
        var local = bridge.Local("got.bin");
        var (got, _) = await Ok(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = "/fake/file", ["local_file"] = local }, timeoutSeconds: 60);
        Assert.Equal(size, got["bytes"]!.GetValue<long>());
        Assert.Equal(Pattern(size), File.ReadAllBytes(local));
        var (content, bytes) = await Ok(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = "/fake/file" }, timeoutSeconds: 60);
        Assert.Equal(Pattern(size), bytes ?? []);
        var depth = int.Parse(File.ReadAllText(stats));
        output.WriteLine($"largest batch of requests waiting at the server: {depth}");
        if (size > 16 * 32768) Assert.True(depth >= 4, $"only {depth} requests were ever in flight together");
    }

    [Fact]
    public async Task Put_keeps_requests_in_flight_and_the_server_gets_every_block()
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var (client, h, stats, written) = await OpenFake(bridge, 0, 1000);
        var local = bridge.Local("put.bin");
        WriteRandomFile(local, 2_000_003, seed: 9);
        var (put, _) = await Ok(client, "put", new JsonObject { ["handle"] = h, ["local_file"] = local, ["remote_file"] = "/fake/up", ["queue_size"] = 16 }, timeoutSeconds: 60);
        Assert.Equal(2_000_003, put["bytes"]!.GetValue<long>());
        Assert.Equal(Sha256(local), Sha256(written));
        var depth = int.Parse(File.ReadAllText(stats));
        output.WriteLine($"largest batch of requests waiting at the server: {depth}");
        Assert.True(depth >= 4, $"only {depth} requests were ever in flight together");
    }

    [Fact]
    public async Task Put_sends_WRITE_FSETSTAT_and_CLOSE_together_and_names_the_request_that_failed()
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var (client, h, stats, written) = await OpenFake(bridge, 0, 1000);
        var content = "small file\n"u8.ToArray();
        // The fake does not know FSETSTAT: its status 8 is the put's failure, named "fsetstat",
        // and the CLOSE sent with it still closed (and wrote) the file.
        var failed = await Fail(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = "/fake/up", ["perm"] = 416, ["set_perm"] = true }, content);
        Assert.Equal("fsetstat", Data(failed)["request"]!.GetValue<string>());
        Assert.Equal(8, Status(failed));
        Assert.Equal("put_content /fake/up: Operation unsupported", Error(failed));
        Assert.Equal(content, File.ReadAllBytes(written));
        // WRITE, FSETSTAT and CLOSE reached the server as one batch: one round trip after OPEN.
        Assert.Equal(3, int.Parse(File.ReadAllText(stats)));
        var (put, _) = await Ok(client, "put_content", new JsonObject { ["handle"] = h, ["remote_file"] = "/fake/up" }, content);
        Assert.Equal(content.Length, put["bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_unsupported_request_is_the_server_s_status_8_and_the_session_goes_on()
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var (client, h, _, _) = await OpenFake(bridge, 10, 10);
        var failed = await Fail(client, "mkdir", new JsonObject { ["handle"] = h, ["path"] = "/fake/d" });
        Assert.Equal(8, Status(failed));
        Assert.Equal("mkdir /fake/d: Operation unsupported", Error(failed));
        var overwrite = await Fail(client, "rename", new JsonObject { ["handle"] = h, ["old_path"] = "a", ["new_path"] = "b", ["overwrite"] = true });
        Assert.Equal(8, Status(overwrite));
        Assert.Contains("posix-rename@openssh.com", Error(overwrite));
        await Ok(client, "realpath", new JsonObject { ["handle"] = h, ["path"] = "." });
    }

    [Fact]
    public async Task A_request_the_server_never_answers_times_out_and_ends_the_session()
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var (client, h, _, _) = await OpenFake(bridge, 10, 10, stall: true, timeout: 0.5);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timedOut = await Fail(client, "mkdir", new JsonObject { ["handle"] = h, ["path"] = "/fake/d" });
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 8);
        Assert.Equal("timeout", Data(timedOut)["connection"]!.GetValue<string>());
        Assert.Contains(h, Error(timedOut));
        Assert.Contains("within the timeout of 0.5 s", Error(timedOut));
        // A late answer could not be matched any more: the session is over, and says so.
        var later = await Fail(client, "realpath", new JsonObject { ["handle"] = h, ["path"] = "." });
        Assert.Equal("lost", Data(later)["connection"]!.GetValue<string>());
        Assert.Contains("timeout", Error(later));
        await Ok(client, "close", new JsonObject { ["handle"] = h });
    }

    [Fact]
    public async Task A_reply_that_is_not_SFTP_ends_the_session_as_lost()
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        var (client, h, _, _) = await OpenFake(bridge, 10, 10);
        // The fake answers STAT with attrs whose flags promise a size that is not there.
        var broken = await Fail(client, "stat", new JsonObject { ["handle"] = h, ["path"] = "/fake/x" });
        Assert.Equal("E_NATIVE", Code(broken));
        Assert.Equal("lost", Data(broken)["connection"]!.GetValue<string>());
        Assert.Contains("broke the SFTP protocol", Error(broken));
        Assert.Contains(h, Error(broken));
        Assert.Equal(Error(broken), Error(await Fail(client, "realpath", new JsonObject { ["handle"] = h, ["path"] = "." })));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_content_of_a_file_over_the_attachment_limit_is_E_LIMIT_and_the_session_goes_on(bool noSize)
    {
        using var bridge = new SftpBridge(SshServer.None, trustTestServer: false);
        bridge.Options.MaxAttachmentBytes = 100_000;
        var (client, h, _, _) = await OpenFake(bridge, 250_000, 250_000, noSize);
        var tooLarge = await Fail(client, "get_content", new JsonObject { ["handle"] = h, ["remote_file"] = "/fake/big" });
        Assert.Equal("E_LIMIT", Code(tooLarge));
        Assert.Contains("use get", Error(tooLarge));
        var (got, _) = await Ok(client, "get", new JsonObject { ["handle"] = h, ["remote_file"] = "/fake/big", ["local_file"] = bridge.Local("big") });
        Assert.Equal(250_000, got["bytes"]!.GetValue<long>());
    }
}
