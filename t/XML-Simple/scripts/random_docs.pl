#!/usr/bin/perl
# Generated documents (a fixed seed, so both runs see the same ones): names that repeat and
# collide with KeyAttr and the content key, attributes in any order, text with white space,
# entities, CDATA, comments and non-ASCII, run through XMLin under several options and back out
# through XMLout. Warnings of one case are sorted: XML::Simple folds hash entries in hash order.
use strict;
use warnings;
use FindBin ();
use XML::Simple;
do "$FindBin::Bin/common.pl" or die $@ || $!;

my $count = shift || 150;
srand($ENV{XML_SIMPLE_RANDOM_SEED} || 20240601);
my @names = qw(item name key id value content anon entry x y);
my @attrs = qw(name key id value a b content);
my @texts = ('', ' ', "\n  ", 'plain', '  padded  text ', 'a &amp; b', '&lt;tag&gt;', 'caf&#233;', "\xc3\xbcber",
             "\xe2\x98\xba smile", '<![CDATA[x < y]]>', 'one<!-- c -->two', '0', '42', 'dup', "multi\n line\ttab");
my @values = ('1', '2', 'dup', 'x y', '  spaced ', '', "\xc3\xa9t\xc3\xa9", 'a&amp;b', '0');

sub pick { return $_[ int rand @_ ] }

sub element {
    my ($depth) = @_;
    my $name = pick(@names);
    my %seen;
    my $attributes = join '', map { my $a = pick(@attrs); $seen{$a}++ ? '' : qq{ $a="} . pick(@values) . '"' } 1 .. int rand 3;
    my $body = '';
    my $children = $depth >= 4 ? 0 : int rand 5;
    for (1 .. $children) {
        $body .= rand() < 0.3 ? pick(@texts) : element($depth + 1);
    }
    $body .= pick(@texts) if rand() < 0.4;
    return $body eq '' && rand() < 0.5 ? "<$name$attributes/>" : "<$name$attributes>$body</$name>";
}

my @sets = (
    [ 'defaults' ],
    [ 'ForceArray', ForceArray => 1 ],
    [ 'no folding', KeyAttr => [] ],
    [ '-content', ContentKey => '-content' ],
    [ 'NormaliseSpace 2', NormaliseSpace => 2 ],
    [ 'NormaliseSpace 1', NormaliseSpace => 1 ],
    [ 'SuppressEmpty', SuppressEmpty => '' ],
    [ 'KeyAttr hash', KeyAttr => { item => '+name', entry => '-id', x => 'key' }, ForceArray => ['item'] ],
    [ 'GroupTags', GroupTags => { x => 'item', y => 'entry' } ],
    [ 'KeepRoot NoAttr', KeepRoot => 1, NoAttr => 1 ],
    [ 'ValueAttr ForceContent', ValueAttr => ['value'], ForceContent => 1 ],
);

sub quiet_case {
    my ($name, $code) = @_;
    my @warnings;
    local $SIG{__WARN__} = sub { push @warnings, $_[0] };
    my $out = '';
    {
        open(my $fh, '>', \$out) or die $!;
        my $old = select $fh;
        case($name, $code);
        select $old;
    }
    $out =~ s/\A(=== [^\n]*\n)/$1 . join('', map { "WARN: $_" } sort @warnings)/e;
    print $out;
}

for my $n (1 .. $count) {
    my $doc = qq{<?xml version="1.0" encoding="UTF-8"?>\n<root>} . join('', map { element(1) } 1 .. 1 + int rand 4) . "</root>\n";
    print "=== doc $n\nTEXT: $doc";
    for my $set (@sets) {
        my ($label, @opt) = @$set;
        quiet_case("doc $n: $label", sub { XMLin($doc, @opt) });
    }
    quiet_case("doc $n: out", sub { XMLout(XMLin($doc)) });
    quiet_case("doc $n: out NoAttr KeyAttr", sub { XMLout(XMLin($doc, KeyAttr => []), NoAttr => 1, KeyAttr => []) });
}
