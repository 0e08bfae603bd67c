#!/usr/bin/perl
# The daemon dies mid-session (scripts/daemon_killed.pl, bridged only: natively there is no
# daemon): every later call on that session fails at once with SFTP_ERR_CONNECTION_BROKEN and a
# message naming the lost session; a new Net::SFTP::Foreign object works again (a new daemon is
# started); nothing hangs.
use strict;
use warnings;
use Test::More;
use File::Spec ();
use Time::HiRes ();
use BridgeTest;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
my ($st, $manifest) = run_cmd([$BIN, 'manifest'], timeout => 600);
plan skip_all => 'the daemon has no sftp module yet' unless $manifest =~ /^sftp\b/m;

start_daemon();
my $first = daemon_pid();
my $case = { name => 'daemon killed', script => 'daemon_killed.pl', timeout => 90 };
my $killed;
$case->{during} = sub {
    my $dir = "$SFTPDiff::CURRENT_LOCAL/work";
    wait_for { -e "$dir/ready" } 60;
    $killed = kill 'KILL', $first;
    wait_gone($first, 10);
    open my $fh, '>', "$dir/go" or die;
    close $fh;
};
my $places = [ SFTPDiff::_places($case->{name}) ];
my $b = run_side('bridge', $case, $places);
ok($killed, 'the daemon was killed while the script held a session');
is($b->{status}, 0, 'the script ends normally') or diag($b->{err});
ok($b->{secs} < 60, 'no hang') or diag("took $b->{secs} s");
my $user = $ENV{CPAN_BRIDGE_TEST_SSH_USER};
my $dest = "$user\@$ENV{CPAN_BRIDGE_TEST_SSH_HOST}:$ENV{CPAN_BRIDGE_TEST_SSH_PORT}";
for my $call ('stat after kill', 'put after kill') {
    like($b->{out}, qr/^\Q$call\E => undef \| error 37 \[Connection to remote server is broken: the cpanbridge daemon holding SFTP session \Q$dest\E went away \(E_\w+: .+\)\] \| status 7 \[Connection lost\]$/m,
         "$call: broken connection naming the lost session");
}
like($b->{out}, qr/^ls after kill => \(\) \| error 37 /m, 'ls after kill: fails the same way');
like($b->{out}, qr/^new session => 'connected' /m, 'a new session works (on a new daemon)');
like($b->{out}, qr/^put on new session => '1' /m, '...and transfers');
ok(exists $b->{remote}{'before.txt'} && exists $b->{remote}{'again.txt'} && !exists $b->{remote}{'after.txt'},
   'remote files: before and again, not after');

# Killed while a put is under way (atomic): the put fails naming the lost session, and the
# destination name never holds a partial file.
start_daemon();
my $pid = daemon_pid();
my $MB = 1 << 20;
$case = { name => 'daemon killed mid-put', script => 'daemon_killed.pl', args => ['transfer'], timeout => 120,
          local => { 'big.bin' => { size => 200 * $MB } } };
$killed = 0;
$case->{during} = sub {
    my $until = Time::HiRes::time() + 60;
    while (Time::HiRes::time() < $until) {
        last if grep { (-s $_ || 0) > 20 * $MB } glob("$SFTPDiff::CURRENT_REMOTE/dest.bin*");
        Time::HiRes::sleep(0.01);
    }
    $killed = kill 'KILL', $pid;
};
$places = [ SFTPDiff::_places($case->{name}) ];
$b = run_side('bridge', $case, $places);
ok($killed, 'the daemon was killed during the put');
like($b->{out}, qr/^put atomic while killed => undef \| error 37 \[Connection to remote server is broken: the cpanbridge daemon holding SFTP session \Q$dest\E went away \(E_\w+: .+\)\] \| status 7 /m,
     'the put fails naming the lost session');
like($b->{out}, qr/^dest\.bin: absent$/m, 'no dest.bin');
ok(!exists $b->{remote}{'dest.bin'}, 'remote files: no dest.bin');
like($b->{out}, qr/^new session => 'connected' /m, 'a new session works afterwards');
done_testing;
