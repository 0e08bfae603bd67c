#!/usr/bin/perl
# After fork the child opens its own connection, cannot use its parent's handles (as with DBI),
# and never writes on the connection it inherited -- the parent carries on undisturbed.
use strict;
use warnings;
use Test::More;
use JSON::PP ();
use POSIX ();
use BridgeTest;
use CPANBridge;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 120;

my $json = JSON::PP->new->utf8->canonical;
my $b = CPANBridge->new;

my $open = $b->call('test', 'counter_open', { start => 10 });
ok($open->{success}, 'parent opens a counter') or diag explain $open;
my $h = $open->{result}{handle};
is($b->call('test', 'counter_next', { handle => $h })->{result}{value}, 11, 'parent counter: 11');
my $parent_conn = $b->call('bridge', 'hello', {})->{result}{connection_id};
ok(defined $parent_conn, "parent connection id $parent_conn");

# Forks, runs $code in the child and returns (its hash, its wait status).
sub in_child { return child_result(fork_child(@_)) }

my ($c, $status) = in_child(sub {
    my $cb = CPANBridge->new;    # a new object: the connection is per process, not per object
    my %r;
    $r{ping} = $cb->call('test', 'ping', {});
    $r{hello} = $cb->call('bridge', 'hello', {});
    $r{parent_handle} = $b->call('test', 'counter_next', { handle => $h });    # the parent's object
    my $own = $b->call('test', 'counter_open', { start => 100 });
    $r{own_next} = $b->call('test', 'counter_next', { handle => $own->{result}{handle} });
    $r{mode} = $b->mode;
    return \%r;
});
is($status, 0, 'child exited cleanly');
ok(!$c->{died}, 'child did not die') or diag $c->{died};
ok($c->{ping}{success}, 'child can call');
ok($c->{hello}{success}, 'child hello');
isnt($c->{hello}{result}{connection_id}, $parent_conn, 'child has its own connection');
is($c->{hello}{result}{pid}, $b->call('test', 'ping')->{result}{pid}, '... to the same daemon');
is($c->{parent_handle}{success}, 0, "child cannot use the parent's handle");
is($c->{parent_handle}{code}, 'E_HANDLE', '... it gets E_HANDLE');
(my $h_name = $h) =~ s/\@.*//;    # the daemon names handles by kind and number
like($c->{parent_handle}{error}, qr/\Q$h_name\E/, "... naming the handle ($h_name)");
like($c->{parent_handle}{error}, qr/another connection|belongs to/i, '... saying it belongs to another connection');
is($c->{own_next}{result}{value}, 101, "child's own counter works");
is($c->{mode}, 'daemon', 'child is in daemon mode');

is($b->call('test', 'counter_next', { handle => $h })->{result}{value}, 12,
   'parent handle still works after the child (value 12: the child did not advance it)');
is($b->call('bridge', 'hello', {})->{result}{connection_id}, $parent_conn, 'parent kept its connection');

# A child that never touches the bridge and exits through END must not disturb the parent,
# even while the parent has pipelined requests in flight.
$b->call_pipelined('test', 'counter_next', { handle => $h }) for 1 .. 50;
($c, $status) = in_child(sub { return { idle => 1 } });
is($status, 0, 'idle child exited');
is($b->sync, undef, 'parent pipelined calls all answered after an idle child exited');
is($b->call('test', 'counter_next', { handle => $h })->{result}{value}, 63, 'parent counter at 63 (12 + 50 + 1)');

# A child that uses the bridge and is killed with _exit (no END) also leaves the parent alone.
($c, $status) = in_child(sub { return { ping => CPANBridge->new->call('test', 'ping', {})->{success} } },
                         hard_exit => 1);
ok($c->{ping}, 'hard-exiting child could call');
is($b->call('test', 'counter_next', { handle => $h })->{result}{value}, 64, 'parent unaffected');

# Grandchildren: each generation gets a fresh connection.
($c, $status) = in_child(sub {
    my $mine = CPANBridge->new->call('bridge', 'hello', {})->{result}{connection_id};
    my ($gc) = in_child(sub { return { id => CPANBridge->new->call('bridge', 'hello', {})->{result}{connection_id} } });
    return { child => $mine, grandchild => $gc->{id} };
});
ok($c->{child} && $c->{grandchild} && $c->{child} ne $c->{grandchild} && $c->{child} ne $parent_conn,
   'child and grandchild each have their own connection');

# The child's connections are gone from the daemon once the children exited.
my $gone = wait_for {
    my $conns = $b->call('system', 'connections', {})->{result}{connections};
    !grep { $_->{pid} != $$ } @$conns;
} 5;
ok($gone, "children's connections are closed after they exit");

alarm 0;
done_testing;
