#!/usr/bin/perl
# xql. XML::XQL is not packaged for Debian any more, so the native side of each query is its
# XPath spelling run by Debian's XML::XPath 1.48 on the same document, and the bridged side is
# the XQL spelling run by $node->xql (0-based subscripts, $eq$-style operators, textNode(),
# pi(), prefixed names matched as written). Then what only the drop-in can show: results are the
# script's own node objects, edits are seen by the next query, and XQL without an XPath 1.0
# equivalent is refused by name.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLDOMDiff;

my ($nok, $why) = native_ok();
plan skip_all => $why unless $nok;
my ($bok, $bwhy) = bridge_ok();
plan skip_all => $bwhy unless $bok;

for my $pair (['10_config', 'config'], ['01_namespaces', 'ns'], ['05_mixed', 'mixed'], ['03_comments_pi', 'comments']) {
    my ($doc, $queries) = @$pair;
    compare_script("xql on $doc ($queries.queries)", 'xql.pl', "$CORPUS/$doc.xml", "$CORPUS/xql/$queries.queries");
}

my $bridged = run_script('bridge', 'xql_bridged.pl', "$CORPUS/10_config.xml");
is($bridged->{err}, '', 'xql_bridged.pl: no stderr');
is($bridged->{exit}, 0, 'xql_bridged.pl: exit 0');
my @lines = split /\n/, $bridged->{out};
my %got = map { /^(.*?): (.*)$/ ? ($1 => $2) : () } @lines;
my %want = (
    'same object'         => 'yes',
    'attribute object'    => 'yes',
    'text object'         => 'yes',
    'first of list'       => 'extract',
    'after edit'          => 'changed',
    'after append'        => '5',
    'after remove'        => '4',
    'from detached'       => 'croak: xql: the node is not part of its document (append it first)',
    'all pis'             => '0',
    'unsupported method'  => q{croak: xql '//step!value()': the method operator ! is XQL without an XPath 1.0 equivalent, not supported by CPAN Bridge},
    'unsupported op'      => q{croak: xql '//step[0 $to$ 2]': the operator $to$ is XQL without an XPath 1.0 equivalent, not supported by CPAN Bridge},
    'unsupported func'    => q{croak: xql '//step[index() = 0]': the function index() is XQL without an XPath 1.0 equivalent, not supported by CPAN Bridge},
    'bad xpath'           => 'croak',
    'value result'        => '4',
    'boolean result'      => '1',
    'attribute context'   => 'nightly',
    'noexpand document'   => '5',
    'defaulted attributes' => 'EUR*,EUR*',
    'after a lost copy'   => '4',
    'XML::XQL::solve'     => 'changed,ping',
    'XML::XQL::Query'     => 'load,ping',
);
for my $k (sort keys %want) {
    my $got = $got{$k};
    $got =~ s/ at \S+ line \d+\.$// if defined $got;
    if ($want{$k} eq 'croak') { like($got, qr/^croak: /, "xql: $k") }
    else { is($got, $want{$k}, "xql: $k") }
}
done_testing;
