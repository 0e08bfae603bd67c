#!/usr/bin/perl
# Differential: column/row sizing, merges, panes, autofilter, gridlines, zoom, selection, tab colour.
# Natively (Debian's Excel::Writer::XLSX) and through the bridge: stdout, stderr, exit status, the
# meaning of every .xlsx produced and LibreOffice's CSV of each sheet must agree (t/lib/XLSXDiff.pm).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XLSXDiff;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 900;

start_daemon() if dropin_present();
subtest layout => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/layout.pl", expect => qr/^ok$/m, files => ["layout.xlsx"]) };
done_testing;
