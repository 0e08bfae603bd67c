#!/usr/bin/perl
# A legacy-style nightly batch job, run through CPAN Bridge exactly as such scripts run:
# plain `use CPANBridge` (the raw call_python API of the earlier generation), no CPAN module.
#
#   scripts/demo                      # from a checkout: PERL5LIB=perl/compat:perl/lib, daemon auto-started
#   perl examples/demo_job.pl [INPUT.csv] [OUTPUT_DIR]
#
# What it does, like the jobs it stands for: checks the bridge is healthy, numbers the day's
# batch with a counter that lives in the daemon (state kept across calls), sends one audit
# record per order without waiting for each answer (pipelined), writes a per-region summary
# report (to a temp name, then renamed, so a half-written report is never picked up), and ends
# with the daemon's own figures. Drop-in modules (DBI on SQLite, Excel::Writer::XLSX, ...)
# extend this job as they land.
use strict;
use warnings;
use CPANBridge;
use File::Basename qw(dirname);
use File::Spec;
use POSIX qw(strftime);

my $input  = shift // File::Spec->catfile(dirname(__FILE__), 'data', 'orders.csv');
my $outdir = shift // File::Spec->tmpdir;

$CPANBridge::DAEMON_MODE = 1;
my $bridge = CPANBridge->new();

# 1. Is the bridge fit to run a job? (user guide: system.health)
my $health = $bridge->call_python('system', 'health', {});
die "demo: bridge unavailable: $health->{error}\n" unless $health->{success};
printf "bridge: %s (%s mode, %s)\n", uc $health->{result}{overall_status}, $bridge->mode,
    $CPANBridge::JSON_BACKEND;
die "demo: bridge is unhealthy: @{ $health->{result}{errors} }\n"
    if $health->{result}{overall_status} eq 'unhealthy';

# 2. A batch sequence kept in the daemon for the life of this script.
my $seq = $bridge->call('test', 'counter_open', { start => 20261100 });
die "demo: cannot open batch sequence: $seq->{error}\n" unless $seq->{success};
my $batch = $bridge->call('test', 'counter_next', { handle => $seq->{result}{handle} });
die "demo: $batch->{error}\n" unless $batch->{success};
my $batch_id = $batch->{result}{value};

# 3. Read the feed; audit each order without waiting on the answer.
open my $in, '<', $input or die "demo: cannot read $input: $!\n";
my $header = <$in>;
my (%total, %count, $orders);
while (my $line = <$in>) {
    chomp $line;
    next unless length $line;
    my ($id, $customer, $region, $amount) = split /,/, $line;
    $total{$region} += $amount;
    $count{$region}++;
    $orders++;
    $bridge->call_pipelined('test', 'echo', { batch => $batch_id, order => $id, customer => $customer });
}
close $in;
if (my $err = $bridge->sync) {
    die "demo: audit of an order failed: $err->{error}\n";
}

# 4. The report: written whole or not at all.
my $report = File::Spec->catfile($outdir, "region_summary_$batch_id.txt");
my $tmp = "$report.tmp$$";
open my $out, '>', $tmp or die "demo: cannot write $tmp: $!\n";
printf {$out} "Region summary, batch %s, %s\n", $batch_id, strftime('%Y-%m-%d', localtime);
printf {$out} "%-6s %6s %12s\n", 'REGION', 'ORDERS', 'AMOUNT';
printf {$out} "%-6s %6d %12.2f\n", $_, $count{$_}, $total{$_} for sort keys %total;
close $out or die "demo: cannot write $tmp: $!\n";
rename $tmp, $report or die "demo: cannot rename $tmp to $report: $!\n";

$bridge->call('test', 'counter_close', { handle => $seq->{result}{handle} });

# 5. What the daemon saw (user guide: system.performance).
my $perf = $bridge->call_python('system', 'performance', {});
my $m = $perf->{result}{performance_metrics};
printf "batch %s: %d orders in %d regions -> %s\n", $batch_id, $orders, scalar(keys %total), $report;
printf "daemon: %d requests so far, avg %.3f ms, p99 %.3f ms, error rate %.1f%%\n",
    $m->{total_requests}, $m->{avg_response_time} * 1000, $m->{p99_response_time} * 1000, $m->{error_rate} * 100;
