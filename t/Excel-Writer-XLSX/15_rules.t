#!/usr/bin/perl
# Differential: data validation and conditional formats.
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
subtest rules => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/validate_cf.pl", expect => qr/^ok$/m, files => ["rules.xlsx"]) };
done_testing;
