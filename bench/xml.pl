#!/usr/bin/env perl
# bench/xml.pl — the XML::XPath benchmark's worker: one process, one case, with whichever
# XML::XPath `require` finds (Debian's, or the drop-in when perl/compat comes first on @INC).
# bench/run --only=xml starts it natively and bridged and computes the ratios; by hand:
#
#   perl bench/xml.pl parse            # parse the 2 MB / 20k-node document + 2 queries
#   perl bench/xml.pl lookup           # 50 look-ups by attribute on the parsed document
#   PERL5LIB=perl/compat:perl/lib perl bench/xml.pl parse   # the same through the bridge
#
# The document (5,000 <record>s of 4 elements each with attributes, about 2 MB) is generated
# once into $TMPDIR/cpanbridge-bench-xpath-v1-UID.xml. lookup parses untimed (a first query), then
# times 50 findvalue('//record[@id="rN"]/amount'). Prints one line:
# `xml_bench secs=... load=... ok=... n=... module=...`.
use strict;
use warnings;
use File::Spec ();
use Time::HiRes qw(time);

my $case = shift // '';
$case =~ /\A(parse|lookup)\z/ or die "usage: bench/xml.pl parse|lookup\n";

my $file = File::Spec->catfile(File::Spec->tmpdir, "cpanbridge-bench-xpath-v1-$<.xml");
if (!-s $file) {
    open my $fh, '>', "$file.$$" or die "$file: $!";
    print {$fh} qq{<?xml version="1.0" encoding="UTF-8"?>\n<export generated="2026-01-01T00:00:00Z">\n};
    for my $i (1 .. 5000) {
        my $status = (qw(active inactive pending))[$i % 3];
        printf {$fh} qq{  <record id="r%d" status="%s" region="%s" created="2025-%02d-%02dT12:00:00Z">\n}
            . qq{    <name>Customer %d &amp; Partners</name>\n    <amount currency="EUR">%d.%02d</amount>\n}
            . qq{    <note>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor %d incididunt ut labore et dolore magna aliqua, ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.</note>\n  </record>\n},
            $i, $status, (qw(north south east west))[$i % 4], $i % 12 + 1, $i % 28 + 1, $i, $i * 7 % 10000, $i % 100, $i;
    }
    print {$fh} "</export>\n";
    close $fh;
    rename "$file.$$", $file or die "$file: $!";
}

my $t0 = time;
require XML::XPath;
my $load = time - $t0;
my ($secs, $ok, $n);
if ($case eq 'parse') {
    $t0 = time;
    my $xp = XML::XPath->new(filename => $file);
    my $active = $xp->find('count(//record[@status="active"])');
    my $name = $xp->findvalue('//record[@id="r2500"]/name');
    $secs = time - $t0;
    $n = 2;
    $ok = ("$active" eq '1666' && "$name" eq 'Customer 2500 & Partners') ? 1 : 0;
}
else {
    my $xp = XML::XPath->new(filename => $file);
    $xp->find('/export/@generated');
    $t0 = time;
    my $sum = 0;
    for my $i (1 .. 50) {
        my $id = $i * 97 % 5000 + 1;
        $sum += $xp->findvalue(qq{//record[\@id="r$id"]/amount});
    }
    $secs = time - $t0;
    $n = 50;
    $ok = $sum > 0 ? 1 : 0;
}
printf "xml_bench secs=%.6f load=%.6f ok=%d n=%d module=%s\n", $secs, $load, $ok, $n, $INC{'XML/XPath.pm'};
