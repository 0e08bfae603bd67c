#!/usr/bin/perl
# Random documents (fixed seed: both runs make the same ones), some of them broken on purpose:
# each is parsed (with and without KeepCDATA), printed, edited at random and printed again. A
# broken one prints only that it failed: where expat places an error inside randomly damaged
# markup is compared in 03_errors.t on chosen documents, not here.
use strict;
use warnings;
use XML::DOM;

my ($seed, $count) = @ARGV;
srand($seed);
binmode STDOUT, ':encoding(UTF-8)';

my @names = qw(a b item x:item data-set _u n1 config entry);
my @chars = ('a', 'b', ' ', ' ', "\t", "\n", '<', '>', '&', '"', "'", "\x{e9}", "\x{20ac}", "\x{1F600}", ']]>', '--', '?>', '=');
sub pick { $_[ int rand @_ ] }
sub text { my $n = int rand 6; join '', map { pick(@chars) } 1 .. $n }
sub esc { my ($s, $attr) = @_; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g if $attr;
          $s =~ s/\t/&#9;/g if $attr && rand() < 0.5; $s =~ s/\n/&#10;/g if $attr && rand() < 0.5; $s }

sub element {
    my ($depth, $entities) = @_;
    my $name = pick(@names);
    my %seen;
    my @attrs = grep { !$seen{$_}++ } map { pick(@names) } 1 .. int rand 4;
    my $quote = rand() < 0.5 ? '"' : "'";
    my $xml = "<$name" . join('', map {
        my $v = esc(text(), 1);
        $v =~ s/'/&apos;/g if $quote eq "'";
        ' ' x (1 + int rand 2) . "$_=$quote$v$quote"
    } @attrs);
    my $kids = $depth > 3 ? 0 : int rand 5;
    return "$xml/>" if !$kids && rand() < 0.5;
    $xml .= '>';
    for (1 .. $kids) {
        my $r = rand;
        if ($r < 0.35) { $xml .= element($depth + 1, $entities) }
        elsif ($r < 0.6) { $xml .= esc(text()) }
        elsif ($r < 0.7) { (my $c = text()) =~ s/]]>/]] >/g; $xml .= "<![CDATA[$c]]>" }
        elsif ($r < 0.8) { (my $c = text()) =~ s/-/_/g; $xml .= "<!--$c-->" }
        elsif ($r < 0.87) { (my $d = text()) =~ s/\?>/? >/g; $xml .= '<?' . pick('pi', 'app', 'x-y') . ($d =~ /^\s/ ? '' : ' ') . "$d?>" }
        elsif (@$entities) { $xml .= '&' . pick(@$entities) . ';' }
        else { $xml .= '&#' . pick(65, 233, 8364, 128512) . ';' }
    }
    return "$xml</$name>";
}

sub document {
    my @entities = rand() < 0.3 ? qw(e1 e2) : ();
    my $xml = '';
    $xml .= qq{<?xml version="1.0" encoding="UTF-8"?>\n} if rand() < 0.7;
    $xml .= qq{<!DOCTYPE r [\n<!ENTITY e1 "one &amp; &#233;">\n<!ENTITY e2 "<b>two</b>">\n}
          . qq{<!ATTLIST item kind (x|y) "x" n1 CDATA #FIXED "fixed">\n<!ATTLIST a b NMTOKENS " t  u ">\n]>\n} if @entities;
    $xml .= "<!-- c -->\n" if rand() < 0.2;
    $xml .= element(0, \@entities) . "\n";
    # broken on purpose now and then
    $xml =~ s/\n/\r\n/g if rand() < 0.1;
    my $r = rand;
    if ($r < 0.06) { my $at = int rand length $xml; substr($xml, $at, 1) = '' }
    elsif ($r < 0.09) { $xml .= '<late/>' }
    elsif ($r < 0.12) { my $at = int rand length $xml; substr($xml, $at, 0) = pick('<', '&', '</x>', '"') }
    return $xml;
}

for my $i (1 .. $count) {
    my $xml = document();
    my $bytes = $xml;
    utf8::encode($bytes);
    my $keep = rand() < 0.5;
    my $noexpand = rand() < 0.2;
    print STDERR "$i source (KeepCDATA $keep, NoExpand $noexpand):\n$xml\n" if ($ENV{RANDOM_SHOW} || '') eq $i;
    my $doc = eval { XML::DOM::Parser->new(KeepCDATA => $keep, NoExpand => $noexpand)->parse($bytes) };
    if (!$doc) { print "$i: error\n"; next }
    print "$i: ", $doc->toString;
    my @all = $doc->getElementsByTagName('*');
    for (1 .. 4) {
        my $el = pick(@all);
        my $r = rand;
        my $kid = $el->getFirstChild;
        if (rand() < 0.3 && $kid) {
            my $t = $kid->getNodeType;
            if ($t == TEXT_NODE && $kid->getLength > 1) { $kid->splitText(1); $el->normalize if rand() < 0.5 }
            elsif ($t == TEXT_NODE || $t == CDATA_SECTION_NODE || $t == COMMENT_NODE) { $kid->setData(text()) }
            elsif ($t == ELEMENT_NODE) { $el->replaceChild($doc->createElement(pick(@names)), $kid) }
            elsif ($t == PROCESSING_INSTRUCTION_NODE) { $kid->setData(text()) }
            next;
        }
        if (rand() < 0.1) {
            my $frag = $doc->createDocumentFragment;
            $frag->appendChild($doc->createComment('f')) for 1 .. 2;
            $kid ? $el->insertBefore($frag, $kid) : $el->appendChild($frag);
            next;
        }
        if (rand() < 0.1 && $el->getAttributes->getLength) {
            $el->getAttributes->item(0)->setValue(text());
            next;
        }
        if ($r < 0.3) { $el->setAttribute(pick(@names), text()) }
        elsif ($r < 0.45 && $el->getAttributes->getLength) { $el->removeAttribute($el->getAttributes->item(0)->getName) }
        elsif ($r < 0.6) { $el->appendChild($doc->createTextNode(text())) }
        elsif ($r < 0.7) { my $c = $el->getFirstChild; $el->removeChild($c) if $c }
        elsif ($r < 0.8 && $el->getParentNode && $el->getParentNode->getNodeType == ELEMENT_NODE) {
            $el->getParentNode->insertBefore($el->cloneNode(1), $el) }
        else { $el->appendChild($doc->createCDATASection(text())) }
    }
    print "$i edited: ", $doc->getDocumentElement->toString, "\n";
    print "$i clone: ", $doc->cloneNode(1)->toString if rand() < 0.2;
    $doc->dispose;
}
