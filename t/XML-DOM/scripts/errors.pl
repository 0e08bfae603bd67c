#!/usr/bin/perl
# DOM errors a script can see: DOMException objects (class, code, name, message, string form)
# and the plain dies of printToFile and parsefile.
use strict;
use warnings;
use XML::DOM;
use XML::DOM::DOMException;    # its error-code constants
use XML::DOM::NodeList;
use XML::DOM::NamedNodeMap;

my $doc = XML::DOM::Parser->new->parse('<?xml version="1.0"?><r><a x="1">t</a><b/></r>');
my $other = XML::DOM::Parser->new->parse('<o/>');
my $root = $doc->getDocumentElement;
my ($a) = $doc->getElementsByTagName('a');
my ($b) = $doc->getElementsByTagName('b');
my $text = $a->getFirstChild;

my @cases = (
    ['append to text'       => sub { $text->appendChild($doc->createElement('x')) }],
    ['append ancestor'      => sub { $a->appendChild($root) }],
    ['append self'          => sub { $a->appendChild($a) }],
    ['other document'       => sub { $root->appendChild($other->getDocumentElement) }],
    ['remove non-child'     => sub { $a->removeChild($b) }],
    ['insert missing ref'   => sub { $root->insertBefore($doc->createElement('n'), $text) }],
    ['replace missing ref'  => sub { $a->replaceChild($doc->createElement('n'), $b) }],
    ['second root'          => sub { $doc->appendChild($doc->createElement('r2')) }],
    ['text at doc level'    => sub { $doc->appendChild($doc->createTextNode('t')) }],
    ['bad element name'     => sub { $doc->createElement('1bad') }],
    ['bad attr name'        => sub { $a->setAttribute('bad name', 1) }],
    ['remove attr none'     => sub { $b->removeAttribute('x') }],
    ['remove attr missing'  => sub { $a->removeAttribute('nope'); 'no error' }],
    ['substring bad offset' => sub { $text->substringData(5, 1) }],
    ['attr in use'          => sub { $b->setAttributeNode($a->getAttributeNode('x')) }],
    ['print element'        => sub { $a->printToFile('/tmp/never-written.xml') }],
    ['no xml decl'          => sub { $other->printToFile('/tmp/never-written.xml') }],
    ['missing file'         => sub { XML::DOM::Parser->new->parsefile('/nonexistent/dir/file.xml') }],
);
for my $case (@cases) {
    my ($name, $code) = @$case;
    my $result = eval { my $r = $code->(); defined $r ? "returned " . (ref $r || $r) : 'returned undef' };
    my $err = $@;
    if (!defined $result) {
        if (ref $err && $err->isa('XML::DOM::DOMException')) {
            no warnings 'uninitialized';
            print "$name: ", ref($err), " code=", $err->getCode, " name=", $err->getName,
                " message=", $err->getMessage, ($err->getCode == NOT_FOUND_ERR ? ' (NOT_FOUND_ERR)' : ''), "\n  $err\n";
        } else {
            print "$name: died: $err";
        }
    } else {
        print "$name: $result\n";
    }
}
print "tree: ", $doc->toString;
