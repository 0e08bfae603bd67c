#!/usr/bin/perl
# 60 MB up and down, plain and atomic (scripts/large.pl): byte-identical on both sides (the
# snapshots compare MD5s of every file), natively and bridged.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

my $MB = 1 << 20;
my ($b, $n) = sftp_diff({
    name => 'large', script => 'large.pl', timeout => 600,
    local => { 'big.bin' => { size => 60 * $MB + 12345, mode => 0644, mtime => 1_000_000_000 } },
    remote => { 'remote.bin' => { size => 60 * $MB + 54321, mode => 0640, mtime => 1_100_000_000 } },
});
like($n->{out}, qr/^done$/m, 'large: the native run went through');
like($n->{out}, qr/^stat up => '62926905' /m, 'large: the upload has every byte');
is($n->{local}{'big.down'}, $n->{remote}{'remote.bin'}, 'large: native download equals the remote file');
SKIP: {
    skip('no bridged run', 3) unless $b;
    is($b->{local}{'big.down'}, $b->{remote}{'remote.bin'}, 'large: bridged download equals the remote file (size, mode, MD5, mtime)');
    is($b->{remote}{'big.up'}, $b->{local}{'big.bin'} =~ s/ 0644 / 0644 /r, 'large: bridged upload equals the local file');
    is($b->{local}{'big.atomic.down'}, $b->{remote}{'remote.bin'}, 'large: bridged atomic download equals the remote file');
    diag(sprintf 'large: native %.1f s, bridged %.1f s', $n->{secs}, $b->{secs});
}
done_testing;
