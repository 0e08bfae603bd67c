#!/usr/bin/perl
# ErrorContext: malformed documents reported with the lines around the error.
use strict;
use warnings;
use XML::DOM;

my $outdir = pop @ARGV;
for my $around (0, 1, 3) {
    for my $file (@ARGV) {
        (my $name = $file) =~ s{.*/}{};
        my $doc = eval { XML::DOM::Parser->new(ErrorContext => $around)->parsefile($file) };
        print "$name ($around) parsefile: ", ($doc ? "ok\n" : "[$@]\n");
        open my $fh, '<:raw', $file or die $!;
        my $bytes = do { local $/; <$fh> };
        $doc = eval { XML::DOM::Parser->new->parse($bytes, ErrorContext => $around) };
        print "$name ($around) parse: ", ($doc ? "ok\n" : "[$@]\n");
    }
}
