#!/usr/bin/perl
# A document made with XML::DOM::Document->new, no parser: declaration, doctype-less tree,
# undef values, printToFile; then the same written again after edits.
use strict;
use warnings;
use XML::DOM;

my ($outdir) = @ARGV;
my $doc = XML::DOM::Document->new;
$doc->setXMLDecl($doc->createXMLDecl('1.0', 'UTF-8', 1));
my $root = $doc->createElement('jobs');
$doc->appendChild($doc->createComment(' generated '));
$doc->appendChild($root);
$doc->appendChild($doc->createProcessingInstruction('done', 'yes'));
for my $name ('a', 'b', undef) {
    my $job = $doc->createElement('job');
    $job->setAttribute('name', $name);
    $job->appendChild($doc->createTextNode($name));
    $root->appendChild($job);
    $root->appendChild($doc->createTextNode("\n"));
}
my $empty = $doc->createElement('empty');
$empty->setAttribute('v', '');
$root->appendChild($empty);
print "root: ", $doc->getDocumentElement->getTagName, "\n";
print "standalone: ", $doc->getXMLDecl->getStandalone, "\n";
print $doc->toString;
$doc->printToFile("$outdir/scratch.xml");
$root->removeChild($empty);
$doc->getXMLDecl->setStandalone(0);
$doc->printToFile("$outdir/scratch2.xml");
my $again = XML::DOM::Parser->new->parsefile("$outdir/scratch2.xml");
print $again->toString;
