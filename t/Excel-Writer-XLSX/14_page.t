#!/usr/bin/perl
# Differential: page setup, header/footer, print titles and area, sheet protection.
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
subtest page => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/page.pl", expect => qr/^ok$/m, files => ["page.xlsx"]) };
done_testing;
