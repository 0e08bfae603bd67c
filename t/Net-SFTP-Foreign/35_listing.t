#!/usr/bin/perl
# ls/glob over 3,000 files and a get+remove loop over what ls found (scripts/listing.pl),
# natively and bridged.
use strict;
use warnings;
use Test::More;
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

my %box;
for my $i (0 .. 2999) {
    my $name = $i % 3 == 0 ? "report_$i.txt" : "in_$i.csv";
    $box{"box/$name"} = { content => "row $i\n" x ($i % 7 + 1), mtime => 1_000_000_000 + $i };
}
my ($b, $n) = sftp_diff({ name => 'listing', script => 'listing.pl', remote => \%box, timeout => 300 });
like($n->{out}, qr/^entries: 3002 /m, 'native lists all 3,000 files (and . and ..)');
like($n->{out}, qr/^done$/m, 'the native run went through');
done_testing;
