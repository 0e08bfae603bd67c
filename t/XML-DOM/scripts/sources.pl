#!/usr/bin/perl
# Where the document comes from: a byte string, a character string (expat reads its UTF-8 form,
# whatever the declaration says), a glob filehandle, an IO::File, a BOM, KeepCDATA per call.
use strict;
use warnings;
use XML::DOM;
use IO::File;

my ($corpus) = @ARGV;
binmode STDOUT, ':encoding(UTF-8)';
sub show { my ($label, $doc) = @_; my $t = $doc->getDocumentElement->toString; print "$label: $t\n"; }

for my $name ('07_utf8.xml', '08_latin1.xml', '15_cp1252.xml') {
    my $path = "$corpus/$name";
    open my $raw, '<:raw', $path or die "$path: $!";
    my $bytes = do { local $/; <$raw> };
    close $raw;
    show("$name bytes", XML::DOM::Parser->new->parse($bytes));
    my $chars = $bytes;
    utf8::upgrade($chars);
    show("$name upgraded", XML::DOM::Parser->new->parse($chars));
    open my $dec, '<:encoding(UTF-8)', "$corpus/07_utf8.xml" or die $!;
    my $decoded = do { local $/; <$dec> };
    close $dec;
    show("$name decoded utf8 text", XML::DOM::Parser->new->parse($decoded)) if $name eq '07_utf8.xml';
    open my $fh, '<', $path or die $!;
    show("$name glob", XML::DOM::Parser->new->parse($fh));
    close $fh;
    my $io = IO::File->new($path, 'r') or die $!;
    show("$name IO::File", XML::DOM::Parser->new->parse($io));
}
show('bom', XML::DOM::Parser->new->parse("\xEF\xBB\xBF<a>b\xC3\xA9</a>"));
show('keep per call', XML::DOM::Parser->new->parse('<a><![CDATA[x]]></a>', KeepCDATA => 1));
show('keep in new', XML::DOM::Parser->new(KeepCDATA => 1)->parse('<a><![CDATA[x]]>y</a>'));
my $p = XML::DOM::Parser->new;
show('reused 1', $p->parse('<one/>'));
show('reused 2', $p->parse('<two/>'));
