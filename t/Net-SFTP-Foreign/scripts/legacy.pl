#!/usr/bin/perl
# The shape of the legacy transfer jobs (reference/legacy-usage.md section 2): new(%cfg) with a
# key in `more` and timeout 30, setcwd, put with perm from oct(), rename to a "p" name, error
# checked after every call, a retry as eval { put or die }, failover to a fresh new, cleanup by
# undef.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
our $REMOTE;

my %cfg = (host => $ENV{CPAN_BRIDGE_TEST_SSH_HOST}, user => $ENV{CPAN_BRIDGE_TEST_SSH_USER},
           port => $ENV{CPAN_BRIDGE_TEST_SSH_PORT}, timeout => 30,
           more => [-i => $ENV{CPAN_BRIDGE_TEST_SSH_KEY}, '-o', "UserKnownHostsFile=$ENV{CPAN_BRIDGE_TEST_SSH_KNOWN_HOSTS}"]);
sub log_line { print scalar(@_) ? "@_\n" : "\n" }

my $sftp = Net::SFTP::Foreign->new(%cfg);
if ($sftp->error) { log_line("SSH connection failed: " . $sftp->error); exit 2 }
$sftp->setcwd("$REMOTE/outbound");
if ($sftp->error) { log_line("setcwd failed: " . $sftp->error); }
$sftp->setcwd($REMOTE . '/incoming') or die "cannot cd: " . $sftp->error;
for my $file (sort glob('*.dat')) {
    my $tries = 0;
    my $ok;
    while (!$ok && $tries++ < 2) {
        $ok = eval { $sftp->put($file, $file, perm => oct('0640')) or die $sftp->error; 1 };
        log_line("put $file attempt $tries: " . ($ok ? 'ok' : "failed: $@")) ;
        if (!$ok) {
            # failover: a fresh session
            undef $sftp;
            $sftp = Net::SFTP::Foreign->new(%cfg);
            $sftp->setcwd($REMOTE . '/incoming');
        }
    }
    $sftp->rename($file, "p$file") or log_line("rename $file failed: " . $sftp->error);
    $sftp->error and log_line("error after rename: " . $sftp->error);
}
$sftp->put('missing.dat', 'missing.dat') or log_line('put missing.dat failed: ' . $sftp->error);
my $list = $sftp->ls('.', wanted => qr/^p/) or die $sftp->error;
log_line('sent: ' . join(' ', sort map { $_->{filename} } @$list));
$sftp->remove('pold.dat') or log_line('remove failed: ' . $sftp->error);
$sftp->get('ack.txt', 'ack.txt') or log_line('get ack failed: ' . $sftp->error);
undef $sftp;
log_line('done');
