#!/usr/bin/perl
# Parses a corpus file (parsefile, parse of its bytes, and KeepCDATA), walks the tree through
# the DOM methods, prints toString of the document and of the root, and writes printToFile into
# OUTDIR. Run natively and bridged; the outputs must be the same bytes.
use strict;
use warnings;
use XML::DOM;

my ($file, $outdir) = @ARGV;
my $parser = XML::DOM::Parser->new;
my $doc = $parser->parsefile($file);

sub walk {
    my ($node, $depth) = @_;
    my $pad = '  ' x $depth;
    my $type = $node->getNodeType;
    my $value = $node->getNodeValue;
    $value = defined $value ? "[$value]" : '(undef)';
    print "$pad$type ", $node->getNodeName, " $value";
    if ($type == ELEMENT_NODE) {
        print ' tag=', $node->getTagName;
        my $attrs = $node->getAttributes;
        for my $i (0 .. $attrs->getLength - 1) {
            my $a = $attrs->item($i);
            print ' @', $a->getName, '=[', $a->getValue, ']', ($a->isSpecified ? '' : '(default)');
        }
    }
    if ($type == PROCESSING_INSTRUCTION_NODE) { print ' target=', $node->getTarget, ' data=[', $node->getData, ']' }
    if ($type == TEXT_NODE || $type == COMMENT_NODE || $type == CDATA_SECTION_NODE) {
        print ' len=', $node->getLength, ' data=[', $node->getData, ']';
    }
    print ' kids=', scalar(my @k = $node->getChildNodes), ' has=', ($node->hasChildNodes ? 1 : 0), "\n";
    for my $kid ($node->getChildNodes) { walk($kid, $depth + 1) }
}

binmode STDOUT, ':encoding(UTF-8)';
walk($doc, 0);
my $root = $doc->getDocumentElement;
print "root: ", $root->getTagName, "\n";
print "all elements: ", scalar(@{ $doc->getElementsByTagName('*') }), "\n";
my $list = $root->getElementsByTagName('*');
print "under root: ", $list->getLength, "\n";
print "first: ", ($list->getLength ? $list->item(0)->getNodeName : 'none'), "\n";
print "nonrecursive: ", scalar(my @nr = $root->getElementsByTagName('*', 0)), "\n";
my $decl = $doc->getXMLDecl;
print "decl: ", ($decl ? join('|', map { defined $_ ? $_ : 'undef' } $decl->getVersion, $decl->getEncoding, $decl->getStandalone) : 'none'), "\n";
my $dt = $doc->getDoctype;
print "doctype: ", ($dt ? $dt->getName : 'none'), "\n";
print "--- document\n", $doc->toString, "--- root\n", $root->toString, "\n";
print "--- clone\n", $root->cloneNode(1)->toString, "\n", $root->cloneNode(0)->toString, "\n";

open my $fh, '<:raw', $file or die "$file: $!";
my $bytes = do { local $/; <$fh> };
close $fh;
my $again = XML::DOM::Parser->new->parse($bytes);
print "parse(bytes) same: ", ($again->toString eq $doc->toString ? 'yes' : 'no'), "\n";
my $kept = XML::DOM::Parser->new(KeepCDATA => 1)->parsefile($file);
print "--- KeepCDATA\n", $kept->toString;
eval { $doc->printToFile("$outdir/out.xml"); 1 } or print "printToFile: $@";
$doc->dispose;
print "done\n";
