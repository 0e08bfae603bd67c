#!/usr/bin/perl
# Differential: whether XML::Simple warns follows the caller's warnings (none, -w).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('warnings_off.pl');
compare_script('warnings_dash_w.pl');
done_testing;
