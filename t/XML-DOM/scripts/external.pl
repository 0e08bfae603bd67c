#!/usr/bin/perl
# External parsed entities, read from local files as XML::Parser reads them: relative to the
# document for parsefile, to the working directory for parse; a missing one fails with
# XML::Parser's three-line message; the DOCTYPE's external subset is not read.
use strict;
use warnings;
use XML::DOM;

my ($dir) = @ARGV;
chdir $dir or die "$dir: $!";
sub try { my ($label, $code) = @_; my $doc = eval { $code->() }; print "$label: ", ($doc ? $doc->toString : "died: $@"), "\n" }
try('parsefile relative', sub { XML::DOM::Parser->new->parsefile('main.xml') });
try('parsefile absolute', sub { XML::DOM::Parser->new->parsefile("$dir/main.xml") });
open my $fh, '<', 'main.xml' or die $!;
my $text = do { local $/; <$fh> };
close $fh;
try('parse here', sub { XML::DOM::Parser->new->parse($text) });
try('missing relative', sub { XML::DOM::Parser->new->parsefile('missing.xml') });
try('missing absolute', sub { XML::DOM::Parser->new->parsefile("$dir/missing.xml") });
try('external subset not read', sub { XML::DOM::Parser->new->parsefile('with_dtd.xml') });
chdir '/' or die;
try('parse elsewhere', sub { XML::DOM::Parser->new->parse($text) });
