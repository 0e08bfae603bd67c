#!/usr/bin/perl
# Differential: the legacy jobs' calls (XMLin($file, KeepRoot => 0), XMLin($string) of an HTTP answer).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('legacy.pl');
done_testing;
