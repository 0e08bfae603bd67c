#!/usr/bin/perl
# Differential: insert_image with a small PNG (anchors, offsets, scale, url); native methods beyond the
# issue's listed surface (extras.pl).
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
subtest images => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/images.pl", expect => qr/^ok$/m, files => ["images.xlsx"]) };
subtest extras => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/extras.pl", expect => qr/^ok$/m, files => ["extras.xlsx"]) };
done_testing;
