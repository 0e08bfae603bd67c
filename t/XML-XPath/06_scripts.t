#!/usr/bin/perl
# Whole scripts shaped like the legacy jobs (t/XML-XPath/scripts/), natively and bridged:
# stdout, stderr and exit status compared; and the croak texts of what the drop-in leaves out.
use strict;
use warnings;
use Test::More;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use BridgeTest;
use XPathDiff;

my ($nok, $nwhy) = native_ok();
plan skip_all => $nwhy unless $nok;
plan tests => 3;

my $legacy = "$FindBin::Bin/scripts/legacy_config.pl";
compare_script(q{my $script = shift; do $script; die $@ if $@}, 'legacy config reader', $legacy, corpus('config.xml'));
compare_script(q{my $script = shift; do $script; die $@ if $@}, 'legacy config reader on a malformed file', $legacy, corpus('bad-mismatch.xml'));

SKIP: {
    my ($bok, $why) = bridge_ok();
    skip($why, 1) unless $bok;
    my $r = run_script('bridge', q{
        use XML::XPath;
        my $xp = XML::XPath->new(xml => '<r><a/></r>');
        my ($a) = $xp->findnodes('//a');
        for my $code (sub { $a->appendChild($a) }, sub { $a->setAttribute('x', 1) }, sub { $xp->createNode('/r/b') },
                      sub { XML::XPath::XMLParser->new(parser => 1)->parse('<x') }) {
            eval { $code->() };
            (my $e = $@) =~ s/ at \S+ line \d+\.\n//;
            print "$e\n";
        }
    });
    is($r->[1], "XML::XPath::Node::Element::appendChild is not supported by CPAN Bridge (use \$xp->setNodeText)\n"
              . "XML::XPath::Node::Element::setAttribute is not supported by CPAN Bridge (use \$xp->setNodeText)\n"
              . "XML::XPath::createNode is not supported by CPAN Bridge\n"
              . "\nunclosed token at line 1, column 0, byte 0:\n<x\n^\n\n", 'what is left out croaks saying so; errors keep expat\'s words')
        or diag(explain($r));
}
