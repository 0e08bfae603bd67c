#!/usr/bin/perl
# Malformed documents: XML::Simple dies with expat's message, position and "XML::Simple called".
use strict;
use warnings;
use FindBin ();
use XML::Simple;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

opendir(my $dh, "$CORPUS/malformed") or die $!;
for my $name (sort grep { /\.xml\z/ } readdir $dh) {
    my $file = "$CORPUS/malformed/$name";
    case("file $name", sub { XMLin($file) });
    my $text = slurp_file($file);
    case("string $name", sub { XMLin(\$text) }) if length $text;
    case("filehandle $name", sub { open(my $fh, '<', $file) or die $!; XMLin($fh) });
}
case('die message outside eval is what a script prints', sub { my $r = eval { XMLin('<a><b></a>') }; my $e = $@; $e =~ s/\n/|/g; $e });
