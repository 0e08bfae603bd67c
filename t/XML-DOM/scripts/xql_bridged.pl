#!/usr/bin/perl
# What only the drop-in's xql can show (run bridged only; see 04_xql.t for the expected lines).
use strict;
use warnings;
use XML::DOM;
use XML::XQL;         # what scripts load for xql natively
use XML::XQL::DOM;

my $doc = XML::DOM::Parser->new->parsefile($ARGV[0]);
my @steps = $doc->getElementsByTagName('step');
sub croaked { my $e = $@; $e =~ s/\n.*//s; return "croak: $e" }

print 'same object: ', ((($doc->xql('//step'))[0] == $steps[0]) ? 'yes' : 'no'), "\n";
my ($job) = $doc->getElementsByTagName('job');
print 'attribute object: ', ((($job->xql('@name'))[0] == $job->getAttributeNode('name')) ? 'yes' : 'no'), "\n";
print 'text object: ', ((($doc->xql('//step/text()'))[0] == $steps[0]->getFirstChild) ? 'yes' : 'no'), "\n";
print 'first of list: ', ($doc->xql('//job/step'))[0]->getFirstChild->getData, "\n";
$steps[0]->getFirstChild->setData('changed');
print 'after edit: ', ($doc->xql('//step[0]/text()'))[0]->getData, "\n";
my $new = $doc->createElement('step');
$steps[0]->getParentNode->appendChild($new);
print 'after append: ', scalar(my @a = $doc->xql('//step')), "\n";
$new->getParentNode->removeChild($new);
print 'after remove: ', scalar(my @b = $doc->xql('//step')), "\n";
eval { $new->xql('.') }; print 'from detached: ', croaked(), "\n";
print 'all pis: ', scalar(my @p = $doc->xql('//pi()')), "\n";
eval { $doc->xql('//step!value()') }; print 'unsupported method: ', croaked(), "\n";
eval { $doc->xql('//step[0 $to$ 2]') }; print 'unsupported op: ', croaked(), "\n";
eval { $doc->xql('//step[index() = 0]') }; print 'unsupported func: ', croaked(), "\n";
eval { $doc->xql('//step[') }; print 'bad xpath: ', croaked(), "\n";
print 'value result: ', ($doc->xql('count(//step)'))[0], "\n";
print 'boolean result: ', ($doc->xql('count(//step) > 1'))[0], "\n";
print 'attribute context: ', ($job->getAttributeNode('name')->xql('@name'))[0]->getValue, "\n";
(my $corpus = $ARGV[0]) =~ s{/[^/]*$}{};
my $kept = XML::DOM::Parser->new(NoExpand => 1)->parsefile("$corpus/04_entities.xml");
print 'noexpand document: ', scalar(my @k = $kept->xql('//item')), "\n";
my $dtd = XML::DOM::Parser->new->parsefile("$corpus/11_dtd_defaults.xml");
print 'defaulted attributes: ', join(',', map { $_->getValue . ($_->isSpecified ? '' : '*') } $dtd->xql('//order/@currency')), "\n";
# the daemon's copy closed behind the drop-in's back: the next query sends the document again
XML::DOM::_call('close', { document => $doc->{Query}{handle} });
print 'after a lost copy: ', scalar(my @again = $doc->xql('//step')), "\n";
print 'XML::XQL::solve: ', join(',', map { $_->getFirstChild->getData } XML::XQL::solve('//job/step[0]', $doc)), "\n";
my $query = XML::XQL::Query->new(Expr => 'step[-1]');
print 'XML::XQL::Query: ', join(',', map { $_->getFirstChild->getData } $query->solve($doc->getElementsByTagName('job'))), "\n";
