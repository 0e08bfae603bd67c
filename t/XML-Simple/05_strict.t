#!/usr/bin/perl
# Differential: use XML::Simple qw(:strict).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('strict.pl');
done_testing;
