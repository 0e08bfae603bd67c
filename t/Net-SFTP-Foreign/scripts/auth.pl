#!/usr/bin/perl
# Logins that fail: wrong password, no usable key, unknown host key (with a key and with a
# password). The script must get a clear error() and go on, never hang.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;

my $case = shift;
my $host = $ENV{CPAN_BRIDGE_TEST_SSH_HOST};
my @unknown_host = ('-o', 'UserKnownHostsFile=/dev/null', '-o', 'GlobalKnownHostsFile=/dev/null');
my %o = (user => $ENV{CPAN_BRIDGE_TEST_SSH_USER}, port => $ENV{CPAN_BRIDGE_TEST_SSH_PORT}, timeout => 8);
my @known = ('-o', "UserKnownHostsFile=$ENV{CPAN_BRIDGE_TEST_SSH_KNOWN_HOSTS}", '-o', 'GlobalKnownHostsFile=/dev/null');
my $sftp;
if ($case eq 'wrong_password') {
    $sftp = Net::SFTP::Foreign->new($host, %o, password => 'not the password', more => [@known, '-o', 'IdentityFile=/nonexistent']);
} elsif ($case eq 'no_key') {
    $sftp = Net::SFTP::Foreign->new($host, %o, more => [@known, '-o', 'BatchMode=yes', '-o', 'IdentityFile=/nonexistent', '-o', 'IdentitiesOnly=yes']);
} elsif ($case eq 'unknown_host_key') {
    $sftp = Net::SFTP::Foreign->new($host, %o, key_path => $ENV{CPAN_BRIDGE_TEST_SSH_KEY},
                                    more => [@unknown_host, '-o', 'StrictHostKeyChecking=yes']);
} elsif ($case eq 'unknown_host_password') {
    $sftp = Net::SFTP::Foreign->new($host, %o, password => $ENV{CPAN_BRIDGE_TEST_SSH_PASSWORD},
                                    more => [@unknown_host, '-o', 'StrictHostKeyChecking=ask']);
} elsif ($case eq 'refused') {
    $sftp = Net::SFTP::Foreign->new($host, %o, port => 1, more => [@known, '-o', 'BatchMode=yes']);
} elsif ($case eq 'more_string') {
    # one string where a list was meant: native warns, and ssh gets it as one argument
    $sftp = Net::SFTP::Foreign->new($host, %o, more => "-i $ENV{CPAN_BRIDGE_TEST_SSH_KEY}");
} elsif ($case eq 'autodie') {
    $sftp = eval { Net::SFTP::Foreign->new($host, %o, autodie => 1, more => [@known, '-o', 'BatchMode=yes', '-o', 'IdentityFile=/nonexistent', '-o', 'IdentitiesOnly=yes']) };
    print "autodie new: ", ($@ || "lived\n");
    exit 0;
} else {
    die "unknown case $case";
}
show("new $case", $sftp, $sftp->error ? 'failed' : 'connected');
show('stat after failed login', $sftp, $sftp->stat('.'));
show('put after failed login', $sftp, $sftp->put('/etc/hostname', 'x'));
show('ls after failed login', $sftp, $sftp->ls('.'));
print "done\n";
