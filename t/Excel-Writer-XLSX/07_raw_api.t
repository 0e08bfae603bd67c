#!/usr/bin/perl
# The raw excel API of the user guide (004), run as printed there: create_workbook{filename},
# add_worksheet{sheet_name}, write_cell{row,col,value} in a loop, save_workbook{} -- the session's
# current workbook and worksheet are used when no handle is passed. The file is then read back
# with t/tools/xlsx_meaning.pl (system perl, outside the lockdown).
use strict;
use warnings;
use Test::More;
use BridgeTest;
use File::Temp ();

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 120;

start_daemon();
my $dir  = File::Temp::tempdir('xlsx-raw-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $file = "$dir/report.xlsx";

my ($st, $out, $err) = run_perl(<<"PERL");
use strict;
use warnings;
use CPANBridge;
\$CPANBridge::DAEMON_MODE = 1;
my \$bridge = CPANBridge->new();

my \$result = \$bridge->call_python('excel', 'create_workbook', {
    filename => '$file'
});
die "create_workbook: \$result->{error}" unless \$result->{success};
print "exists before save: ", (-e '$file' ? 1 : 0), "\\n";

\$result = \$bridge->call_python('excel', 'add_worksheet', {
    sheet_name => 'Sales Data'
});
die "add_worksheet: \$result->{error}" unless \$result->{success};

for my \$row (0..999) {
    \$bridge->call_python('excel', 'write_cell', {
        row => \$row,
        col => 0,
        value => "Item \$row"
    });
    \$bridge->call_python('excel', 'write_cell', {
        row => \$row,
        col => 1,
        value => \$row * 100
    });
}

\$result = \$bridge->call_python('excel', 'save_workbook', {});
print "saved: ", (\$result->{success} ? 1 : "0 \$result->{error}"), "\\n";
PERL

is($st, 0, 'the guide example runs') or diag($err);
is($out, "exists before save: 0\nsaved: 1\n", 'nothing at the destination until save_workbook, then saved');
is($err, '', 'nothing on stderr');

my ($mst, $meaning, $merr) = run_cmd([$^X, "$ROOT/t/tools/xlsx_meaning.pl", $file], env => { PERL5OPT => undef });
is($mst, 0, 'the saved file is a readable workbook') or diag($merr);
like($meaning, qr/^workbook sheets="Sales Data"$/m, 'one sheet, named as asked');
like($meaning, qr/^sheet "Sales Data" cell A1 string "Item 0"$/m, 'strings as strings');
like($meaning, qr/^sheet "Sales Data" cell B1000 number 99900$/m, 'numbers as numbers, last row written');
is(scalar(() = $meaning =~ /^sheet "Sales Data" cell /mg), 2000, 'all 2000 cells');
done_testing;
