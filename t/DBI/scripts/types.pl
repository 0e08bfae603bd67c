#!/usr/bin/perl
# Types and NULLs: what each column's scalar is (number or string, character or byte string).
use strict;
use warnings;
use B ();
use DBI;

sub show {
    my ($v) = @_;
    return 'undef' unless defined $v;
    my $f = B::svref_2object(\$v)->FLAGS;
    my $kind = ($f & (B::SVf_IOK | B::SVf_NOK)) && !($f & B::SVf_POK) ? 'num' : 'str';
    my $text = $v;
    utf8::encode($text) if utf8::is_utf8($text);
    $text =~ s/([^\x20-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    return "$kind" . (utf8::is_utf8($v) ? '/chars' : '') . ":$text";
}

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 })
    or die "connect: $DBI::errstr";
my $pg = $dbh->{Driver}{Name} eq 'Pg';

$dbh->do('create table items (id integer primary key, qty integer, price ' . ($pg ? 'numeric(10,2)' : 'real')
         . ', ratio ' . ($pg ? 'double precision' : 'real') . ', name varchar(40), note text, big bigint'
         . ($pg ? ', flag boolean, day date, stamp timestamp' : '') . ')');
my $ins = $dbh->prepare('insert into items (id, qty, price, ratio, name, note, big'
                        . ($pg ? ', flag, day, stamp' : '') . ') values (?, ?, ?, ?, ?, ?, ?' . ($pg ? ', ?, ?, ?' : '') . ')');
my @rows = (
    [1, 10, '12.50', 0.25, 'apple', 'red', 3000000000, 1, '2024-02-29', '2024-02-29 13:14:15'],
    [2, undef, undef, undef, undef, undef, undef, undef, undef, undef],
    [3, -7, '0.10', 1e-5, '', 'x' x 50, -9007199254740993, 0, '1999-12-31', '1999-12-31 23:59:59.5'],
    [4, 0, '100', 3.14159265358979, 'zero', "tab\there", 0, 1, '2000-01-01', '2000-01-01 00:00:00'],
);
for my $r (@rows) {
    my @v = $pg ? @$r : @$r[0 .. 6];
    print "insert $r->[0]: ", $ins->execute(@v), "\n";
}
print "ratio sum: ", $dbh->selectrow_array('select sum(ratio) from items'), "\n";

my $sth = $dbh->prepare('select * from items order by id');
my $rv = $sth->execute;
print "execute: $rv\n";
print "fields: $sth->{NUM_OF_FIELDS} names: @{ $sth->{NAME} }\n";
print "types: @{ $sth->{TYPE} }\n";
while (my $row = $sth->fetchrow_arrayref) {
    print join(' | ', map { show($_) } @$row), "\n";
}
print "rows: ", $sth->rows, "\n";

for my $expr ('42', '1.5', "'h\xe9llo'", 'NULL', '3000000000', '0.1 + 0.2', "'007'", '-0', '1e3', "''") {
    my @r = $dbh->selectrow_array("select $expr");
    print "select $expr: ", join(', ', map { show($_) } @r), "\n";
}
my $count = $dbh->selectrow_array('select count(*) from items');
print "count: ", show($count), "\n";
$dbh->disconnect;
