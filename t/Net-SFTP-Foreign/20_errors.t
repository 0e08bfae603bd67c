#!/usr/bin/perl
# Failures (scripts/errors.pl): error()/status() codes and texts, croaks, autodie deaths, and the
# files a failed call leaves (or must not leave) behind, natively and bridged.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

my ($b, $n) = sftp_diff({
    name => 'errors', script => 'errors.pl',
    local => { 'exists.txt' => 'local copy', 'localdir' => { dir => 1 }, 'big.local' => 'x' x 500 },
    remote => { 'data.txt' => { content => "remote data\n", mtime => 1_000_000_000 },
                'data2.txt' => 'second', 'sub/inner.txt' => 'inner', 'secret.txt' => { content => 'no', mode => 0 },
                'big.txt' => 'y' x 500 },
});
like($n->{out}, qr/^done$/m, 'errors: the native run went through');
done_testing;
