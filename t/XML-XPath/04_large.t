#!/usr/bin/perl
# A 100 MB document must not take the daemon down: it is parsed (or refused with a clear error)
# and the daemon answers the next query. Bridged only -- native XML::XPath would need minutes and
# gigabytes for it. The daemon's peak RSS is reported (diag), not asserted.
use strict;
use warnings;
use Test::More;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use File::Temp ();
use BridgeTest;
use XPathDiff;

my ($bok, $why) = bridge_ok();
plan skip_all => $why unless $bok;
plan tests => 4;

my $dir = File::Temp::tempdir('cbt-xpath-big-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $big = "$dir/big.xml";
{
    open my $fh, '>', $big or die "$big: $!";
    print {$fh} qq{<?xml version="1.0"?>\n<big>\n};
    my $chunk = join '', map { qq{  <row id="$_" kind="k@{[ $_ % 7 ]}"><name>Row $_ &amp; co</name><v>$_</v></row>\n} } 1 .. 1000;
    my $bytes = 0;
    while ($bytes < 100 * 1024 * 1024) { print {$fh} $chunk; $bytes += length $chunk }
    print {$fh} "</big>\n";
    close $fh;
}
my $size = -s $big;
ok($size >= 100 * 1024 * 1024, "generated a document of $size bytes");

my $script = q{
    use XML::XPath;
    my $xp = XML::XPath->new(filename => $ARGV[0]);
    my $n = eval { $xp->find('count(//row[@kind="k3"])') };
    print defined $n ? "count=$n\n" : "refused: $@";
    undef $xp;
    my $small = XML::XPath->new(xml => '<a><b>still here</b></a>');
    print $small->findvalue('//b'), "\n";
};
my $pid = daemon_pid();
my ($st, $out, $err) = run_cmd([$^X, '-e', $script, $big],
    env => { PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown" }, timeout => 900);
is($st, 0, 'the script ran to its end') or diag($err);
like($out, qr/\A(?:count=\d+|refused: .*bytes.*)\nstill here\n\z/s, 'the big document was counted or refused clearly; the daemon answered after it')
    or diag($out);
$pid = daemon_pid() || $pid;
ok(pid_alive($pid), 'the daemon is still running');
sleep 3;    # the daemon hands a big tree's memory back in the background after close
my $status = slurp("/proc/$pid/status") || '';
my ($hwm) = $status =~ /VmHWM:\s+(\d+)/;
my ($rss) = $status =~ /VmRSS:\s+(\d+)/;
diag(sprintf '100 MB document: %s; daemon peak RSS %.0f MB, RSS after close %.0f MB', $out =~ /^(\S+)/, ($hwm || 0) / 1024, ($rss || 0) / 1024);
