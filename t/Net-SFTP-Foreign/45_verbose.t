#!/usr/bin/perl
# A legacy job with `more => [..., '-v']` (scripts/verbose.pl): natively ssh's debug output is the
# script's stderr, ~50 lines of login before new returns and a few closing lines by disconnect.
# Bridged, open's ssh_stderr carries the login and close's the rest, and the drop-in replays
# them there. Compared line for line, with the markers the script prints showing that each part
# lands where native puts it. Only the closing statistics are normalised: "Transferred: sent N,
# received N bytes, in S seconds" and "Bytes per second: ..." count the session's bytes and time,
# which differ between any two runs (the bridged session also makes other requests: realpath at
# open). Everything else -v prints (host key, authentication, channel, exit status) is the same
# from run to run, so it is compared as it is.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

sub stats_normalised {
    my ($err) = @_;
    $err =~ s/^(Transferred: sent )\d+, received \d+ bytes, in [\d.]+ seconds/${1}N, received N bytes, in S seconds/mg;
    $err =~ s/^(Bytes per second: sent )[\d.]+, received [\d.]+/${1}N, received N/mg;
    return $err;
}

my $case = { name => 'verbose', script => 'verbose.pl', timeout => 60 };
my $places = [ SFTPDiff::_places($case->{name}) ];
my $n = run_side('native', $case, $places);
like($n->{out}, qr/^done$/m, 'native: the job ran');
my ($nlogin, $nmiddle, $nclosing) = $n->{err} =~ /\A== new\n(.*)== connected\n(.*)== disconnect\n(.*)== done\n\z/s;
cmp_ok(scalar(() = ($nlogin // '') =~ /^debug1: /mg), '>=', 20, 'native: ssh -v logs the login before new returns');
like($nclosing // '', qr/^debug1: Exit status 0\r$/m, 'native: and its exit by disconnect');

SKIP: {
    my ($bok, $bwhy) = SFTPDiff::_bridge_ok();
    skip("bridged: $bwhy", 5) unless $bok;
    my $b = run_side('bridge', $case, $places);
    is($b->{out}, $n->{out}, 'verbose: stdout');
    is($b->{status}, $n->{status}, 'verbose: exit status');
    my ($blogin, $bmiddle, $bclosing) = $b->{err} =~ /\A== new\n(.*)== connected\n(.*)== disconnect\n(.*)== done\n\z/s;
    is($blogin, $nlogin, 'verbose: the login lines, before new returns');
    is($bmiddle, $nmiddle, 'verbose: nothing while the session works');
    is(stats_normalised($bclosing // ''), stats_normalised($nclosing // ''), 'verbose: the closing lines, by disconnect');
}
done_testing;
