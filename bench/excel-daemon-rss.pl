#!/usr/bin/perl
# The excel module's memory on a big workbook: sends ROWS x 10 cells (half unique strings, half
# numbers) in batches of 7,000 records to the daemon, closes, and prints the daemon's peak RSS
# (VmHWM) before and after close. Usage: perl bench/excel-daemon-rss.pl /tmp/big.xlsx [ROWS=100000]
# Run it against a fresh daemon (its own XDG_RUNTIME_DIR) so the peak is this workbook's.
use strict; use warnings; use Time::HiRes qw(time);
use FindBin; use lib "$FindBin::Bin/../perl/lib";
use CPANBridge;
my $b = CPANBridge->new;
my ($file, $rows) = @ARGV; $rows ||= 100000;
my $t0 = time;
my $r = $b->call('excel', 'workbook_open', { filename => $file }); die $r->{error} unless $r->{success};
my $h = $r->{result}{handle};
$r = $b->call('excel','write',{handle=>$h, ops=>[[-1,'add_worksheet',{}],[0,'set_column',{first=>0,last=>0,format=>1}]]}); die $r->{error} unless $r->{success};
my @buf;
for my $row (0..$rows-1) {
  for my $col (0..9) {
    push @buf, $col % 2 ? (0,$row,$col,'n',0,$row*10+$col,'') : (0,$row,$col,'s',0,"text $row $col",'');
  }
  if (@buf >= 70000) { $r = $b->call('excel','write',{handle=>$h},{attachment=>pack('(w w w a w w/a* w/a*)*',@buf)}); die $r->{error} unless $r->{success}; @buf=(); }
}
$r = $b->call('excel','write',{handle=>$h},{attachment=>pack('(w w w a w w/a* w/a*)*',@buf)}) if @buf;
my $t1 = time;
my $pid0 = $b->call('bridge','hello',{})->{result}{pid}; open my $f0, '<', "/proc/$pid0/status"; my %s0 = map { /^(\w+):\s+(.*)/ ? ($1,$2) : () } <$f0>; print "before close: VmHWM=$s0{VmHWM} VmRSS=$s0{VmRSS}\n";
$r = $b->call('excel','close',{handle=>$h, formats=>{1=>{bold=>1}}}); die $r->{error} unless $r->{success};
my $t2 = time;
my $pid = $b->call('bridge','hello',{})->{result}{pid};
open my $fh, '<', "/proc/$pid/status"; my %s = map { /^(\w+):\s+(.*)/ ? ($1,$2) : () } <$fh>;
printf "cells=%d send=%.1fs close=%.1fs bytes=%d VmHWM=%s VmRSS=%s\n", $rows*10, $t1-$t0, $t2-$t1, $r->{result}{bytes}, $s{VmHWM}, $s{VmRSS};
