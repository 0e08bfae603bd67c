#!/usr/bin/perl
# A transfer whose server dies half-way (the harness kills the session's sftp-server): the call
# fails with the broken-connection error, later calls fail the same way, and with atomic the
# destination name never holds a partial file.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
use Time::HiRes ();
our $REMOTE;

my ($case, $source) = @ARGV;
my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST},
                                   sftp_opts(more => ['-o', "BindAddress=$source"], $case eq 'stalled' ? (timeout => 3) : ()));
show('new', $sftp, 'x');
$sftp->setcwd($REMOTE) or die $sftp->error;
if ($case eq 'stalled') {
    # the harness stops (SIGSTOP) the session's sftp-server once this file is there
    open my $fh, '>', 'ready' or die;
    close $fh;
    Time::HiRes::sleep(0.05) until -e 'go';
    show('stat on a stalled server', $sftp, $sftp->stat('.'));
} elsif ($case eq 'put_atomic') {
    show('put atomic', $sftp, $sftp->put('big.bin', 'dest.bin', atomic => 1));
    print 'remote dest.bin: ', (-e "$REMOTE/dest.bin" ? 'exists' : 'absent'), "\n";
} elsif ($case eq 'get_atomic') {
    show('get atomic', $sftp, $sftp->get('remote.bin', 'dest.bin', atomic => 1));
    print 'local dest.bin: ', (-e 'dest.bin' ? 'exists' : 'absent'), "\n";
} elsif ($case eq 'put') {
    show('put', $sftp, $sftp->put('big.bin', 'dest.bin'));
} elsif ($case eq 'get') {
    show('get', $sftp, $sftp->get('remote.bin', 'dest.bin'));
}
show('stat after', $sftp, $sftp->stat('.'));
show('put after', $sftp, $sftp->put('big.bin', 'again.bin'));
print "done\n";
