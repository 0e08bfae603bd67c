#!/usr/bin/perl
# The daemon side through the wire: a 100 MB document parses (as records) and the daemon goes
# on serving; a parse error carries expat's fields in its data; a relative file path is a usage
# error.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLDOMDiff;
use CPANBridge;
use File::Temp ();

my ($bok, $bwhy) = bridge_ok();
plan skip_all => $bwhy unless $bok;

my $bridge = CPANBridge->new;
my $dir = File::Temp::tempdir('cbt-dom-big-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $file = "$dir/big.xml";
open my $fh, '>', $file or die "$file: $!";
print {$fh} qq{<?xml version="1.0"?>\n<root>\n};
my ($size, $rows) = (0, 0);
my $chunk = '';
while ($size < 100 * 1024 * 1024) {
    my $line = qq{  <row id="$rows" name="name $rows">text of row $rows &amp; more</row>\n};
    $chunk .= $line;
    $size += length $line;
    $rows++;
    if (length $chunk > 1 << 20) { print {$fh} $chunk; $chunk = '' }
}
print {$fh} $chunk, "</root>\n";
close $fh;

my $r = $bridge->call('xml_dom', 'parse', { file => $file });
ok($r->{success}, '100 MB document parses') or diag(explain($r->{error}));
# the declaration, the root, per row its indentation, start, text and end, the last newline, the end
is($r->{result}{records}, 4 + 4 * $rows, 'one record per node event');
like(substr($r->{attachment} // '', 0, 40), qr/^X\x1F1\.0\x1F\x1D\x1F\x1D\x1EE\x1Froot\x1E/, 'records start with the declaration and the root');
undef $r;

$r = $bridge->call('xml_dom', 'parse', {}, { attachment => "<a>\n  <b>\n</a>" });
ok(!$r->{success}, 'a malformed document fails');
is($r->{error}, "\nmismatched tag at line 3, column 2, byte 12", "expat's text");
is_deeply([ @{ $r->{data} }{qw(reason message line column byte)} ], ['parse', 'mismatched tag', 3, 2, 12],
          'and its parts in data');

$r = $bridge->call('xml_dom', 'parse', { file => 'relative.xml' });
is($r->{code}, 'E_USAGE', 'a relative path is a usage error');

$r = $bridge->call('xml_dom', 'parse', {}, { attachment => '<still-alive/>' });
ok($r->{success}, 'the daemon goes on serving');
done_testing;
