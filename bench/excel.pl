#!/usr/bin/env perl
# bench/excel.pl — the Excel benchmark's worker: one process writes one workbook with whichever
# Excel::Writer::XLSX `require` finds (Debian's, or the drop-in when perl/compat comes first on
# @INC). bench/run starts it natively and bridged and computes the ratios (bench/run --only=excel);
# by hand:
#
#   perl bench/excel.pl --rows=10000 --cols=10 --out=/tmp/b.xlsx
#   PERL5LIB=perl/compat:perl/lib perl bench/excel.pl --rows=10000 --cols=10 --out=/tmp/b.xlsx
#
# The sheet: a header row in one bold format, then --rows rows of --cols columns cycling through
# an integer, a short string, a decimal written with a number format (the "one format on a
# column"), a date-like string and a longer text; written with write(), as report jobs do.
#
# Prints one line: `excel_bench key=value ...` with secs= (from before loading the module to
# after close() returned: what the job pays), load= (the module's load time), cells=, bytes= (of
# the file) and module= (the Excel/Writer/XLSX.pm that was loaded).
use strict;
use warnings;
use Getopt::Long qw(GetOptions);
use Time::HiRes qw(time);

my %opt = (rows => 10_000, cols => 10);
GetOptions(\%opt, 'rows=i', 'cols=i', 'out=s') && $opt{out}
    or die "usage: bench/excel.pl --rows=N --cols=N --out=FILE.xlsx\n";
unlink $opt{out};

my $t0 = time;
require Excel::Writer::XLSX;
my $load = time - $t0;
my $wb = Excel::Writer::XLSX->new($opt{out}) or die "bench/excel.pl: new($opt{out}) failed: $!\n";
my $ws = $wb->add_worksheet('Bench');
my $head = $wb->add_format(bold => 1, bg_color => 'gray', align => 'center');
my $money = $wb->add_format(num_format => '#,##0.00');
$ws->write(0, $_, "col$_", $head) for 0 .. $opt{cols} - 1;
my @names = map { "name$_" } 0 .. 99;
my $cells = $opt{cols};
for my $r (1 .. $opt{rows}) {
    for my $c (0 .. $opt{cols} - 1) {
        my $k = $c % 5;
        if    ($k == 0) { $ws->write($r, $c, $r * 10 + $c) }
        elsif ($k == 1) { $ws->write($r, $c, $names[ $r % 100 ]) }
        elsif ($k == 2) { $ws->write($r, $c, $r * 1.25, $money) }
        elsif ($k == 3) { $ws->write($r, $c, '2026-11-' . (10 + $r % 20)) }
        else            { $ws->write($r, $c, "a longer text value for row $r") }
    }
    $cells += $opt{cols};
}
$wb->close or die "bench/excel.pl: close failed: $!\n";
my $secs = time - $t0;
printf "excel_bench secs=%.4f load=%.4f cells=%d bytes=%d module=%s\n", $secs, $load, $cells, -s $opt{out},
    $INC{'Excel/Writer/XLSX.pm'};
