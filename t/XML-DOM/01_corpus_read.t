#!/usr/bin/perl
# Every corpus document read as natively: parsefile and parse of its bytes, the tree walked
# through the DOM methods, toString of the document, of the root and of clones, KeepCDATA, and
# the file printToFile writes; the wider API (NodeList, NamedNodeMap, DOCTYPE parts, clones);
# documents from strings and filehandles -- byte for byte against Debian's XML::DOM 1.46.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLDOMDiff;

my ($nok, $why) = native_ok();
plan skip_all => $why unless $nok;
my ($bok, $bwhy) = bridge_ok();
plan skip_all => $bwhy unless $bok;

for my $file (corpus_files()) {
    (my $name = $file) =~ s{.*/}{};
    compare_script("read $name", 'dump.pl', $file);
    compare_script("navigate $name", 'navigate.pl', $file);
}
compare_script('documents from strings, character strings, filehandles', 'sources.pl', $CORPUS);
compare_script('external entities from local files', 'external.pl', "$CORPUS/external");
done_testing;
