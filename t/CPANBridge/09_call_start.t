#!/usr/bin/perl
# call_start/call_finish: a request sent now and collected later, the answer kept when a later
# call has to read past it, failures returned (not deferred), and process mode running at once.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use CPANBridge;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 120;

my $b = CPANBridge->new;
ok($b->call('test', 'ping')->{success}, 'daemon up');

my $ticket = $b->call_start('test', 'sleep', { ms => 300 });
isa_ok($ticket, 'CPANBridge::Ticket');
my $r = $b->call_finish($ticket);
ok($r->{success}, 'call_finish returns the answer') or diag explain $r;
is($r->{result}{slept_ms}, 300, '... of that request');
is_deeply($b->call_finish($ticket), $r, 'call_finish again returns the same answer');

# A later synchronous call reads the started call's answer first and keeps it.
my $h = $b->call('test', 'counter_open', { start => 5 })->{result}{handle};
my $first = $b->call_start('test', 'counter_next', { handle => $h });
my $second = $b->call('test', 'counter_next', { handle => $h });
is($second->{result}{value}, 7, 'a later call runs after the started one (order kept)');
is($b->call_finish($first)->{result}{value}, 6, 'the started call\'s answer was kept for call_finish');

# With an attachment, both ways.
my $bytes = join '', map { chr } 0 .. 255;
my $echo = $b->call_finish($b->call_start('test', 'echo', { x => 1 }, { attachment => $bytes }));
is($echo->{attachment}, $bytes, 'attachment sent and received');

# A failure is the caller's, at call_finish; nothing is left over for the next call.
my $fail = $b->call_finish($b->call_start('test', 'fail', { code => 'E_NATIVE', message => 'boom' }));
ok(!$fail->{success}, 'a failing started call fails at call_finish');
is($fail->{error}, 'boom', '... with its message');
ok($b->call('test', 'ping')->{success}, 'the next call is not affected');
is($b->sync, undef, 'and nothing was deferred to sync');

# Bad use is a usage error, as with call.
ok(!eval { $b->call_finish({}); 1 }, 'call_finish without a ticket dies');
like($@, qr/Usage: \$bridge->call_finish\(\$ticket\)/, '... with the usage');

# The script's $! is its own: socket work inside the client does not change it (a script that
# dies exits with $!, which must be what the replaced CPAN module would have left).
{
    my @seen;
    for my $how (qw(call call_pipelined start_finish sync)) {
        $! = 25;    # ENOTTY, as a native file open leaves it
        if    ($how eq 'call')           { $b->call('test', 'echo', { x => 1 }, { attachment => 'z' x 100_000 }) }
        elsif ($how eq 'call_pipelined') { $b->call_pipelined('test', 'ping', {}) }
        elsif ($how eq 'start_finish')   { $b->call_finish($b->call_start('test', 'ping', {})) }
        else                             { $b->sync }
        push @seen, "$how=" . ($! + 0);
    }
    is("@seen", 'call=25 call_pipelined=25 start_finish=25 sync=25', '$! survives every kind of call');
}

# Process mode: nothing to overlap, the call runs inside call_start.
my $p = CPANBridge->new(mode => 'process');
my $pt = $p->call_start('test', 'ping', { n => 1 });
is($p->call_finish($pt)->{result}{input}{n}, 1, 'process mode: call_start/call_finish work');

done_testing;
