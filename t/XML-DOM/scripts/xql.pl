#!/usr/bin/perl
# xql queries of the forms legacy scripts use (Config.pm: ( $node->xql($xp) )[0]). XML::XQL is
# not installable natively, so the native run answers each query's XPath spelling with
# XML::XPath and the bridged run answers its XQL spelling with $node->xql; the results are
# described the same way and must agree. Arguments: corpus file, then query lines
# "context-tag<TAB>xql<TAB>xpath" read from the file given second.
use strict;
use warnings;

my ($file, $queries) = @ARGV;
binmode STDOUT, ':encoding(UTF-8)';
open my $qh, '<', $queries or die "$queries: $!";
my @queries = map { chomp; [ split /\t/ ] } grep { /\S/ && !/^#/ } <$qh>;
close $qh;

my $bridged = eval { require XML::DOM; XML::DOM::Node->can('xql') };
if ($bridged) {
    my $doc = XML::DOM::Parser->new->parsefile($file);
    for my $q (@queries) {
        my ($ctx, $xql) = @$q;
        my $node = $ctx eq '/' ? $doc : $doc->getElementsByTagName($ctx)->item(0);
        my @r = eval { $node->xql($xql) };
        print "$ctx | $q->[2]\n";
        if ($@) { print "  error\n"; next }
        print '  ', describe_dom($_), "\n" for @r;
        my $first = ($node->xql($xql))[0];
        print '  first: ', (defined $first ? describe_dom($first) : 'undef'), "\n";
    }
} else {
    require XML::XPath;
    my $xp = XML::XPath->new(filename => $file);
    for my $q (@queries) {
        my ($ctx, undef, $xpath) = @$q;
        my ($node) = $ctx eq '/' ? $xp->findnodes('/') : $xp->findnodes("//$ctx");
        print "$ctx | $xpath\n";
        my $r = eval { $xp->find($xpath, $node) };
        if ($@) { print "  error\n"; next }
        my @r = ref $r && $r->isa('XML::XPath::NodeSet') ? $r->get_nodelist : ($r->value);
        print '  ', describe_xpath($_), "\n" for @r;
        print '  first: ', (@r ? describe_xpath($r[0]) : 'undef'), "\n";
    }
}

sub dom_text {
    my ($n) = @_;
    my $t = $n->getNodeType;
    return $n->getData if $t == 3 || $t == 4;
    return '' unless $t == 1 || $t == 9;
    return join '', map { dom_text($_) } $n->getChildNodes;
}

sub describe_dom {
    my ($n) = @_;
    return "value [$n]" unless ref $n;
    my $t = $n->getNodeType;
    return 'element ' . $n->getNodeName . ' [' . dom_text($n) . ']' if $t == 1;
    return 'attribute ' . $n->getName . ' [' . $n->getValue . ']' if $t == 2;
    return 'text [' . $n->getData . ']' if $t == 3 || $t == 4;
    return 'comment [' . $n->getData . ']' if $t == 8;
    return 'pi ' . $n->getTarget . ' [' . $n->getData . ']' if $t == 7;
    return 'document' if $t == 9;
    return "other $t";
}

sub describe_xpath {
    my ($n) = @_;
    return "value [$n]" unless ref $n;
    return 'element ' . $n->getName . ' [' . $n->string_value . ']' if $n->isa('XML::XPath::Node::Element');
    return 'attribute ' . $n->getName . ' [' . $n->getValue . ']' if $n->isa('XML::XPath::Node::Attribute');
    return 'text [' . $n->string_value . ']' if $n->isa('XML::XPath::Node::Text');
    return 'comment [' . $n->string_value . ']' if $n->isa('XML::XPath::Node::Comment');
    return 'pi ' . $n->getTarget . ' [' . $n->getData . ']' if $n->isa('XML::XPath::Node::PI');
    return 'document' if $n->isa('XML::XPath::Node');
    return 'value [' . $n->value . ']' if $n->can('value');
    return "other " . ref $n;
}
