#!/usr/bin/perl
# put/get/put_content options (scripts/options.pl): perm, umask, copy_perm, copy_time, overwrite,
# atomic, resume, mkpath -- the resulting modes, times and contents on both sides.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

my $data = join('', map { "line $_\n" } 1 .. 2000);
my ($b, $n) = sftp_diff({
    name => 'options', script => 'options.pl',
    local => { 'data.txt' => { content => $data, mode => 0664, mtime => 1_010_000_000 },
               'exec.sh' => { content => "#!/bin/sh\necho hi\n", mode => 0775, mtime => 1_020_000_000 },
               'local_old.txt' => 'old', 'local_old2.txt' => 'old2',
               'lpartial.txt' => substr("remote $data", 0, 3000),
               'lpartial2.txt' => { content => substr("remote $data", 0, 100), mtime => 1_090_000_000 },
               "Gr\xc3\xbc\xc3\x9fe.txt" => { content => "utf-8 name\n", mtime => 1_060_000_000 },
               "latin\xe9.txt" => { content => "latin-1 name\n", mode => 0640, mtime => 1_070_000_000 } },
    remote => { 'old.txt' => 'old remote', 'old2.txt' => 'old remote 2',
                'readonly.txt' => { content => 'ro', mode => 0444 },
                'partial.txt' => substr($data, 0, 5000),
                'partial2.txt' => { content => substr($data, 0, 100), mtime => 1_000_000_000 },
                'r_data.txt' => { content => "remote $data", mode => 0640, mtime => 1_030_000_000 },
                'r_exec.sh' => { content => "#!/bin/sh\n", mode => 0755, mtime => 1_040_000_000 },
                'rsub/inner.txt' => { content => 'inner', mtime => 1_050_000_000 } },
});
like($n->{out}, qr/^done$/m, 'options: the native run went through');
done_testing;
