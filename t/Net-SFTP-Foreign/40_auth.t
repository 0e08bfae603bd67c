#!/usr/bin/perl
# Failed logins (scripts/auth.pl): wrong password, no usable key, unknown host key with a key
# and with a password, a closed port, autodie. Same errors as native and no hang; the one known
# difference: with a password and an unknown host key native waits on its pty until `timeout`
# ("login procedure timed out"), the bridge fails at once with the message native reserves for
# that case.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

for my $case (qw(wrong_password no_key unknown_host_key refused more_string autodie)) {
    SKIP: {
        skip('no password for the test user', 6) if $case eq 'wrong_password' && !$ENV{CPAN_BRIDGE_TEST_SSH_PASSWORD};
        my ($b, $n) = sftp_diff({ name => "auth $case", script => 'auth.pl', args => [$case], timeout => 60 });
        like($n->{out}, qr/^(?:done|autodie new: .*)$/m, "auth $case: the native run ends");
        ok(!$b || $b->{secs} < 8, "auth $case: bridged run ends without waiting for the timeout")
            or diag("took $b->{secs} s");
    }
}

SKIP: {
    skip('no password for the test user', 4) unless $ENV{CPAN_BRIDGE_TEST_SSH_PASSWORD};
    my $case = { name => 'auth unknown_host_password', script => 'auth.pl', args => ['unknown_host_password'], timeout => 60 };
    my $places = [ SFTPDiff::_places($case->{name}) ];
    my $n = run_side('native', $case, $places);
    like($n->{out}, qr/^new unknown_host_password => 'failed' \| error 37 /m, 'native fails too (after its timeout)');
    my ($bok, $bwhy) = SFTPDiff::_bridge_ok();
    skip("bridged: $bwhy", 3) unless $bok;
    my $b = run_side('bridge', $case, $places);
    like($b->{out}, qr/^new unknown_host_password => 'failed' \| error 37 \[the authenticity of the target host can't be established, the remote host public key is probably not present on the '~\/\.ssh\/known_hosts' file\] \| status 6 \[No connection\]$/m,
         'bridged: the host-key error native means for this case');
    like($b->{out}, qr/^done$/m, 'bridged: the script goes on');
    ok($b->{secs} < 5, 'bridged: at once, not after the timeout') or diag("took $b->{secs} s");
}
done_testing;
