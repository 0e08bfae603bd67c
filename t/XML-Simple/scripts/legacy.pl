#!/usr/bin/perl
# The calls the legacy jobs make (HpsmTicket.pm): XMLin($file, KeepRoot => 0), XMLin($string) on
# an HTTP answer, then walking the structure.
use strict;
use warnings;
use FindBin ();
use XML::Simple;
use Data::Dumper;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

my $cfg = XMLin("$CORPUS/config.xml", KeepRoot => 0);
print "logdir=$cfg->{logdir}\n";
for my $name (sort keys %{ $cfg->{server} }) {
    my $s = $cfg->{server}{$name};
    my @addr = ref $s->{address} ? @{ $s->{address} } : ($s->{address});
    print "server $name: ", join(',', @addr), " os=", (defined $s->{osname} ? $s->{osname} : '-'), "\n";
}
print "db: ", join(' ', map { "$_=$cfg->{db}{$_}{dsn}" } sort keys %{ $cfg->{db} }), "\n";
print "timeout: $cfg->{timeout}{content}$cfg->{timeout}{units}\n";

my $answer = do { local $/; open(my $fh, '<', "$CORPUS/hpsm_response.xml") or die $!; <$fh> };
my $resp = XMLin($answer);
print "status=$resp->{status} rc=$resp->{returnCode}\n";
print "incident=$resp->{model}{keys}{IncidentID}{content}\n";
my $desc = $resp->{model}{instance}{Description}{Description};
print "desc: ", join(' / ', map { $_->{content} } @$desc), "\n";
{
    local $Data::Dumper::Sortkeys = 1;
    local $Data::Dumper::Indent = 1;
    print Dumper($resp);
}
my $data = { content => $answer };
my $again = XMLin($data->{content});
print "same: ", ($again->{model}{instance}{Status}{content} eq 'Open' ? 'yes' : 'no'), "\n";
print "people: ", join(',', sort keys %{ XMLin("$CORPUS/utf8.xml")->{person} }), "\n";
binmode STDOUT, ':utf8';
print "people utf8: ", join(',', sort keys %{ XMLin("$CORPUS/utf8.xml")->{person} }), "\n";
