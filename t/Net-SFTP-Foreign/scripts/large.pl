#!/usr/bin/perl
# 60 MB each way: the bytes must arrive unchanged (the harness compares checksums of both sides).
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
our $REMOTE;

my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts());
show('new', $sftp, 'x');
$sftp->setcwd($REMOTE) or die $sftp->error;
show('put large', $sftp, $sftp->put('big.bin', 'big.up'));
show('stat up', $sftp, $sftp->stat('big.up')->size);
show('get large', $sftp, $sftp->get('remote.bin', 'big.down'));
print 'big.down size: ', -s 'big.down', "\n";
show('put large atomic', $sftp, $sftp->put('big.bin', 'big.atomic', atomic => 1));
show('get large atomic', $sftp, $sftp->get('remote.bin', 'big.atomic.down', atomic => 1));
print "done\n";
