#!/usr/bin/perl
# NoExpand: references to general entities stay EntityReference nodes and are written back as
# &name; (the round trip that keeps a document's entities); attribute values are expanded.
use strict;
use warnings;
use XML::DOM;

my ($file, $outdir) = @ARGV;
binmode STDOUT, ':encoding(UTF-8)';
my $doc = XML::DOM::Parser->new(NoExpand => 1)->parsefile($file);
print $doc->toString;
for my $el ($doc->getElementsByTagName('*')) {
    my @kids = $el->getChildNodes;
    next unless grep { $_->getNodeType == ENTITY_REFERENCE_NODE } @kids;
    print $el->getTagName, ': ', join(',', map {
        $_->getNodeType . ':' . $_->getNodeName . ':' . ($_->getNodeValue // 'undef')
            . ($_->getNodeType == ENTITY_REFERENCE_NODE ? ':' . $_->getData : '')
    } @kids), "\n";
}
my $ref = $doc->createEntityReference('company');
$doc->getDocumentElement->appendChild($ref);
print "appended: ", $ref->toString, "\n";
print "clone: ", $doc->getDocumentElement->cloneNode(1)->toString, "\n";
eval { $doc->printToFile("$outdir/noexpand.xml"); 1 } or print "printToFile: $@";
my $plain = XML::DOM::Parser->new->parse('<a>&amp;&lt;</a>', NoExpand => 1);
print $plain->toString;
