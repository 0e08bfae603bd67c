#!/usr/bin/perl
# Differential: KeyAttr folding warnings and the option croaks, with warnings on and off.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('xmlin_warnings.pl');
done_testing;
