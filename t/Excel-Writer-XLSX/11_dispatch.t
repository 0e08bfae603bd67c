#!/usr/bin/perl
# Differential: write()'s dispatch by the look of a value; every write method's return value.
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
subtest dispatch => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/dispatch.pl", expect => qr/^done$/m, files => ["dispatch.xlsx"]) };
done_testing;
