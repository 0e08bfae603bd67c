#!/usr/bin/perl
# Pipelining: many requests written before their responses are read, errors surfacing at the
# next synchronous call with the failed call named, order preserved, and no deadlock when both
# directions carry bulk data at once.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use BridgeTest;
use CPANBridge;

local $SIG{ALRM} = sub { die "test timed out (deadlock?)\n" };
alarm 120;

my $b = CPANBridge->new;
ok($b->call('test', 'ping')->{success}, 'daemon up');

# --- 1000 pipelined calls, then sync ---------------------------------------------------------
my $h = $b->call('test', 'counter_open', { start => 0 })->{result}{handle};
ok($h, 'counter opened');
my $t0 = Time::HiRes::time();
my $sent = 0;
$sent += $b->call_pipelined('test', 'counter_next', { handle => $h }) ? 1 : 0 for 1 .. 1000;
is($sent, 1000, 'call_pipelined reported 1000 requests written');
is($b->sync, undef, 'sync: all 1000 succeeded');
my $dt = Time::HiRes::time() - $t0;
is($b->call('test', 'counter_next', { handle => $h })->{result}{value}, 1001,
   'all 1000 ran before the next synchronous call (value 1001)');
diag(sprintf '1000 pipelined calls + sync: %.3f s (%s)', $dt, $CPANBridge::JSON_BACKEND);
is($b->sync, undef, 'sync with nothing pending returns undef');

# --- order preserved: the responses, read in a traced run, count 1..N --------------------------
{
    my ($st, $out, $err) = run_perl(<<'PERL', env => { CPAN_BRIDGE_DEBUG => 1 });
use strict;
use warnings;
use CPANBridge;
my $b = CPANBridge->new;
my $h = $b->call('test', 'counter_open', { start => 0 })->{result}{handle};
$b->call_pipelined('test', 'counter_next', { handle => $h }) for 1 .. 300;
my $e = $b->sync;
print $e ? "FAIL $e->{error}\n" : "OK\n";
PERL
    is($st, 0, 'traced pipelined run exits 0');
    like($out, qr/^OK$/m, 'traced pipelined run succeeded');
    my @values = $err =~ /<- \{[^\n]*"value":(\d+)/g;
    is(scalar @values, 300, '300 responses traced');
    is_deeply(\@values, [ 1 .. 300 ], 'responses arrived in request order, each matching its request');
    my @ids_sent = $err =~ /-> \[(\d+)\]/g;
    my @ids_back = $err =~ /<- \{[^\n]*"id":(\d+)/g;
    is_deeply(\@ids_back, [ @ids_sent[0 .. $#ids_back] ], 'response ids follow request ids');
}

# --- a failing pipelined call surfaces at the next synchronous call ---------------------------
my $before = $b->call('test', 'counter_next', { handle => $h })->{result}{value};
$b->call_pipelined('test', 'counter_next', { handle => $h }) for 1 .. 10;
$b->call_pipelined('test', 'fail', { code => 'E_NATIVE', message => 'disk full' });
$b->call_pipelined('test', 'counter_next', { handle => $h }) for 1 .. 10;
my $r = $b->call('test', 'counter_next', { handle => $h });
is($r->{success}, 0, 'the synchronous call after a failed pipelined call fails');
is($r->{code}, 'E_PIPELINED', '... with E_PIPELINED');
like($r->{error}, qr/^earlier pipelined call test\.fail \(request \d+\) failed: disk full$/,
     '... naming test.fail and its error');
is($r->{data}{module}, 'test', 'data.module');
is($r->{data}{function}, 'fail', 'data.function');
is($r->{data}{code}, 'E_NATIVE', 'data.code is the original code');
my $after = $b->call('test', 'counter_next', { handle => $h });
ok($after->{success}, 'the pending error was cleared: the next call runs');
is($after->{result}{value}, $before + 21,
   'the 20 pipelined counter calls ran, the refused synchronous call did not');

# --- sync returns the first failure, then clears it -------------------------------------------
$b->call_pipelined('test', 'echo', { n => 1 });
$b->call_pipelined('test', 'fail', { code => 'E_USAGE', message => 'first' });
$b->call_pipelined('test', 'fail', { code => 'E_NATIVE', message => 'second' });
my $e = $b->sync;
ok($e, 'sync reports a failure');
is($e->{success}, 0, '... as a failure envelope');
is($e->{code}, 'E_USAGE', '... of the first failed call');
is($e->{error}, 'first', '... with its message');
is($e->{module} . '.' . $e->{function}, 'test.fail', '... naming the call');
is($b->sync, undef, 'a second sync has nothing to report');

$b->call_pipelined('nosuch', 'thing', {});
$e = $b->sync;
is($e->{code}, 'E_UNKNOWN_MODULE', 'unknown module in a pipelined call reported by sync');

# --- bulk both ways: attachments echoed while more are being written ---------------------------
my $chunk = join '', map { chr($_ % 256) } 0 .. 65535;    # 64 KB
$t0 = Time::HiRes::time();
for my $i (1 .. 300) {    # ~19 MB each way: far beyond any socket buffer
    $b->call_pipelined('test', 'echo', { i => $i }, { attachment => $chunk });
}
is($b->sync, undef, '300 pipelined 64 KB attachments echoed without deadlock');
diag(sprintf '19 MB pipelined each way: %.2f s', Time::HiRes::time() - $t0);
my $big = $b->call('test', 'echo', { last => 1 }, { attachment => $chunk x 16 });
ok($big->{success} && $big->{attachment} eq $chunk x 16, 'a synchronous 1 MB echo after that is intact');

# --- big JSON pipelined too (params, not attachments) ------------------------------------------
my $text = 'x' x 200_000;
$b->call_pipelined('test', 'echo', { text => $text }) for 1 .. 50;    # 10 MB of JSON each way
is($b->sync, undef, '50 pipelined 200 KB JSON echoes');

# --- close waits for what is pending -----------------------------------------------------------
my $h2 = $b->call('test', 'counter_open', { start => 0 })->{result}{handle};
$b->call_pipelined('test', 'counter_next', { handle => $h2 }) for 1 .. 5;
$b->call_pipelined('test', 'fail', { message => 'before close' });
my $ce = $b->close;
ok($ce && $ce->{error} eq 'before close', 'close drained pending calls and returned their failure');
my $again = $b->call('test', 'counter_next', { handle => $h2 });
is($again->{code}, 'E_HANDLE', 'handles of a closed connection are gone (E_HANDLE)');

# --- a script's own alarm cuts a call short: responses stay in step -----------------------------
{
    my ($st, $out, $err) = run_perl(<<'PERL');
use CPANBridge;
my $b = CPANBridge->new;
local $SIG{ALRM} = sub { die "alarm\n" };
alarm 1;
my $r = eval { $b->call('test', 'sleep', { ms => 1500 }) };
alarm 0;
print "died=", ($@ eq "alarm\n" ? 1 : 0), "\n";
$r = $b->call('test', 'echo', { n => 1 });
print "next=", ($r->{success} && !exists $r->{result}{slept_ms} && $r->{result}{n} == 1 ? 'own' : 'WRONG'), "\n";
my $e = $b->sync;
print "sync=", ($e ? $e->{code} : 'clean'), "\n";
PERL
    like($out, qr/^died=1$/m, "a script's alarm interrupts a call");
    like($out, qr/^next=own$/m, '... and the next call gets its own response, not the late one');
    like($out, qr/^sync=clean$/m, '... the abandoned answer is not reported as a pipelined failure');
}

# --- a pipelined failure nobody collected is reported at exit ----------------------------------
{
    my ($st, $out, $err) = run_perl(<<'PERL');
use CPANBridge;
my $b = CPANBridge->new;
$b->call_pipelined('test', 'fail', { code => 'E_NATIVE', message => 'unchecked' });
print "done\n";
PERL
    is($st, 0, 'script with an unchecked pipelined failure exits 0');
    like($err, qr/pipelined call test\.fail failed.*unchecked/, '... but warns about it at exit');
}

alarm 0;
done_testing;
