#!/usr/bin/perl
# Differential: generated documents (fixed seed) through XMLin under several options and back out
# through XMLout; catches the combinations a hand-written corpus misses.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('random_docs.pl', args => [ $ENV{XML_SIMPLE_RANDOM_DOCS} || 150 ]);
done_testing;
