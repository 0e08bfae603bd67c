#!/usr/bin/perl
# Fifty batch jobs starting at the same moment on a host where no daemon runs: exactly one daemon
# must come up, and every job must be served by it.
use strict;
use warnings;
use Test::More;
use POSIX ();
use Time::HiRes ();
use BridgeTest;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 180;

my $N = 50;
ok(!-e $SOCKET, 'no socket before the race');
ok(!daemon_pid(), 'no daemon before the race');

my $dir = BridgeTest::base_of() . '.race';
mkdir $dir or die "mkdir $dir: $!";
my $go = "$dir/go";

# Each job is a separate perl (as Control-M would start them) that loads CPANBridge itself and
# waits at a barrier, so all of them try to connect within a few milliseconds.
my $job = <<'PERL';
use strict;
use warnings;
use Time::HiRes ();
my ($go, $out) = @ARGV;
Time::HiRes::sleep(0.002) until -e $go;
require CPANBridge;
my $b = CPANBridge->new;
my $r = $b->call('test', 'ping', {});
my $h = $b->call('bridge', 'hello', {});
open(my $fh, '>', $out) or die;
print {$fh} join(' ', $r->{success} ? 'ok' : 'FAIL', $r->{success} ? $r->{result}{pid} : ($r->{code} || '?'),
                 $b->mode, $h->{success} ? $h->{result}{connection_id} : '-', $r->{success} ? '' : $r->{error}), "\n";
close $fh;
exit($r->{success} ? 0 : 1);
PERL
my $jobfile = "$dir/job.pl";
open(my $jf, '>', $jobfile) or die;
print {$jf} $job;
close $jf;

# The jobs reach cpanbridge through a wrapper that records each invocation: the start lock must
# let exactly one of them run `daemon --detach` (the daemon's own pid lock would hide a second).
my $wrapper = "$dir/cpanbridge";
open(my $wf, '>', $wrapper) or die;
print {$wf} "#!/bin/sh\necho \"\$*\" >> '$dir/invocations'\nexec '$BIN' \"\$@\"\n";
close $wf;
chmod 0755, $wrapper;
$ENV{CPAN_BRIDGE_BIN} = $wrapper;

my %kids;
for my $i (1 .. $N) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open(STDERR, '>', "$dir/err.$i");
        { exec { $^X } $^X, "-I$ROOT/perl/lib", $jobfile, $go, "$dir/out.$i"; }
        POSIX::_exit(127);
    }
    $kids{$pid} = $i;
}
Time::HiRes::sleep(0.3);    # let every perl get to the barrier
open(my $g, '>', $go) or die;
close $g;
my $t0 = Time::HiRes::time();

my %status;
while (%kids) {
    my $pid = waitpid(-1, 0);
    last if $pid < 0;
    my $i = delete $kids{$pid} or next;
    $status{$i} = $?;
}
my $elapsed = Time::HiRes::time() - $t0;

my (%daemon_pids, %modes, %conn_ids, @failed);
for my $i (1 .. $N) {
    my $line = slurp("$dir/out.$i");
    my ($ok, $pid, $mode, $cid, $err) = split / /, (defined $line ? $line : ''), 5;
    if (!defined $ok || $ok ne 'ok' || $status{$i} != 0) {
        push @failed, "job $i: status $status{$i}: " . (defined $line ? $line : '(no output)') . (slurp("$dir/err.$i") || '');
        next;
    }
    $daemon_pids{$pid}++;
    $modes{$mode}++;
    $conn_ids{$cid}++;
}
is(scalar @failed, 0, "all $N jobs succeeded") or diag(join "\n", @failed);
is_deeply([ keys %modes ], ['daemon'], 'all of them in daemon mode (none fell back to private)');
is(scalar keys %daemon_pids, 1, 'all of them were answered by the same daemon')
    or diag(explain \%daemon_pids);
is(scalar keys %conn_ids, $N, 'each job had its own connection');
my ($the_pid) = keys %daemon_pids;
is(daemon_pid(), $the_pid, 'bridge.pid names that daemon');
my @procs = daemon_processes();
is_deeply(\@procs, [ $the_pid ], 'exactly one daemon process exists for the socket');
ok(-e BridgeTest::base_of() . '.start.lock', 'the start lock file was used');
my @starts = grep { /^daemon --detach/ } split /\n/, (slurp("$dir/invocations") || '');
is(scalar @starts, 1, 'exactly one job ran `cpanbridge daemon --detach`') or diag join "\n", @starts;
my $log = slurp(BridgeTest::base_of() . '.log') || '';
my $listening = () = $log =~ /listening on/g;
is($listening, 1, 'the daemon log shows one start') or diag($log);
cmp_ok($elapsed, '<', 30, sprintf('the race settled in %.2f s', $elapsed));

# Starting again while it runs changes nothing.
my ($st, $out, $err) = run_cmd([$BIN, 'daemon', '--detach', '--socket', $SOCKET]);
is($st, 0, 'daemon --detach while one runs exits 0');
like("$out$err", qr/already running/i, '... saying it is already running');
@procs = daemon_processes();
is_deeply(\@procs, [ $the_pid ], '... and still one daemon');

alarm 0;
done_testing;
