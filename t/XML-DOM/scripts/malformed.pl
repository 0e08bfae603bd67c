#!/usr/bin/perl
# Malformed documents: what parse and parsefile die with.
use strict;
use warnings;
use XML::DOM;

my $outdir = pop @ARGV;
for my $file (@ARGV) {
    (my $name = $file) =~ s{.*/}{};
    my $doc = eval { XML::DOM::Parser->new->parsefile($file) };
    print "$name parsefile: ", ($doc ? "ok\n" : "died: [$@]\n");
    open my $fh, '<:raw', $file or die "$file: $!";
    my $bytes = do { local $/; <$fh> };
    $doc = eval { XML::DOM::Parser->new->parse($bytes) };
    print "$name parse: ", ($doc ? "ok\n" : "died: [$@]\n");
}
print "directory: ", (eval { XML::DOM::Parser->new->parsefile($outdir) } ? "ok\n" : "died: [$@]\n");
print "empty string: ", (eval { XML::DOM::Parser->new->parse('') } ? "ok\n" : "died: [$@]\n");
print "undef: ", (eval { no warnings; XML::DOM::Parser->new->parse(undef) } ? "ok\n" : "died: [$@]\n");
print "prolog only: ", (eval { XML::DOM::Parser->new->parse("<?xml version='1.0'?>\n<!-- c -->\n") } ? "ok\n" : "died: [$@]\n");
my $parser = XML::DOM::Parser->new;
eval { $parser->parse("<a>\n  <b>\n</a>") };
print "and dies uncaught next:\n";
$parser->parse('<unclosed>');
