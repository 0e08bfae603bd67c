#!/usr/bin/perl
# can_module: a drop-in asks whether the bridge has its daemon module, and gets a reason if not.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use CPANBridge;

my $b = CPANBridge->new;
is_deeply([ $b->can_module('test') ], [1], 'object method: the test module is there');
is_deeply([ CPANBridge->can_module('system') ], [1], 'class method: the system module is there');

my ($ok, $why) = CPANBridge->can_module('no_such_module');
is($ok, 0, 'a module the daemon lacks: false');
like($why, qr/^cpanbridge \d+\.\d+\.\d+ \(daemon mode\) has no 'no_such_module' module \(it has: bridge, (?:[a-z_]+, )*system, test(?:, [a-z_]+)*\)/,
     '... with a reason naming version, mode and the modules it has');

{
    local $ENV{CPAN_BRIDGE_MODE} = 'process';
    my ($pok, $pwhy) = CPANBridge->new->can_module('no_such_module');
    is($pok, 0, 'process mode answers too');
    like($pwhy, qr/\(process mode\) has no 'no_such_module' module/, '... naming process mode');
    is_deeply([ CPANBridge->new->can_module('test') ], [1], '... and finds the test module');
}

eval { CPANBridge->can_module() };
like($@, qr/^Usage: CPANBridge->can_module\(NAME\)/, 'no name: usage croak');

done_testing;
