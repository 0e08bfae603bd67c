#!/usr/bin/perl
# A document made from nothing (parse of a skeleton, then built up node by node), serialised with
# the tag styles and a fragment, and written with printToFile.
use strict;
use warnings;
use XML::DOM;

my ($outdir) = @ARGV;
my $doc = XML::DOM::Parser->new->parse('<?xml version="1.0" encoding="UTF-8"?><report/>');
my $root = $doc->getDocumentElement;
for my $i (1 .. 3) {
    my $row = $doc->createElement('row');
    $row->setAttribute(n => $i);
    $row->setAttribute(label => "r<$i>");
    $row->appendChild($doc->createTextNode("value $i & more"));
    $root->appendChild($row);
}
my $frag = $doc->createDocumentFragment;
$frag->appendChild($doc->createElement('f1'));
$frag->appendChild($doc->createComment('from a fragment'));
$root->appendChild($frag);
print "fragment now has ", scalar(my @k = $frag->getChildNodes), " children\n";
my $attr = $doc->createAttribute('made');
$attr->setValue('by createAttribute');
$root->setAttributeNode($attr);
print "attr: ", $root->getAttributeNode('made')->toString, "\n";
print "nodes: ", join(',', map { $_->getNodeName } $root->getChildNodes), "\n";
print "count rows: ", $doc->getElementsByTagName('row')->getLength, "\n";
print "item 1: ", $doc->getElementsByTagName('row')->item(1)->getAttribute('n'), "\n";
print "missing attr: [", $root->getAttribute('nope'), "]\n";
my $text = $root->getFirstChild->getFirstChild;
my $rest = $text->splitText(5);
print "split: [", $text->getData, "][", $rest->getData, "]\n";
$text->appendData('!');
$text->insertData(0, '>');
$text->replaceData(1, 1, 'V');
$rest->deleteData(0, 2);
print "data: [", $text->getData, "] [", $rest->getData, "] [", $text->substringData(1, 3), "]\n";
$root->getFirstChild->normalize;
print $doc->toString;
XML::DOM::setTagCompression(sub { 1 });
print $root->toString, "\n";
XML::DOM::setTagCompression(sub { $_[0] eq 'f1' ? 2 : 0 });
print $root->toString, "\n";
XML::DOM::setTagCompression(sub { 0 });
$doc->getXMLDecl->setEncoding('ISO-8859-1');
$root->setAttribute('latin', "caf\x{e9}");
$doc->printToFile("$outdir/report.xml");
my $clone = $doc->cloneNode(1);
$clone->getDocumentElement->setAttribute('clone', 1);
print "clone: ", $clone->toString, "original unchanged: ", ($doc->getDocumentElement->getAttribute('clone') eq '' ? 'yes' : 'no'), "\n";
$doc->dispose;
