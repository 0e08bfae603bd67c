#!/usr/bin/perl
# Private mode (a serve-stdio coprocess per script), process mode (one `cpanbridge call` per
# request), the switches that select them, and the fallback to private mode when no daemon can
# be had.
use strict;
use warnings;
use Test::More;
use File::Temp ();
use POSIX ();
use Time::HiRes ();
use BridgeTest;
use CPANBridge;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 180;

# --- private mode -----------------------------------------------------------------------------
{
    my $p = CPANBridge->new(mode => 'private');
    is($p->mode, 'private', 'mode => private');
    my $hello = $p->call('bridge', 'hello', {});
    ok($hello->{success}, 'private: hello');
    my $child_pid = $hello->{result}{pid};
    ok($child_pid && $child_pid != $$, "private: served by a coprocess (pid $child_pid)");
    my ($kid) = grep { $_ == $child_pid } map { /(\d+)/ ? $1 : () } split /\n/, `ps -o pid= --ppid $$`;
    is($kid, $child_pid, 'private: the coprocess is our child');
    my $h = $p->call('test', 'counter_open', { start => 5 })->{result}{handle};
    ok($h, 'private: counter opened');
    is($p->call('test', 'counter_next', { handle => $h })->{result}{value}, 6, 'private: state survives (6)');
    is($p->call('test', 'counter_next', { handle => $h })->{result}{value}, 7, 'private: state survives (7)');
    my $again = CPANBridge->new(mode => 'private');
    is($again->call('test', 'counter_next', { handle => $h })->{result}{value}, 8,
       'private: a second object in the same script shares the coprocess and its state');
    my $r = $p->call('test', 'echo', { s => "\x{263A}" }, { attachment => join('', map { chr } 0 .. 255) });
    ok($r->{success} && length($r->{attachment}) == 256 && $r->{result}{s} eq "\x{263A}",
       'private: attachments and wide characters');
    $p->call_pipelined('test', 'counter_next', { handle => $h }) for 1 .. 200;
    is($p->sync, undef, 'private: 200 pipelined calls');
    is($p->call('test', 'counter_next', { handle => $h })->{result}{value}, 209, 'private: they all ran');
    ok(!-e $SOCKET, 'private: no daemon socket was created');
    ok(!daemon_pid(), 'private: no daemon was started');
    $p->close;
    ok(wait_gone($child_pid, 10), 'private: close ends the coprocess');
    my $next = $p->call('test', 'ping', {});
    ok($next->{success} && $next->{result}{pid} != $child_pid, 'private: the next call starts a new coprocess');
    is($p->call('test', 'counter_next', { handle => $h })->{code}, 'E_HANDLE', "private: old handles are gone with the old coprocess");

    # The coprocess dies with a call in flight: E_LOST at once, then a new coprocess.
    my $victim = $p->call('bridge', 'hello', {})->{result}{pid};
    my $killer = fork;
    if (!$killer) {
        Time::HiRes::sleep(0.3);
        kill 'KILL', $victim;
        POSIX::_exit(0);
    }
    my $t0 = Time::HiRes::time();
    my $lost = $p->call('test', 'sleep', { ms => 3000 });
    waitpid($killer, 0);
    is($lost->{code}, 'E_LOST', 'private: coprocess killed mid-call gives E_LOST');
    like($lost->{error}, qr/serve-stdio.*test\.sleep.*not retried/, '... naming the call');
    cmp_ok(Time::HiRes::time() - $t0, '<', 2, '... at once');
    my $after = $p->call('test', 'ping', {});
    ok($after->{success} && $after->{result}{pid} != $victim, 'private: the next call runs in a new coprocess');

    # A timeout drops the coprocess too: its answers would be out of step.
    my $slow = CPANBridge->new(mode => 'private', timeout => 0.3);
    my $busy = $slow->call('bridge', 'hello', {})->{result}{pid};
    my $to = $slow->call('test', 'sleep', { ms => 3000 });
    is($to->{code}, 'E_TIMEOUT', 'private: timeout gives E_TIMEOUT');
    ok(wait_gone($busy, 5), '... and the busy coprocess is ended');
    ok($slow->call('test', 'ping', {})->{success}, '... and the next call works');
    $p->close;
}

{
    my ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_MODE => 'private' });
use CPANBridge;
my $b = CPANBridge->new;
my $h = $b->call('test', 'counter_open', {})->{result}{handle};
$b->call('test', 'counter_next', { handle => $h }) for 1 .. 3;
print "mode=", $b->mode, " value=", $b->call('test', 'counter_next', { handle => $h })->{result}{value}, "\n";
PERL
    is($st, 0, 'CPAN_BRIDGE_MODE=private script exits 0');
    like($out, qr/^mode=private value=4$/m, 'CPAN_BRIDGE_MODE=private selects private mode, state kept');
    ok(!-e $SOCKET, '... and starts no daemon');
}

# --- process mode -----------------------------------------------------------------------------
{
    my $p = CPANBridge->new(mode => 'process');
    is($p->mode, 'process', 'mode => process');
    my $r = $p->call('test', 'ping', { x => 1 });
    ok($r->{success}, 'process: stateless call works') or diag explain $r;
    is_deeply($r->{result}{input}, { x => 1 }, 'process: params arrive');
    isnt($r->{result}{pid}, $$, 'process: answered by a cpanbridge process');
    my $r2 = $p->call('test', 'ping', {});
    isnt($r2->{result}{pid}, $r->{result}{pid}, 'process: a new process per call');
    $r = $p->call('test', 'echo', { s => "caf\x{e9} \x{2603}", n => [ 1, 2 ] });
    is_deeply($r->{result}, { s => "caf\x{e9} \x{2603}", n => [ 1, 2 ] }, 'process: strings and data round-trip');
    $r = $p->call('test', 'counter_open', {});
    is($r->{success}, 0, 'process: stateful function refused');
    is($r->{code}, 'E_STATEFUL', '... with E_STATEFUL');
    like($r->{error}, qr/counter_open/, '... naming it');
    $r = $p->call('test', 'fail', { code => 'E_NATIVE', message => 'nope' });
    is_deeply($r, { success => 0, code => 'E_NATIVE', error => 'nope' }, 'process: failure envelope');
    $r = $p->call('test', 'echo', {}, { attachment => 'abc' });
    is($r->{code}, 'E_USAGE', 'process: attachments refused with E_USAGE');
    like($r->{error}, qr/daemon or private mode/, '... saying which modes carry them');
    $r = $p->call('nosuch', 'fn', {});
    is($r->{code}, 'E_UNKNOWN_MODULE', 'process: unknown module');

    ok($p->call_pipelined('test', 'echo', {}), 'process: call_pipelined runs the call');
    ok(!$p->call_pipelined('test', 'fail', { code => 'E_NATIVE', message => 'kept' }), 'process: failing pipelined call');
    $p->call_pipelined('test', 'echo', {});
    $r = $p->call('test', 'ping', {});
    is($r->{code}, 'E_PIPELINED', 'process: pipelined failure surfaces at the next call');
    like($r->{error}, qr/test\.fail.*kept/, '... naming it');
    ok($p->call('test', 'ping', {})->{success}, 'process: cleared afterwards');
    $p->call_pipelined('test', 'fail', { message => 'for sync' });
    is($p->sync->{error}, 'for sync', 'process: sync returns the kept failure');
    is($p->sync, undef, '... once');
    ok(!-e $SOCKET, 'process: no daemon socket was created');
}

for my $case (
    [ 'CPAN_BRIDGE_DAEMON=0', { CPAN_BRIDGE_DAEMON => '0' }, '' ],
    [ '$CPANBridge::DAEMON_MODE = 0', {}, '$CPANBridge::DAEMON_MODE = 0;' ],
    [ 'CPAN_BRIDGE_DAEMON=0 beats DAEMON_MODE = 1', { CPAN_BRIDGE_DAEMON => '0' }, '$CPANBridge::DAEMON_MODE = 1;' ],
    [ 'CPAN_BRIDGE_MODE=process', { CPAN_BRIDGE_MODE => 'process' }, '' ],
) {
    my ($name, $env, $pre) = @$case;
    my ($st, $out, $err) = run_perl(<<"PERL", env => $env);
use CPANBridge;
$pre
my \$b = CPANBridge->new;
my \$r = \$b->call('test', 'ping', {});
my \$s = \$b->call('test', 'counter_open', {});
print "mode=", \$b->mode, " ping=", (\$r->{success} ? 1 : 0), " stateful=", (\$s->{code} || 'ok'), "\\n";
PERL
    like($out, qr/^mode=process ping=1 stateful=E_STATEFUL$/m, "$name selects process mode") or diag($err);
}
ok(!-e $SOCKET, 'none of them started a daemon');

# --- fallback to private mode when the daemon cannot be had -----------------------------------
my $nobody_uid = getpwnam('nobody');
SKIP: {
    skip 'needs root to make a directory owned by another user', 6 unless $> == 0 && defined $nobody_uid;
    my $sock = new_socket_dir();
    my $dir = File::Basename::dirname($sock);
    chown $nobody_uid, -1, $dir or die "chown: $!";
    my ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_DEBUG => 1 });
use CPANBridge;
my $b = CPANBridge->new;
my $h = $b->call('test', 'counter_open', {})->{result}{handle};
my $v;
$v = $b->call('test', 'counter_next', { handle => $h })->{result}{value} for 1 .. 3;
print "mode=", $b->mode, " value=$v\n";
PERL
    is($st, 0, 'socket dir owned by another uid: script runs');
    like($out, qr/^mode=private value=3$/m, '... falls back to private mode, with state');
    my @warn = $err =~ /^([^\n]*using private mode[^\n]*)$/mg;
    is(scalar @warn, 1, '... and warns once at debug level');
    like($warn[0] || '', qr/owned by uid $nobody_uid/, '... saying why');
    ok(!-e $sock, '... without creating a socket in the foreign directory');

    ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_FALLBACK => 0 });
use CPANBridge;
my $r = CPANBridge->new->call('test', 'ping', {});
print "code=", ($r->{code} || 'none'), " error=", ($r->{error} || ''), "\n";
PERL
    like($out, qr/^code=E_CONNECT error=.*owned by uid $nobody_uid.*refusing/m,
         'with CPAN_BRIDGE_FALLBACK=0 the foreign directory gives E_CONNECT');
}

{
    # A socket path under a regular file: the directory can never be created.
    my ($fh, $file) = File::Temp::tempfile(UNLINK => 1);
    my $sock = "$file/sub/bridge.sock";
    my ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock });
use CPANBridge;
my $b = CPANBridge->new;
my $r = $b->call('test', 'ping', {});
print "mode=", $b->mode, " ok=", ($r->{success} ? 1 : 0), "\n";
PERL
    like($out, qr/^mode=private ok=1$/m, 'unusable socket directory: falls back to private mode');
    is($err, '', '... silently without debug');

    ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_FALLBACK => 0 });
use CPANBridge;
my $r = CPANBridge->new->call('test', 'ping', {});
print "code=$r->{code}\nerror=$r->{error}\n";
PERL
    like($out, qr/^code=E_CONNECT$/m, 'CPAN_BRIDGE_FALLBACK=0: E_CONNECT instead');
    like($out, qr/^error=.*\Q$file\E/m, '... naming the path');

    ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_BIN => '/nonexistent/cpanbridge' });
use CPANBridge;
my $t = time;
my $r = CPANBridge->new->call('test', 'ping', {});
print "code=$r->{code}\nerror=$r->{error}\nsecs=", time - $t, "\n";
PERL
    like($out, qr/^code=E_CONNECT$/m, 'no daemon and no executable: E_CONNECT');
    like($out, qr/^error=.*private mode fallback failed too: .*nonexistent/m, '... explaining both attempts');
    like($out, qr/^secs=[0-2]$/m, '... promptly');
}

{
    # No daemon, and an executable that cannot start one: fall back.
    my $sock = new_socket_dir();
    my $fake = File::Basename::dirname($sock) . '/fake-cpanbridge';
    open(my $fh, '>', $fake) or die;
    print {$fh} "#!/bin/sh\nif [ \"\$1\" = serve-stdio ]; then exec $BIN \"\$@\"; fi\necho 'policy forbids daemons here' >&2\nexit 3\n";
    close $fh;
    chmod 0755, $fake;
    my ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_SOCKET => $sock, CPAN_BRIDGE_BIN => $fake, CPAN_BRIDGE_DEBUG => 1 });
use CPANBridge;
my $b = CPANBridge->new;
my $r = $b->call('test', 'ping', {});
print "mode=", $b->mode, " ok=", ($r->{success} ? 1 : 0), "\n";
PERL
    like($out, qr/^mode=private ok=1$/m, 'daemon start refused: falls back to private mode');
    like($err, qr/status 3.*policy forbids daemons here/, '... the debug warning carries the start failure');
}

alarm 0;
done_testing;
