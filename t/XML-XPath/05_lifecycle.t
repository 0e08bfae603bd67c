#!/usr/bin/perl
# Documents live in the daemon only as long as the script holds the XML::XPath object or a node
# of it: a loop of thousands of parses must not pile up handles (the per-connection limit of
# 1000 would stop it), a node kept after its XML::XPath object still answers, and a document
# parsed before fork() fails clearly in the child. Bridged only: the drop-in's own bookkeeping.
use strict;
use warnings;
use Test::More;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use BridgeTest;
use XPathDiff;

my ($bok, $why) = bridge_ok();
plan skip_all => $why unless $bok;
plan tests => 3;

my %env = (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown");

my ($st, $out, $err) = run_cmd([$^X, '-e', q{
    use XML::XPath;
    my $n = 0;
    for my $i (1 .. 3000) {
        my $xp = XML::XPath->new(xml => "<r><a i='$i'><b>x</b></a></r>");
        my ($a) = $xp->findnodes('//a');
        my @kids = $a->getChildNodes;
        $n++ if $kids[0]->getParentNode->getAttribute('i') == $i && $a->getParentNode->getName eq 'r';
    }
    print "$n\n";
}], env => \%env, timeout => 600);
is("$st|$out", "0|3000\n", 'three thousand parses, each document released (no handle pile-up)') or diag($err);

($st, $out, $err) = run_cmd([$^X, '-e', q{
    use XML::XPath;
    my $node;
    { my $xp = XML::XPath->new(xml => '<r><a>kept</a></r>'); ($node) = $xp->findnodes('//a') }
    print $node->string_value, ' ', $node->toString, ' ', $node->getParentNode->getName, "\n";
}], env => \%env, timeout => 120);
is("$st|$out", "0|kept <a>kept</a> r\n", 'a node outlives its XML::XPath object') or diag($err);

($st, $out, $err) = run_cmd([$^X, '-e', q{
    use XML::XPath;
    my $xp = XML::XPath->new(xml => '<r><a>1</a></r>');
    print $xp->findvalue('//a'), "\n";
    my $pid = fork;
    if (!$pid) { my $v = eval { $xp->findvalue('//a') }; print defined $v ? "child $v\n" : "child: $@"; exit 0 }
    waitpid $pid, 0;
    print 'parent ', $xp->findvalue('//a'), "\n";
}], env => \%env, timeout => 120);
like("$st|$out", qr/\A0\|1\nchild: XML::XPath: .*handle.*\nparent 1\n\z/s, 'a document parsed before fork fails clearly in the child, the parent goes on')
    or diag("$out$err");
