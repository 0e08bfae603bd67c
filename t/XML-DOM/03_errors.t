#!/usr/bin/perl
# Failures as scripts see them: DOMException objects for bad DOM operations, the plain dies of
# printToFile and parsefile, and expat's message and position for malformed documents (caught,
# and one uncaught: the exit status too).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLDOMDiff;

my ($nok, $why) = native_ok();
plan skip_all => $why unless $nok;
my ($bok, $bwhy) = bridge_ok();
plan skip_all => $bwhy unless $bok;

compare_script('DOM exceptions and dies', 'errors.pl');
compare_script('malformed documents', 'malformed.pl', sort glob("$CORPUS/malformed/*.xml"));
for my $file (sort glob("$CORPUS/malformed/*.xml")) {
    (my $name = $file) =~ s{.*/}{};
    compare_script("uncaught parse error: $name", 'die.pl', $file);
}
done_testing;
