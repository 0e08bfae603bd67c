#!/usr/bin/perl
# A directory of a few thousand files, as partner drop boxes get: ls (all, filtered, names
# only), glob, and a loop of get/remove over what ls found.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
our $REMOTE;

my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts());
$sftp->setcwd("$REMOTE/box") or die $sftp->error;
my $all = $sftp->ls('.', ordered => 1);
print 'entries: ', scalar(@$all), ' first: ', $all->[0]{filename}, ' last: ', $all->[-1]{filename}, "\n";
print 'sizes: ', join(',', map { $_->{a}->size } @$all[2 .. 6]), "\n";
my $csv = $sftp->ls('.', wanted => qr/^in_\d+\.csv$/, names_only => 1, ordered => 1);
print 'csv: ', scalar(@$csv), " $csv->[0] $csv->[-1]\n";
my $old = $sftp->ls('.', wanted => sub { ($_[1]{a}->mtime || 0) < 1_000_000_500 && $_[1]{filename} !~ /^\./ }, names_only => 1);
print 'old: ', scalar(@$old), "\n";
my @g = $sftp->glob('in_1*.csv', names_only => 1, ordered => 1);
print 'glob: ', scalar(@g), " $g[0] $g[-1]\n";
mkdir 'fetched';
for my $f (@{ $sftp->ls('.', wanted => qr/^in_1\d\.csv$/, names_only => 1, ordered => 1) }) {
    $sftp->get($f, "fetched/$f") or print "get $f: ", $sftp->error, "\n";
    $sftp->remove($f) or print "remove $f: ", $sftp->error, "\n";
}
print 'left: ', scalar(@{ $sftp->ls('.', names_only => 1) }), "\n";
print "done\n";
