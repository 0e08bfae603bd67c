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
# Not the documents that end inside the error: there expat's context shows bytes past the end of
# its buffer (a stray blank, or memory garbage for an empty document), which cannot be the same.
compare_script('malformed documents with ErrorContext', 'context.pl',
               map { "$CORPUS/malformed/$_.xml" } qw(mismatched mismatched_deep mismatched_first junk duplicate_attr
                   undefined_entity lt_in_attr unquoted bad_charref control_char late_decl cdata_end_in_text bad_utf8));
for my $file (sort glob("$CORPUS/malformed/*.xml")) {
    (my $name = $file) =~ s{.*/}{};
    compare_script("uncaught parse error: $name", 'die.pl', $file);
}
done_testing;
