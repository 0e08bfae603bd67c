#!/usr/bin/perl
# Differential: malformed documents die with expat's message and position, from a file, a string and a filehandle.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('xmlin_malformed.pl');
done_testing;
