#!/usr/bin/perl
# The "edit and write back" use: read a corpus file, change it through the DOM, write it with
# printToFile, read the written file again and print what came back.
use strict;
use warnings;
use XML::DOM;

my ($file, $outdir) = @ARGV;
binmode STDOUT, ':encoding(UTF-8)';
my $doc = XML::DOM::Parser->new->parsefile($file);
my $root = $doc->getDocumentElement;

$root->setAttribute('edited', 'yes & "quoted" <now>');
my @kids = grep { $_->getNodeType == ELEMENT_NODE } $root->getChildNodes;
if (@kids) {
    my $first = $kids[0];
    $first->setAttribute('touched', 1);
    my $attrs = $first->getAttributes;
    if ($attrs->getLength > 1) {
        my $name = $attrs->item(0)->getName;
        print "removing $name\n";
        $first->removeAttribute($name);
    }
    my $copy = $first->cloneNode(1);
    $copy->setAttribute('copy', 'deep');
    $root->insertBefore($copy, $first);
    my $shallow = $first->cloneNode(0);
    $root->appendChild($shallow);
    if (@kids > 1) {
        my $old = $root->replaceChild($doc->createComment(' replaced ' . $kids[-1]->getNodeName . ' '), $kids[-1]);
        print "replaced: ", $old->toString, "\n";
        print "old parent: ", (defined $old->getParentNode ? 'set' : 'undef'), "\n";
    }
}
my $new = $doc->createElement('added');
$new->setAttribute('z', 'Z');
$new->setAttribute('a', "\x{e9}t\x{e9} \x{20ac}");
$new->appendChild($doc->createTextNode("text with <, &, > and ]]> \x{263a}"));
$new->appendChild($doc->createCDATASection('raw <cdata> & ]]> end'));
$new->appendChild($doc->createComment('a -- comment'));
$new->appendChild($doc->createProcessingInstruction('target', 'data ?> here'));
$new->appendChild($doc->createElement('child'));
$root->appendChild($new);
$root->appendChild($doc->createTextNode("\n"));

for my $t (grep { $_->getNodeType == TEXT_NODE } $root->getChildNodes) {
    $t->setData(uc $t->getData) if $t->getData =~ /\S/;
}
my $firstText = (grep { $_->getNodeType == TEXT_NODE } $root->getChildNodes)[0];
$firstText->setNodeValue("[first]") if $firstText;
print "first child: ", ($root->getFirstChild ? $root->getFirstChild->getNodeName : 'none'), "\n";
print "last child: ", ($root->getLastChild ? $root->getLastChild->getNodeName : 'none'), "\n";
my $second = $root->getFirstChild && $root->getFirstChild->getNextSibling;
print "second: ", ($second ? $second->getNodeName : 'none'), " prev: ",
    ($second && $second->getPreviousSibling ? $second->getPreviousSibling->getNodeName : 'none'), "\n";
print "owner ok: ", ($new->getOwnerDocument == $doc ? 1 : 0), " doc owner: ",
    (defined $doc->getOwnerDocument ? 'set' : 'undef'), "\n";
my $removed = $root->removeChild($new);
print "removed: ", $removed->toString, "\n";
$root->appendChild($removed);
print "--- edited\n", $doc->toString;

my $out = "$outdir/edited.xml";
if (eval { $doc->printToFile($out); 1 }) {
    my $back = XML::DOM::Parser->new->parsefile($out);
    print "--- reread\n", $back->toString;
    print "same: ", ($back->toString eq $doc->toString ? 'yes' : 'no'), "\n";
} else {
    print "printToFile: $@";
}
