use strict;
use warnings;
use Test::More;
use BridgeTest;
use File::Temp ();

# The README's demo job (examples/demo_job.pl: plain `use DBI` on SQLite, Excel::Writer::XLSX, and
# XML::XPath for its settings) must print the same report and write the same summary files
# natively (Debian's DBI + DBD::SQLite + Excel::Writer::XLSX + XML::XPath) and through the bridge (scripts/demo: the drop-ins, @INC cut
# to core Perl). The spreadsheets are compared by meaning (t/tools/xlsx_meaning.pl), not bytes.

my $job  = "$ROOT/examples/demo_job.pl";
my $data = "$ROOT/examples/data";
my $csv  = 'orders_report_20261121.csv';    # named after the feed's business date
(my $xlsx = $csv) =~ s/\.csv\z/.xlsx/;

# The native run must see Debian's modules and not our drop-in: no lockdown, no perl/compat.
my %native_env = (PERL5OPT => undef, PERL5LIB => undef);
my ($has_native) = run_cmd([$^X, '-MDBI', '-MDBD::SQLite', '-MExcel::Writer::XLSX', '-MXML::XPath', '-e1'], env => \%native_env);

my %run;
sub run_job {
    my ($how, $cmd, %env) = @_;
    my $out_dir = File::Temp::tempdir("cbt-demo-$how-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    my ($st, $out, $err) = run_cmd([@$cmd, $data, $out_dir], env => \%env, timeout => 300);
    is($st, 0, "$how: the job exits 0") or diag($err);
    my @log = split /\n/, $err;
    is_deeply([grep { !/^demo_job: (work database|wrote) / } @log], [], "$how: stderr has only the job's log lines");
    my $file = slurp("$out_dir/$csv");
    ok(defined $file, "$how: wrote $csv");
    like($out, qr/^ORDER REPORT for 2026-11-21 .*\njob orders_nightly, owner \xC3\x89quipe Ventes, outputs: csv, xlsx\n/,
         "$how: the report starts as expected, with the settings read from job.xml");
    # The dumper needs Archive::Zip and XML::LibXML: it runs with the system perl, unlocked.
    my ($mst, $meaning, $merr) = run_cmd([$^X, "$ROOT/t/tools/xlsx_meaning.pl", "$out_dir/$xlsx"], env => \%native_env);
    is($mst, 0, "$how: wrote $xlsx, a readable workbook") or diag($merr);
    $run{$how} = { out => $out, csv => $file, xlsx => $meaning };
}

# scripts/test installs Debian's DBI and DBD::SQLite: without them there is nothing to compare with.
is($has_native, 0, 'the native DBI + DBD::SQLite + Excel::Writer::XLSX + XML::XPath load (apt-get install libdbi-perl libdbd-sqlite3-perl libexcel-writer-xlsx-perl libxml-xpath-perl)');
run_job(native => [$^X, $job], %native_env);

# scripts/demo auto-starts a daemon on the test's socket ($ENV{CPAN_BRIDGE_SOCKET}); BridgeTest stops
# it at the end.
run_job(bridge => ["$ROOT/scripts/demo"], DEMO_JOB => undef, DEMO_LOCKDOWN => undef);
ok(daemon_pid(), 'the bridged run went through a daemon (auto-started on the test socket)');
is($run{bridge}{out}, $run{native}{out}, 'stdout: bridged == native, byte for byte');
is($run{bridge}{csv}, $run{native}{csv}, "$csv: bridged == native, byte for byte");
is($run{bridge}{xlsx}, $run{native}{xlsx}, "$xlsx: bridged means what native means (sheets, cells, styles, panes, filter)");

done_testing();
