#!/usr/bin/perl
# Differential: every corpus document through XMLin with each option, alone and combined (Data::Dumper, sorted keys, byte for byte).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('xmlin_options.pl');
done_testing;
