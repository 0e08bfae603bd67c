#!/usr/bin/perl
# A script killed with SIGKILL before close (no END, no DESTROY): through the bridge nothing is
# left at the destination path, nor a work file beside it -- the daemon discards the workbook
# when the client is gone. (Natively a 0-byte file remains, because new() creates it at once;
# that is the difference the bridge makes on purpose, so only the bridge is asserted.)
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XLSXDiff;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 300;

plan skip_all => 'perl/compat/Excel/Writer/XLSX.pm is not there yet' unless dropin_present();
start_daemon();

my $r = run_bridged("$ROOT/t/Excel-Writer-XLSX/scripts/killed.pl");
is($r->{status} & 127, 9, 'the script died of SIGKILL');
is($r->{out}, "about to die\n", 'it got as far as the kill');
ok(!-e "$r->{dir}/killed.xlsx", 'no file at the destination');
# The daemon notices the lost client asynchronously: give it a moment to remove its work file.
my $left;
for (1 .. 50) {
    $left = XLSXDiff::list_files($r->{dir});
    last unless @$left;
    select(undef, undef, undef, 0.1);
}
is_deeply($left, [], 'no work file left in the target directory');
done_testing;
