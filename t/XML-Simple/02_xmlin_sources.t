#!/usr/bin/perl
# Differential: the sources XMLin takes (file, SearchPath, string, scalar ref, filehandles, STDIN, the default <script>.xml) and missing files.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

compare_script('xmlin_sources.pl', stdin_file => "$ROOT/t/XML-Simple/corpus/content.xml");
done_testing;
