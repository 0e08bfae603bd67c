#!/usr/bin/perl
# Differential: several sheets (activate/select/hide/first), lookups, defined names, properties, 1904; dates and UTF-8 text.
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
subtest sheets => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/sheets.pl", expect => qr/^ok$/m, files => ["sheets.xlsx"]) };
subtest dates_text => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/dates_text.pl", expect => qr/^ok$/m, files => ["dates.xlsx"]) };
done_testing;
