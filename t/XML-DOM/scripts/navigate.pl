#!/usr/bin/perl
# The wider DOM surface over a corpus document: NodeList and NamedNodeMap as arrays and hashes,
# attribute nodes (defaults included), the DOCTYPE's parts, node-level toString, clones of every
# kind, printToFileHandle and print.
use strict;
use warnings;
use XML::DOM;
use IO::Handle;

my ($file, $outdir) = @ARGV;
binmode STDOUT, ':encoding(UTF-8)';
my $doc = XML::DOM::Parser->new->parsefile($file);
my $root = $doc->getDocumentElement;

my $list = $doc->getElementsByTagName('*');
print "elements: ", scalar(@$list), " last: ", ($list->[-1] ? $list->[-1]->getTagName : 'none'), "\n";
my $kids = $root->getChildNodes;
print "kids: ", $kids->getLength, " types: ", join('', map { $kids->item($_)->getNodeType } 0 .. $kids->getLength - 1), "\n";
print "typenames: ", join(',', map { $_->getNodeTypeName } $root->getChildNodes), "\n";
print "direct: ", scalar(my @d = $root->getElementsByTagName('*', 0)), "\n";
for my $el (@$list) {
    my $attrs = $el->getAttributes;
    my @names = map { $_->getName } @{ $attrs->getValues };
    next unless @names;
    print $el->getTagName, ': ', join(' ', map {
        my $a = $attrs->{$_};
        my $n = $attrs->getNamedItem($_);
        "$_=" . $a->getValue . ($a->isSpecified ? '' : '*') . ($n == $a ? '' : '!') . '{' . $a->toString . '}'
    } @names), "\n";
    my $clone = $attrs->item(0)->cloneNode(1);
    print "  clone attr: ", $clone->toString, " specified=", ($clone->isSpecified ? 1 : 0), "\n";
    my $default = $el->getDefaultAttrValue($names[-1]);
    print "  default of $names[-1]: ", ($default ? $default->getValue : 'none'), "\n";
}
for my $node ($doc->getChildNodes, $root->getChildNodes) {
    my $copy = $node->cloneNode(1);
    print 'node ', $node->getNodeType, ' ', (defined $copy->getParentNode ? 'parent!' : 'orphan'), ': ', $copy->toString, "\n";
}
if (my $dt = $doc->getDoctype) {
    print "doctype: ", $dt->getName, ' ', ($dt->getSysId // 'undef'), ' ', ($dt->getPubId // 'undef'), "\n";
    my $ents = $dt->getEntities;
    for my $i (0 .. $ents->getLength - 1) {
        my $e = $ents->item($i);
        print "  entity ", $e->getNodeName, ' value=', ($e->getValue // 'undef'), ' sys=', ($e->getSysId // 'undef'),
            ' param=', ($e->isParameterEntity ? 1 : 0), "\n";
    }
    print "  notations: ", $dt->getNotations->getLength, "\n";
    for my $decl ($dt->getChildNodes) { print "  decl: ", $decl->toString, "\n" }
}
my $xd = $doc->getXMLDecl;
print "xmldecl: ", ($xd ? $xd->toString : 'none'), "\n";
my $owner = $root->getOwnerDocument;
print "owner root same: ", ($owner->getDocumentElement == $root ? 1 : 0), "\n";
my $empty = $doc->cloneNode(0);
print "shallow doc: [", $empty->toString, "]\n";
$root->addText('added');
$root->addText(' more');
print "last text: ", $root->getLastChild->getData, "\n";
print "has kids: ", ($root->hasChildNodes ? 1 : 0), " text has kids: ", ($root->getLastChild->hasChildNodes ? 1 : 0), "\n";
print "text kids: ", scalar(my @t = $root->getLastChild->getChildNodes), " list: ", $root->getLastChild->getChildNodes->getLength, "\n";
$root->setTagName('renamed');
open my $fh, '>', "$outdir/handle.xml" or die $!;
binmode $fh, ':encoding(UTF-8)';
$doc->printToFileHandle($fh);
close $fh;
my $io = IO::Handle->new_from_fd(fileno(STDOUT), 'w');
print "--- print\n";
STDOUT->flush;
$root->print(\*STDOUT);
print "\n";
