#!/usr/bin/perl
# The operator commands: start, stop, status, ping, metrics, call -- as an operator (or a
# monitoring system) would run them against the test's socket.
use strict;
use warnings;
use Test::More;
use JSON::PP ();
use File::Temp ();
use BridgeTest;
use CPANBridge;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 120;

my $json = JSON::PP->new->utf8;
sub cli { return run_cmd([ $BIN, @_ ]) }

# --- nothing running ---------------------------------------------------------------------------
my ($st, $out, $err) = cli('status');
isnt($st, 0, 'status without a daemon exits non-zero');
like("$out$err", qr/not running/, '... saying it is not running');
($st, $out, $err) = cli('ping');
isnt($st, 0, 'ping without a daemon exits non-zero');
ok(!-e $SOCKET, 'ping does not start a daemon');
($st, $out, $err) = cli('metrics');
isnt($st, 0, 'metrics without a daemon exits non-zero');
($st, $out, $err) = cli('stop');
is($st, 0, 'stop without a daemon exits 0');
like("$out$err", qr/not running/, '... saying there was nothing to stop');

# --- start ---------------------------------------------------------------------------------------
($st, $out, $err) = cli('start');
is($st, 0, 'start exits 0');
like("$out$err", qr/started \(pid (\d+)/, '... reporting the pid');
my ($pid) = "$out$err" =~ /pid (\d+)/;
is(daemon_pid(), $pid, 'bridge.pid has that pid');
ok(pid_alive($pid), 'the daemon runs');
ok(-S $SOCKET, 'the socket exists');
is((stat $SOCKET)[2] & 07777, 0600, 'the socket is 0600');
is((stat File::Basename::dirname($SOCKET))[2] & 07777, 0700, 'its directory is 0700');
($st, $out, $err) = cli('start');
is($st, 0, 'a second start exits 0');
like("$out$err", qr/already running.*$pid/, '... and says it is already running');
is(daemon_pid(), $pid, '... same daemon');

# --- some traffic to show ----------------------------------------------------------------------
my $b = CPANBridge->new;
$b->call('test', 'ping', {}) for 1 .. 7;
$b->call('test', 'fail', { code => 'E_NATIVE', message => 'x' });
my $h = $b->call('test', 'counter_open', {})->{result}{handle};
ok($h, 'a client holds a handle');

# --- ping ----------------------------------------------------------------------------------------
($st, $out, $err) = cli('ping');
is($st, 0, 'ping exits 0');
like($out, qr/pong/, '... says pong');
like($out, qr/\b$pid\b/, '... with the daemon pid');
like($out, qr/protocol 1/, '... and the protocol version');

# --- status --------------------------------------------------------------------------------------
($st, $out, $err) = cli('status');
is($st, 0, 'status exits 0');
like($out, qr/^cpanbridge \d+\.\d+\.\d+\s+HEALTHY\s+pid $pid\b/m, 'status headline: version, health, pid');
like($out, qr/^\s+socket\s+\Q$SOCKET\E$/m, 'status shows the socket');
like($out, qr/^\s+requests\s+\d+ total/m, 'status shows request totals');
like($out, qr/^HEALTH$/m, 'status has a health section');
like($out, qr/^\s+ok\s+socket\s/m, '... with the socket check');
like($out, qr/^FUNCTION\s+CALLS\s+ERRORS/m, 'status has a per-function table');
like($out, qr/^test\.ping\s+7\s+0\s/m, '... counting our 7 pings');
like($out, qr/^test\.fail\s+1\s+1\s/m, '... and the failure');
like($out, qr/^CONNECTION\s+PID\s+UID/m, 'status has a connection table');
like($out, qr/^#\d+\s+$$\s+$>\s+\d+\s.*test\.counter/m, '... listing our connection with its counter handle');

# --- metrics (Prometheus text exposition) ------------------------------------------------------
($st, $out, $err) = cli('metrics');
is($st, 0, 'metrics exits 0');
my (%help, %type, @bad, %samples);
for my $line (split /\n/, $out) {
    next if $line eq '';
    if ($line =~ /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S/) { $help{$1} = 1; next }
    if ($line =~ /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)$/) { $type{$1} = $2; next }
    if ($line =~ /^#/) { push @bad, $line; next }
    if ($line =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?(?:[0-9.]+(?:[eE][-+]?\d+)?|NaN|[+-]?Inf))$/) {
        my ($name, $labels, $value) = ($1, $2 || '', $3);
        my $family = $name;
        $family =~ s/_(?:sum|count|bucket)$// unless $type{$family};
        push @bad, "no TYPE before: $line" unless $type{$family} && $help{$family};
        $samples{"$name$labels"} = $value;
        next;
    }
    push @bad, $line;
}
is_deeply(\@bad, [], 'every metrics line is valid Prometheus text with # HELP and # TYPE first');
cmp_ok(scalar keys %type, '>=', 5, scalar(keys %type) . ' metric families');
is($samples{'cpanbridge_requests_total{module="test",function="ping"}'}, 7, 'requests_total counts our 7 pings');
ok(exists $type{cpanbridge_uptime_seconds}, 'uptime gauge present');
ok((grep { /^cpanbridge_.*connections/ } keys %type), 'a connections metric is present');

# --- call (process mode from the command line) -------------------------------------------------
($st, $out, $err) = cli('call', 'test', 'ping', '{"a":1}');
is($st, 0, 'call test ping exits 0');
my $frame = eval { $json->decode((split /\n/, $out)[0]) };
ok($frame && $frame->{success}, '... printing a success frame');
ok($frame && exists $frame->{id} && !defined $frame->{id}, '... with id null');
is_deeply($frame && $frame->{result}{input}, { a => 1 }, '... with the params');
isnt($frame && $frame->{result}{pid}, $pid, '... run in its own process, not the daemon');
($st, $out, $err) = cli('call', 'test', 'counter_open', '{}');
is($st >> 8, 1, 'call of a stateful function exits 1');
like($out, qr/"code":"E_STATEFUL"/, '... with E_STATEFUL');
{
    my ($fh, $file) = File::Temp::tempfile(UNLINK => 1);
    print {$fh} qq({"s":"caf\xc3\xa9 \xe2\x98\x83"});
    close $fh;
    ($st, $out, $err) = run_cmd([ $BIN, 'call', 'test', 'echo', '-' ], stdin_file => $file);
    is($st, 0, 'call ... - reads params from stdin');
    $frame = eval { $json->decode((split /\n/, $out)[0]) };
    is($frame && $frame->{result}{s}, "caf\x{e9} \x{2603}", '... UTF-8 intact');
}

# --- runtime settings a started daemon gets ------------------------------------------------------
{
    my $environ = slurp("/proc/$pid/environ") // '';
    my %env = map { split /=/, $_, 2 } grep { /=/ } split /\0/, $environ;
    is($env{DOTNET_GCgen0size}, '0x200000', 'the started daemon runs with a small gen0 budget');
    is($env{DOTNET_TieredCompilation}, '0', '... and without tiered re-compilation');
}

# --- SIGHUP reopens the logs (logrotate) ---------------------------------------------------------
{
    my $log = BridgeTest::base_of($SOCKET) . '.log';
    ok(-s $log, 'the daemon writes its log beside the socket');
    ok(rename($log, "$log.1"), 'log moved away, as logrotate does');
    kill 'HUP', $pid;
    ok(BridgeTest::wait_for(sub { -e $log }, 5), 'after SIGHUP the daemon opens a new log file');
    like(slurp($log) // '', qr/SIGHUP: log files reopened/, '... and says so in it');
    ok(pid_alive($pid), '... and is still running');
    ok($b->call('test', 'ping', {})->{success}, '... and serving');
    like(slurp("$log.1") // '', qr/listening on/, 'the rotated file keeps the earlier lines');
}

# --- stop ----------------------------------------------------------------------------------------
($st, $out, $err) = cli('stop');
is($st, 0, 'stop exits 0');
like("$out$err", qr/stopped/, '... says stopped');
ok(wait_gone($pid, 5), 'the daemon is gone');
ok(!-e $SOCKET, 'the socket file is removed');
($st, $out, $err) = cli('status');
isnt($st, 0, 'status after stop exits non-zero');

# --- idle exit of a detached daemon --------------------------------------------------------------
($st, $out, $err) = cli('daemon', '--detach', '--idle-exit', '1');
is($st, 0, 'daemon --detach --idle-exit 1 starts');
my $idle_pid = daemon_pid();
ok($idle_pid && pid_alive($idle_pid), 'it runs');
ok(wait_gone($idle_pid, 10), 'it exits by itself after 1 s without connections');
ok(!-e $SOCKET, '... removing its socket');

alarm 0;
done_testing;
