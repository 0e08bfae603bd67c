#!/usr/bin/perl
# No server needed (scripts/offline.pl): constants and export tags, the attributes object,
# join, constructor croaks -- natively and bridged under the lockdown, the same output.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;
local $ENV{CPAN_BRIDGE_TEST_SSH_DIR} = File::Temp::tempdir('cbt-sftp-off-XXXXXX', TMPDIR => 1, CLEANUP => 1)
    unless $ENV{CPAN_BRIDGE_TEST_SSH_DIR} && -d $ENV{CPAN_BRIDGE_TEST_SSH_DIR};
my $case = { name => 'offline', script => 'offline.pl' };
my $places = [ SFTPDiff::_places('offline') ];
my $n = run_side('native', $case, $places);
my $b = run_side('bridge', $case, $places);
like($n->{out}, qr/^done$/m, 'the native run went through') or diag($n->{err});
is($b->{out}, $n->{out}, 'stdout');
is($b->{err}, $n->{err}, 'stderr');
is($b->{status}, $n->{status}, 'exit status');

# Process mode (CPAN_BRIDGE_DAEMON=0, one process per call) cannot hold a session: new says so.
my ($st, $out, $err) = BridgeTest::run_perl(
    'use Net::SFTP::Foreign; my $s = Net::SFTP::Foreign->new("127.0.0.1", port => 1); printf "%d %s\n", $s->error, $s->error;',
    env => { CPAN_BRIDGE_DAEMON => 0, PERL5LIB => "$BridgeTest::ROOT/perl/compat:$BridgeTest::ROOT/perl/lib" }, timeout => 120);
like($out, qr/^37 Connection to remote server is broken: cpanbridge: E_STATEFUL: sftp\.open keeps state/, 'process mode: a clear error from new')
    or diag("$out$err");
done_testing;
