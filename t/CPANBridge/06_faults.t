#!/usr/bin/perl
# Faults: a daemon killed mid-session, a call in flight when it dies (never re-sent), timeouts,
# malformed frames, clients killed with open handles, foreign users, graceful shutdown.
# Nothing may hang: every section runs under an alarm.
use strict;
use warnings;
use Test::More;
use File::Basename ();
use IO::Socket::UNIX ();
use JSON::PP ();
use POSIX ();
use Socket ();
use Time::HiRes qw(time sleep);
use BridgeTest;
use CPANBridge;

my $json = JSON::PP->new->utf8->canonical;

sub section {
    my ($name, $secs, $code) = @_;
    local $SIG{ALRM} = sub { die "section '$name' did not finish within $secs s (hang)\n" };
    alarm $secs;
    my $ok = eval { $code->(); 1 };
    alarm 0;
    fail("section '$name' died: $@") unless $ok;
}

# Waits until some connection of the daemon on $sock is running $function.
sub wait_in_flight {
    my ($function, $sock) = @_;
    return wait_for(sub {
        my $r = raw_request({ id => 1, module => 'system', function => 'connections' }, $sock);
        $r && $r->{success} && grep { ($_->{current_function} || '') eq $function } @{ $r->{result}{connections} };
    }, 10);
}

my $b = CPANBridge->new;

section('kill -9 mid-session', 60, sub {
    my $open = $b->call('test', 'counter_open', { start => 0 });
    my $h = $open->{result}{handle};
    ok($h, 'counter opened on the auto-started daemon');
    is($b->call('test', 'counter_next', { handle => $h })->{result}{value}, 1, 'counter works');
    my $pid1 = daemon_pid();
    ok(pid_alive($pid1), "daemon $pid1 runs");
    kill 'KILL', $pid1;
    ok(wait_gone($pid1, 5), 'daemon killed with SIGKILL');

    my $t0 = time;
    my $r = $b->call('test', 'counter_next', { handle => $h });
    my $dt = time - $t0;
    is($r->{success}, 0, 'the next call with the lost handle fails');
    is($r->{code}, 'E_HANDLE', '... with E_HANDLE');
    (my $h_name = $h) =~ s/\@.*//;
    like($r->{error}, qr/\Q$h_name\E/, "... naming the handle ($r->{error})");
    like($r->{error}, qr/restart|earlier daemon|previous daemon|no longer|lost/i, '... saying the daemon restarted');
    cmp_ok($dt, '<', 15, sprintf('... after %.2f s (auto-restart, no hang)', $dt));

    my $p = $b->call('test', 'ping', {});
    ok($p->{success}, 'stateless calls carry on');
    my $pid2 = daemon_pid();
    isnt($pid2, $pid1, "a new daemon ($pid2) was started");
    is($p->{result}{pid}, $pid2, '... and it answers');
    my $h2 = $b->call('test', 'counter_open', {})->{result}{handle};
    is($b->call('test', 'counter_next', { handle => $h2 })->{result}{value}, 1, 'new handles work on the new daemon');
});

section('daemon dies with a call in flight', 60, sub {
    my $pid1 = daemon_pid();
    my ($kpid, $kr) = fork_child(sub {
        return { seen => wait_in_flight('test.sleep') ? 1 : 0, killed => kill('KILL', $pid1) };
    }, hard_exit => 1);
    my $t0 = time;
    my $r = $b->call('test', 'sleep', { ms => 4000 });
    my $dt = time - $t0;
    my ($k) = child_result($kpid, $kr);
    ok($k->{seen} && $k->{killed}, 'the daemon was killed while test.sleep ran');
    is_deeply($r, { success => 0, code => 'E_LOST',
                    error => 'connection to cpanbridge daemon lost while test.sleep was in flight; '
                           . 'it may or may not have run and was not retried' },
              'the call in flight gets E_LOST');
    cmp_ok($dt, '<', 3, sprintf('... at once (%.2f s), not after the 4 s sleep', $dt));

    my $perf = $b->call('system', 'performance', {});
    ok($perf->{success}, 'the next call works (auto-restart)') or diag explain $perf;
    isnt(daemon_pid(), $pid1, '... on a new daemon');
    ok($perf->{success} && !exists $perf->{result}{functions}{'test.sleep'}, 'test.sleep was not re-sent to the new daemon')
        or diag explain $perf->{result}{functions};
    my @ran = grep { $_ ne 'bridge.hello' && $_ ne 'system.performance' } keys %{ $perf->{result}{functions} || {} };
    is_deeply(\@ran, [], 'the new daemon ran nothing but the handshake before the performance call');

    # The same for pipelined calls: the loss is reported at the sync point, nothing re-sent.
    my $pid2 = daemon_pid();
    $b->call_pipelined('test', 'sleep', { ms => 4000 });
    $b->call_pipelined('test', 'echo', { n => 1 });    # written, queued behind the sleep
    ok(wait_in_flight('test.sleep'), 'pipelined sleep in flight');
    kill 'KILL', $pid2;
    my $e = $b->sync;
    is($e->{code}, 'E_LOST', 'pipelined call in flight: sync reports E_LOST');
    like($e->{error}, qr/while test\.sleep was in flight/, '... naming the first lost call');
    $perf = $b->call('system', 'performance', {});
    ok($perf->{success} && !exists $perf->{result}{functions}{'test.sleep'} && !exists $perf->{result}{functions}{'test.echo'},
       'neither pipelined call was re-sent') or diag explain { perf => $perf, lost => $e };
});

section('timeout', 30, sub {
    my $t = CPANBridge->new(timeout => 0.5);
    my $t0 = time;
    my $r = $t->call('test', 'sleep', { ms => 3000 });
    my $dt = time - $t0;
    is($r->{code}, 'E_TIMEOUT', 'timeout => 0.5 gives E_TIMEOUT');
    like($r->{error}, qr/test\.sleep/, '... naming the call');
    cmp_ok($dt, '<', 2, sprintf('... after %.2f s', $dt));
    my $p = $t->call('test', 'ping', {});
    ok($p->{success}, 'the next call works on a new connection');
    ok($p->{result}{input} && !exists $p->{result}{slept_ms}, '... and gets its own response, not the late one');
    local $ENV{CPAN_BRIDGE_TIMEOUT} = '0.3';
    $r = CPANBridge->new->call('test', 'sleep', { ms => 2000 });
    is($r->{code}, 'E_TIMEOUT', 'CPAN_BRIDGE_TIMEOUT=0.3 gives E_TIMEOUT');
    ok(CPANBridge->new->call('test', 'ping', {})->{success}, 'and the bridge carries on');
});

# --- malformed frames over a raw socket --------------------------------------------------------
sub raw {
    my $s = raw_connect() or die "connect: $!";
    return $s;
}

# Reads one line within $secs: the line, '' at EOF, undef on timeout.
sub read_line {
    my ($s, $secs) = @_;
    my $buf = '';
    my $until = time + ($secs || 10);
    while (1) {
        my $nl = index($buf, "\n");
        return substr($buf, 0, $nl + 1) if $nl >= 0;
        my $left = $until - time;
        return undef if $left <= 0;
        my $rin = '';
        vec($rin, fileno $s, 1) = 1;
        next unless select(my $rout = $rin, undef, undef, $left);
        my $n = sysread($s, $buf, 65536, length $buf);
        return $buf eq '' ? '' : $buf unless $n;
    }
}

sub send_raw {
    my ($s, $bytes) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite($s, $bytes, length($bytes) - $off, $off);
        return $off unless $n;
        $off += $n;
    }
    return $off;
}

sub response_to {
    my ($bytes) = @_;
    my $s = raw();
    send_raw($s, $bytes);
    my $line = read_line($s, 10);
    return ($s, defined $line && $line ne '' ? eval { $json->decode($line) } : $line);
}

section('malformed frames', 120, sub {
    my $dpid = daemon_pid() || do { $b->call('test', 'ping'); daemon_pid() };
    ok($dpid, "daemon $dpid for the malformed-frame tests");

    my ($s, $r) = response_to("this is not json\n");
    is($r->{code}, 'E_FRAME', 'not JSON: E_FRAME');
    ok(exists $r->{id} && !defined $r->{id}, '... with id null');
    send_raw($s, qq({"id":5,"module":"test","function":"ping"}\n));
    my $l = read_line($s, 10);
    my $p = $l ? eval { $json->decode($l) } : undef;
    ok($p && $p->{success} && $p->{id} == 5, '... and the connection stays open');

    (undef, $r) = response_to(qq({"id":1,"module":"test","function":"echo","params":{"s":"\xff\xfe"}}\n));
    is($r->{code}, 'E_FRAME', 'invalid UTF-8: E_FRAME');
    (undef, $r) = response_to("[1,2,3]\n");
    is($r->{code}, 'E_FRAME', 'a JSON array, not an object: E_FRAME');
    (undef, $r) = response_to(qq({"id":2,"module":5,"function":"ping"}\n));
    is($r->{code}, 'E_REQUEST', 'module is a number: E_REQUEST');
    is($r->{id}, 2, '... echoing the id');
    (undef, $r) = response_to(qq({"id":3,"module":"test"}\n));
    is($r->{code}, 'E_REQUEST', 'function missing: E_REQUEST');
    (undef, $r) = response_to(qq({"id":4,"module":"test","function":"echo","params":"str"}\n));
    is($r->{code}, 'E_REQUEST', 'params a string: E_REQUEST');
    (undef, $r) = response_to(qq({"id":6,"module":"test","function":"echo","attachment":-1}\n));
    is($r->{code}, 'E_REQUEST', 'negative attachment length: E_REQUEST');
    (undef, $r) = response_to(qq({"id":7,"module":"test","function":"echo","attachment":"ten"}\n));
    is($r->{code}, 'E_REQUEST', 'attachment length a string: E_REQUEST');
    (undef, $r) = response_to(qq({"id":8,"module":"test","function":"sleep","params":{"ms":"soon"}}\n));
    is($r->{code}, 'E_USAGE', 'parameter of the wrong type: E_USAGE');

    my $deep = '{"id":9,"module":"test","function":"echo","params":{"a":' . ('[' x 10000) . (']' x 10000) . "}}\n";
    ($s, $r) = response_to($deep);
    is($r->{code}, 'E_FRAME', '10,000-deep nesting: E_FRAME');
    send_raw($s, qq({"id":10,"module":"test","function":"ping"}\n));
    $l = read_line($s, 10);
    ok($l && eval { $json->decode($l)->{success} }, '... and the connection stays open');

    # Truncated frames: the client goes away mid-line and mid-attachment.
    $s = raw();
    send_raw($s, '{"id":11,"module":"te');
    shutdown($s, 1);
    $l = read_line($s, 10);
    ok(defined $l, 'truncated line then EOF: the daemon answers or closes (no hang)');
    $s = raw();
    send_raw($s, qq({"id":12,"module":"test","function":"echo","attachment":100}\n) . ('x' x 10));
    shutdown($s, 1);
    $l = read_line($s, 10);
    ok(defined $l, 'truncated attachment then EOF: the daemon answers or closes (no hang)');

    # An attachment larger than the limit is refused before a byte of it is read.
    ($s, $r) = response_to(qq({"id":13,"module":"test","function":"echo","attachment":600000000}\n));
    is($r->{code}, 'E_FRAME_TOO_LARGE', 'announced attachment over the limit: E_FRAME_TOO_LARGE');
    is(read_line($s, 10), '', '... and the connection is closed');

    # A 100 MB line: refused once it passes the frame limit; the connection is closed.
    $s = raw();
    my $t0 = time;
    my $chunk = 'a' x (1 << 20);
    my $written = 0;
    {
        local $SIG{PIPE} = 'IGNORE';
        $s->blocking(0);
        for (1 .. 100) {
            my $off = 0;
            while ($off < length $chunk) {
                my $n = syswrite($s, $chunk, length($chunk) - $off, $off);
                if (defined $n) { $off += $n; next }
                last unless $!{EAGAIN};
                my $win = '';
                vec($win, fileno $s, 1) = 1;
                last unless select(undef, my $wout = $win, undef, 5);
            }
            $written += $off;
            last if $off < length $chunk;
        }
        $s->blocking(1);
    }
    $l = read_line($s, 10);
    $r = $l ? eval { $json->decode($l) } : undef;
    is($r && $r->{code}, 'E_FRAME_TOO_LARGE', sprintf('100 MB line: E_FRAME_TOO_LARGE after %.1f MB written', $written / 1048576));
    cmp_ok($written, '<', 100 * 1048576, '... the daemon stopped reading before the end');
    is(read_line($s, 10), '', '... and closed the connection');
    cmp_ok(time - $t0, '<', 30, '... promptly');

    is(daemon_pid(), $dpid, 'the same daemon is still running after all that');
    my $ping = $b->call('test', 'ping', {});
    ok($ping->{success} && $ping->{result}{pid} == $dpid, 'and answers ping');
});

section('client killed with open handles', 60, sub {
    my $dir = File::Basename::dirname($SOCKET);
    my $ready = "$dir/holder.ready";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        my $code = <<'PERL';
use CPANBridge;
my $b = CPANBridge->new;
$b->call('test', 'counter_open', {}) for 1 .. 3;
my $id = $b->call('bridge', 'hello', {})->{result}{connection_id};
open(my $fh, '>', "$ARGV[0].tmp") or die; print {$fh} "$id\n"; close $fh; rename "$ARGV[0].tmp", $ARGV[0];
sleep 60;
PERL
        { exec { $^X } $^X, "-I$ROOT/perl/lib", '-e', $code, $ready; }
        POSIX::_exit(127);
    }
    ok(wait_for(sub { -e $ready }, 20), 'holder script opened 3 handles');
    my $id = slurp($ready);
    chomp $id;
    my $conns = $b->call('system', 'connections', {})->{result}{connections};
    my ($c) = grep { "$_->{connection_id}" eq $id } @$conns;
    ok($c, "its connection $id is listed");
    is($c && $c->{pid}, $pid, '... with the holder pid');
    is_deeply($c && $c->{handles}, { 'test.counter' => 3 }, '... holding 3 counters');
    my $before = $b->call('system', 'metrics', {})->{result}{connection_summary}{open_handles};
    kill 'KILL', $pid;
    waitpid($pid, 0);
    my $gone = wait_for(sub {
        my $list = $b->call('system', 'connections', {})->{result}{connections};
        !grep { "$_->{connection_id}" eq $id } @$list;
    }, 5);
    ok($gone, 'after kill -9 of the script its connection is gone');
    my $after = $b->call('system', 'metrics', {})->{result}{connection_summary}{open_handles};
    is($after, $before - 3, "... and its 3 handles were disposed ($before -> $after open)");
});

SKIP: {
    my $setpriv = -x '/usr/bin/setpriv' ? '/usr/bin/setpriv' : undef;
    skip 'needs root, setpriv and the nobody user', 8 unless $> == 0 && $setpriv && defined getpwnam('nobody');
    section('foreign uid refused', 60, sub {
        my $sock = new_socket_dir();
        my $dir = File::Basename::dirname($sock);
        my $dpid = spawn_daemon(socket => $sock, env => { CPAN_BRIDGE_SOCKET_MODE => '0666' });
        chmod 0711, $dir;    # nobody may traverse, not list or write
        is((stat $sock)[2] & 07777, 0666, 'socket is 0666 as configured');
        my $code = 'use CPANBridge; my $b = CPANBridge->new; my $r = $b->call("test","ping",{}); '
                 . 'print "code=", ($r->{code} || "none"), "\nerror=", ($r->{error} || ""), "\n";';
        my ($st, $out, $err) = run_cmd([$setpriv, '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                                        $^X, "-I$ROOT/perl/lib", '-e', $code],
                                       env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_FALLBACK => 0 });
        is($st, 0, 'the nobody client ran') or diag($err);
        like($out, qr/^code=E_REFUSED$/m, 'a client running as nobody is refused with E_REFUSED');
        like($out, qr/^error=.*65534/m, '... naming its uid');
        my @audit = grep { $_ && $_->{uid} == 65534 }
                    map { eval { $json->decode($_) } } split /\n/, (slurp(BridgeTest::base_of($sock) . '.audit.log') || '');
        is(scalar @audit, 1, 'one audit line for the refused peer');
        ok($audit[0] && $audit[0]{event} && $audit[0]{reason} && $audit[0]{pid}, '... with event, uid, pid and reason')
            or diag explain \@audit;
        my $root = CPANBridge->new(socket => $sock)->call('test', 'ping', {});
        ok($root->{success} && $root->{result}{pid} == $dpid, 'the daemon still serves its own uid');
        is(stop_daemon($sock), 1, 'stopped');
    });
}

section('SIGTERM with a request in flight', 60, sub {
    my $sock = new_socket_dir();
    my $dpid = spawn_daemon(socket => $sock);
    my $idle = CPANBridge->new(socket => $sock);
    ok($idle->call('test', 'ping', {})->{success}, 'an idle client is connected too');
    my ($cpid, $cr) = fork_child(sub {
        my $t0 = time;
        my $r = CPANBridge->new(socket => $sock)->call('test', 'sleep', { ms => 1500 });
        return { r => $r, secs => time - $t0 };
    }, hard_exit => 1);
    ok(wait_in_flight('test.sleep', $sock), 'test.sleep is in flight');
    my $t0 = time;
    kill 'TERM', $dpid;
    ok(wait_gone($dpid, 8), 'the daemon exits after SIGTERM');
    my $dt = time - $t0;
    cmp_ok($dt, '<', 5, sprintf('... within 5 s (%.2f s)', $dt));
    is(BridgeTest::spawned_status($dpid), 0, '... with exit status 0');
    my ($c) = child_result($cpid, $cr);
    ok($c->{r}{success}, 'the request in flight completed') or diag explain $c;
    is($c->{r}{result}{slept_ms}, 1500, '... fully (slept 1500 ms)');
    ok(!-e $sock, 'the socket file was removed');

    # The idle client simply carries on with a new daemon.
    my $p = $idle->call('test', 'ping', {});
    ok($p->{success} && $p->{result}{pid} != $dpid, 'the idle client carries on with a new daemon');
});

section('SIGTERM with requests queued behind one in flight', 60, sub {
    my $sock = new_socket_dir();
    my $dpid = spawn_daemon(socket => $sock);
    my $dir = File::Basename::dirname($sock);
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        my ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_DEBUG => 1 });
use CPANBridge;
use Time::HiRes qw(sleep);
my $b = CPANBridge->new;
$b->call_pipelined('test', 'sleep', { ms => 1200 });
$b->call_pipelined('test', 'echo', { n => 1 });     # queued behind the sleep when SIGTERM comes
sleep 0.05 until -e "$ENV{CPAN_BRIDGE_SOCKET}.go";
my $r = $b->call('test', 'echo', { n => 2 });
my $f = $b->call('system', 'performance', {})->{result}{functions};
print "r=", ($r->{success} ? 'ok' : $r->{code}), " echoes=", ($f->{'test.echo'} ? $f->{'test.echo'}{count} : 0),
      " sleeps=", ($f->{'test.sleep'} ? 1 : 0), "\nerror=", ($r->{error} || ''), "\n";
PERL
        open(my $fh, '>', "$dir/shutdown.result") or die;
        print {$fh} $json->encode({ st => $st, out => $out, err => $err });
        close $fh;
        POSIX::_exit(0);
    }
    ok(wait_in_flight('test.sleep', $sock), 'a pipelined sleep is in flight with an echo queued behind it');
    sleep 0.2;
    kill 'TERM', $dpid;
    open(my $go, '>', "$sock.go") or die;
    close $go;
    waitpid($pid, 0);
    my $res = $json->decode(slurp("$dir/shutdown.result") || '{}');
    is(BridgeTest::spawned_status($dpid), 0, 'the old daemon exited 0');
    like($res->{out}, qr/ sleeps=0$/m, 'the sleep that completed was not run again on the new daemon');
    # Frames the daemon had already read are refused with E_SHUTTING_DOWN (so they are re-sent);
    # frames still unread in the socket are dropped with the connection (so they are lost).
    if ($res->{err} =~ /<- .*"code":"E_SHUTTING_DOWN"/) {
        like($res->{err}, qr/re-sending test\.echo/, 'E_SHUTTING_DOWN: the refused echo was re-sent');
        like($res->{out}, qr/^r=ok echoes=2 /m, '... and ran once on the new daemon, before the next call');
    }
    else {
        like($res->{out}, qr/^r=E_PIPELINED echoes=0 /m, 'dropped unread: the next call reports the loss and is not sent');
        like($res->{out}, qr/^error=earlier pipelined call test\.echo .*was not retried/m, '... naming the lost echo');
    }
});

# A scripted peer answers exactly as told, so the client's handling of E_SHUTTING_DOWN can be
# checked deterministically. Each connection gets the next script: a list of replies ('ok' or
# 'stop') for the requests after the hello; 'stop' answers E_SHUTTING_DOWN to that request and
# every later one already sent, then hangs up. Every request is logged as "conn:id:function:n:reply".
sub scripted_peer {
    my ($sock, @scripts) = @_;
    my $log = "$sock.log";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        my $l = IO::Socket::UNIX->new(Type => Socket::SOCK_STREAM(), Local => $sock, Listen => 16) or die "listen: $!";
        open(my $lf, '>>', $log) or die;
        $lf->autoflush(1);
        my $n = 0;
        while (my $c = $l->accept) {
            $n++;
            my @script = @{ shift(@scripts) || [] };
            my $stopping = 0;
            my $buf = '';
            # Unbuffered reads: after 'stop', "what is already on its way" must be visible to select.
            my $next_line = sub {
                my ($wait) = @_;
                while (1) {
                    my $nl = index($buf, "\n");
                    return substr($buf, 0, $nl + 1, '') if $nl >= 0;
                    my $rin = '';
                    vec($rin, fileno $c, 1) = 1;
                    return undef unless select(my $rout = $rin, undef, undef, $wait);
                    return undef unless sysread($c, $buf, 65536, length $buf);
                }
            };
            while (defined(my $line = $next_line->($stopping ? 0.3 : undef))) {
                my $req = $json->decode($line);
                my $f = "$req->{module}.$req->{function}";
                if ($f eq 'bridge.hello') {
                    print {$c} $json->encode({ id => $req->{id}, success => JSON::PP::true(),
                                               result => { pid => $$, connection_id => $n, protocol => 1 } }), "\n";
                    $c->flush;
                    next;
                }
                my $what = $stopping ? 'stop' : (shift(@script) || 'ok');
                print {$lf} "$n:$req->{id}:$f:" . ($req->{params}{n} || 0) . ":$what\n";
                if ($what eq 'stop') {
                    $stopping = 1;
                    print {$c} $json->encode({ id => $req->{id}, success => JSON::PP::false(), code => 'E_SHUTTING_DOWN',
                                               error => "the daemon is shutting down; $f was not executed" }), "\n";
                    $c->flush;
                    next;
                }
                print {$c} $json->encode({ id => $req->{id}, success => JSON::PP::true(),
                                           result => { conn => $n, n => $req->{params}{n} } }), "\n";
                $c->flush;
            }
            close $c;
        }
        POSIX::_exit(0);
    }
    wait_for(sub { -S $sock }, 10);
    return ($pid, $log);
}

section('E_SHUTTING_DOWN is retried once (scripted peer)', 60, sub {
    my $sock = new_socket_dir();
    my ($peer, $log) = scripted_peer($sock, ['stop'], ['ok'], ['stop'], ['stop'], ['ok', 'ok', 'stop'], []);
    my $c = CPANBridge->new(socket => $sock, fallback => 0);

    my $r = $c->call('test', 'echo', { n => 1 });
    ok($r->{success}, 'a synchronous call refused with E_SHUTTING_DOWN succeeds on the retry');
    is($r->{result}{conn}, 2, '... served on a new connection');
    is(slurp($log), "1:2:test.echo:1:stop\n2:2:test.echo:1:ok\n", '... sent exactly twice: refused once, run once');

    $r = $c->call('test', 'echo', { n => 2 });
    ok($r->{success}, 'the connection after the retry is used normally');

    $c->close;
    truncate $log, 0;
    $r = $c->call('test', 'echo', { n => 3 });
    is($r->{code}, 'E_SHUTTING_DOWN', 'refused again on the retry: E_SHUTTING_DOWN is returned (one retry only)');
    is(slurp($log), "3:2:test.echo:3:stop\n4:2:test.echo:3:stop\n", '... after exactly two attempts');

    truncate $log, 0;
    $c->call_pipelined('test', 'echo', { n => $_ }) for 4 .. 7;
    my $e = $c->sync;
    is($e, undef, 'pipelined calls refused with E_SHUTTING_DOWN are re-sent and succeed') or diag explain $e;
    # n=7 may or may not reach the stopping connection before the client reads that it is
    # stopping; either way each call runs exactly once, in order, and nothing is lost.
    my @log = split /\n/, (slurp($log) || '');
    is_deeply([ map { /:(\d+):ok$/ ? $1 : () } @log ], [ 4, 5, 6, 7 ], '... each ran exactly once, in order');
    my %refused = map { /:(\d+):stop$/ ? ($1 => 1) : () } @log;
    ok($refused{6} && !$refused{4} && !$refused{5}, '... only the refused ones were sent again')
        or diag join "\n", @log;
    kill 'KILL', $peer;
    waitpid($peer, 0);
});

done_testing;
