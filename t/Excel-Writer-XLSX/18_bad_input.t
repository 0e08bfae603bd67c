#!/usr/bin/perl
# Differential: bad input: out-of-range cells (native returns -2, not the -1 the issue says), bad arguments, sheet-name rules and croak texts, unwritable paths (new returns undef).
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
subtest bad_input => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/bad_input.pl", expect => qr/^row 1048576: -2$/m, files => ["bad.xlsx"],
                                           # LibreOffice would export all 1,048,576 rows x 16,384 columns as CSV
                                           no_lo => 1) };
subtest bad_name_long => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/bad_name_long.pl") };
subtest bad_name_dup => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/bad_name_dup.pl") };
subtest bad_path => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/bad_path.pl", expect => qr{^/nonexistent/dir/x.xlsx: undef}m, files => []) };
subtest close_on_destroy => sub { xlsx_diff("$ROOT/t/Excel-Writer-XLSX/scripts/nofile_close.pl", expect => qr/^scoped exists: yes$/m) };
done_testing;
