#!/usr/bin/perl
# UTF-8 and Latin-1 text: character strings, byte strings with high bytes, round trips.
use strict;
use warnings;
use DBI;

sub show {
    my ($v) = @_;
    return 'undef' unless defined $v;
    my $flag = utf8::is_utf8($v) ? 'chars' : 'bytes';
    my $len = length $v;
    my $b = $v;
    utf8::encode($b) if utf8::is_utf8($b);
    return "$flag len=$len " . join(' ', map { sprintf '%02x', ord } split //, $b);
}

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 });
$dbh->do('create table txt (id integer, v varchar(40))');
my $ins = $dbh->prepare('insert into txt values (?, ?)');
my $chars = "caf\x{e9} \x{20ac}5 \x{4e2d}";
my $latin_chars = "na\x{ef}ve";              # characters below 256, no utf8 flag
my $utf8_bytes = "caf\xc3\xa9";              # UTF-8 encoded, as bytes
my $upgraded = "gr\x{fc}n";
utf8::upgrade($upgraded);
$ins->execute(1, $chars);
eval { $ins->execute(2, $latin_chars) } or print "latin-1 bytes refused: ", ($@ =~ /^(.*?) at job/ ? $1 : $@), "\n";
$ins->execute(3, $utf8_bytes);
$ins->execute(4, $upgraded);
$ins->execute(5, 'plain ascii');
my $sth = $dbh->prepare('select id, v, length(v) from txt order by id');
$sth->execute;
while (my ($id, $v, $len) = $sth->fetchrow_array) {
    print "$id: ", show($v), " db length $len\n";
}
my $found = $dbh->selectrow_array('select id from txt where v = ?', undef, $chars);
print "found by chars: ", (defined $found ? $found : 'none'), "\n";
$found = $dbh->selectrow_array('select id from txt where v = ?', undef, $upgraded);
print "found by upgraded: ", (defined $found ? $found : 'none'), "\n";
$found = $dbh->selectrow_array("select id from txt where v like 'caf%' order by id");
print "like: $found\n";
print "literal: ", show(scalar $dbh->selectrow_array("select 'h\x{e9}llo \x{263a}'")), "\n";
$dbh->disconnect;
