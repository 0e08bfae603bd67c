#!/usr/bin/perl
# The daemon holding the session dies between two calls (the harness kills it when this script
# says "ready"): the next calls fail with a broken-connection error that names the lost session.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
use Time::HiRes ();
our $REMOTE;

my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts());
show('new', $sftp, 'x');
$sftp->setcwd($REMOTE) or die $sftp->error;
show('put before', $sftp, $sftp->put_content("before\n", 'before.txt'));
open my $fh, '>', 'ready' or die;
close $fh;
if (($ARGV[0] || '') eq 'transfer') {
    # killed while this put is under way
    show('put atomic while killed', $sftp, $sftp->put('big.bin', 'dest.bin', atomic => 1));
    print 'dest.bin: ', (-e "$REMOTE/dest.bin" ? 'exists' : 'absent'), "\n";
} else {
    my $until = Time::HiRes::time() + 60;
    Time::HiRes::sleep(0.05) until -e 'go' || Time::HiRes::time() > $until;
}
show('stat after kill', $sftp, $sftp->stat('before.txt'));
show('put after kill', $sftp, $sftp->put_content("after\n", 'after.txt'));
show('ls after kill', $sftp, $sftp->ls('.'));
my $again = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts());
show('new session', $again, $again->error ? 'failed' : 'connected');
$again->setcwd($REMOTE);
show('put on new session', $again, $again->put_content("again\n", 'again.txt'));
print "done\n";
