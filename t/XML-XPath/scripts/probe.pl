#!/usr/bin/perl
# Runs XPath cases with whichever XML::XPath is on @INC (native or the drop-in) and writes what
# each case printed, warned and died with to a Data::Dumper file: t/lib/XPathDiff.pm runs it
# once per side and compares case by case. A case: {id, file | xml, code}. code is Perl run with
# $xp (XML::XPath->new on the document) and P (print to the case's output) and probe($q).
use strict;
use warnings;
use Data::Dumper ();
use XML::XPath;
use XML::XPath::XMLParser;

my ($cases_file, $out_file) = @ARGV;
my $cases = do $cases_file or die "cannot read $cases_file: $@";
my $OUT;

sub P { $OUT .= join '', map { defined $_ ? $_ : '<undef>' } @_ }

# Where a message was died or warned from differs by installation; the text before it must not.
sub clean {
    my ($s) = @_;
    return $s unless defined $s;
    $s =~ s/ at \S+ line \d+\.?\n/ at FILE line N.\n/g;
    $s =~ s/\(eval \d+\)/(eval N)/g;
    return $s;
}

sub describe_node {
    my ($n) = @_;
    return '<undef>' unless defined $n;
    my @a = map { $_->getName . '=' . $_->getValue } $n->getAttributes;
    return join '|', ref($n), map({ defined $_ ? $_ : '<undef>' } $n->getNodeType, $n->getName, $n->getLocalName,
        ($n->isElementNode || $n->isAttributeNode ? $n->getPrefix : '-'), $n->string_value, $n->toString, $n->getValue), join(',', @a);
}

# Everything a script commonly does with a query's result.
sub probe {
    my ($xp, $q) = @_;
    my $r = $xp->find($q);
    P("find($q): ", ref($r), "\n");
    if ($r->isa('XML::XPath::NodeSet')) {
        P("  size=", $r->size, " str=[$r] sv=[", $r->string_value, "] bool=", ($r ? 1 : 0), "\n");
        P("  node: ", describe_node($_), "\n") for $r->get_nodelist;
        P("  first: ", describe_node($r->get_node(1)), "\n") if $r->size;
    }
    else {
        P("  value=[", $r->value, "] str=[$r] lit=[", $r->to_literal->value, "]\n");
    }
    P("  findvalue=[", $xp->findvalue($q), "] as_string=[", $xp->findnodes_as_string($q), "]\n");
    my @list = $xp->findnodes($q);
    my $scalar = $xp->findnodes($q);
    P("  list=", scalar(@list), " scalar=", ref($scalar), ":", $scalar->size, " exists=", $xp->exists($q),
      " text=[", $xp->getNodeText($q), "]\n");
}

my %res;
for my $c (@$cases) {
    $OUT = '';
    my @warn;
    local $SIG{__WARN__} = sub { push @warn, clean($_[0]) };
    my $ok = eval {
        my $xp = defined $c->{file} ? XML::XPath->new(filename => $c->{file}) : XML::XPath->new(xml => $c->{xml});
        my $code = eval "sub { my (\$xp) = \@_; $c->{code}\n; 1 }" or die "case $c->{id} does not compile: $@";
        $code->($xp);
        1;
    };
    $res{ $c->{id} } = { out => $OUT, warn => \@warn, died => $ok ? undef : clean("$@") };
}
$res{_module} = $INC{'XML/XPath.pm'};

open my $fh, '>', $out_file or die "$out_file: $!";
local $Data::Dumper::Useqq = 1;
local $Data::Dumper::Sortkeys = 1;
print {$fh} Data::Dumper->Dump([\%res], ['res']);
close $fh;
