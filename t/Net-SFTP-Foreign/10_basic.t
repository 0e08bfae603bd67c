#!/usr/bin/perl
# The everyday batch job (scripts/basic.pl) natively and bridged, with each way of logging in:
# new($host, ...) with a key in `more`, new(host => ...), key_path, and a password.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

my %local = ('report.csv' => { content => "id,amount\n1,10\n2,20\n", mode => 0640, mtime => 1_000_000_000 });
for my $auth (qw(key hash_style key_path password)) {
    SKIP: {
        skip('no password for the test user (sshd not started as root)', 5)
            if $auth eq 'password' && !$ENV{CPAN_BRIDGE_TEST_SSH_PASSWORD};
        my ($b, $n) = sftp_diff({ name => "basic $auth", script => 'basic.pl', args => [$auth], local => \%local });
        like($n->{out}, qr/^done$/m, "basic $auth: the native run went through");
    }
}

# The legacy jobs' shape (scripts/legacy.pl): new(%cfg), setcwd, put with perm, rename to "p",
# error after every call, eval { put or die } retries, a fresh new as failover, undef.
my ($b, $n) = sftp_diff({
    name => 'legacy job', script => 'legacy.pl',
    local => { 'a.dat' => { content => "A\n" x 100, mode => 0600 }, 'b.dat' => { content => "B\n" x 3, mode => 0644 } },
    remote => { 'incoming/pold.dat' => 'old', 'incoming/ack.txt' => { content => "ACK\n", mtime => 1_000_000_000 } },
});
like($n->{out}, qr/^done$/m, 'legacy job: the native run went through');
done_testing;
