#!/usr/bin/perl
# A job that passes '-v' in `more` (reference/legacy-usage.md): ssh's debug output is the
# script's stderr, the login's lines before new returns, its closing lines by disconnect. The
# markers on stderr show where each part lands.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
our $REMOTE;

print STDERR "== new\n";
my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts(more => ['-v']));
print STDERR "== connected\n";
show('error after new', $sftp, !$sftp->error);
show('put_content', $sftp, $sftp->put_content("hello\n", "$REMOTE/hello.txt"));
show('get_content', $sftp, $sftp->get_content("$REMOTE/hello.txt"));
print STDERR "== disconnect\n";
$sftp->disconnect;
print STDERR "== done\n";
print "done\n";
