#!/usr/bin/perl
# Differential: XMLout over structures and options, refusals (circular, code refs), round trips.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

# KeepRoot on a plain string: XML::Simple dereferences it as a hash and dies inside itself.
compare_script('xmlout.pl', die_only => [ 'scalar: KeepRoot', 'scalar: KeepRoot XMLDecl NoAttr' ]);
done_testing;
