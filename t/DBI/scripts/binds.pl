#!/usr/bin/perl
# Binds: positional and typed bind_param, named placeholders, do with binds and its return
# values (0E0), quote/quote_identifier, last_insert_id.
use strict;
use warnings;
use DBI qw(:sql_types);

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 });
my $pg = $dbh->{Driver}{Name} eq 'Pg';
my $serial = $pg ? 'serial primary key' : 'integer primary key autoincrement';
print "do create: ", $dbh->do("create table t (id $serial, n integer, s varchar(30), r real)"), "\n";
print "do insert: ", $dbh->do('insert into t (n, s, r) values (?, ?, ?)', undef, 1, 'one', 1.5), "\n";
print "last_insert_id: ", $dbh->last_insert_id(undef, undef, 't', 'id'), "\n";
print "do update none: ", $dbh->do('update t set n = 5 where n = 99'), "\n";

my $sth = $dbh->prepare('insert into t (n, s, r) values (?, ?, ?)');
$sth->bind_param(1, 2, SQL_INTEGER);
$sth->bind_param(2, 'two', { TYPE => SQL_VARCHAR });
$sth->bind_param(3, '2.25');
print "execute bound: ", $sth->execute, "\n";
$sth->bind_param(1, '3');
print "execute rebound: ", $sth->execute, "\n";
print "execute args: ", $sth->execute(4, 'four', undef), "\n";
print "last_insert_id: ", $dbh->last_insert_id(undef, undef, 't', 'id'), "\n";

my $named = $dbh->prepare('select id, s from t where n = :num or s = :str order by id');
print "named params: $named->{NUM_OF_PARAMS}\n";
$named->bind_param(':num', 1);
$named->bind_param(':str', 'four');
$named->execute;
while (my @r = $named->fetchrow_array) { print "named: @r\n" }

if ($pg) {
    my $dollar = $dbh->prepare('select id from t where n = $1 or n = $2 order by id');
    $dollar->execute(2, 3);
    print "dollar: ", join(',', map { $_->[0] } @{ $dollar->fetchall_arrayref }), "\n";
}
else {
    my $num = $dbh->prepare('select id from t where n = ?2 or n = ?1 order by id');
    $num->execute(2, 3);
    print "?NNN: ", join(',', map { $_->[0] } @{ $num->fetchall_arrayref }), "\n";
}
my $q = $dbh->prepare("select count(*) from t where s <> '?' and s <> ? -- a ? in a comment\n");
$q->execute('zzz');
print "quoted ? ignored: ", $q->fetchrow_array, " params $q->{NUM_OF_PARAMS}\n";
$q->finish;

print "do delete: ", $dbh->do('delete from t where n > ?', undef, 2), "\n";
print "count: ", $dbh->selectrow_array('select count(*) from t'), "\n";

for my $v ("plain", "it's", "back\\slash", undef, '', "x'y'z") {
    print "quote: ", $dbh->quote($v), "\n";
}
print "quote int: ", $dbh->quote(42, SQL_INTEGER), " quote varchar: ", $dbh->quote(42, SQL_VARCHAR), "\n";
print "quote_identifier: ", $dbh->quote_identifier('we"ird'), " ", $dbh->quote_identifier(undef, 'sch', 'tab'), "\n";

my $big = $dbh->prepare('insert into t (r, s) values (?, ?)');
my $x = 10;
my $str = "20";
print "numeric-looking binds: ", $big->execute($x + 0.5, $str), "\n";
print "values: ", join(' ; ', map { join(',', map { defined $_ ? $_ : 'NULL' } @$_) }
                       @{ $dbh->selectall_arrayref('select n, s, r from t order by id') }), "\n";
print "typed select: ", join(',', $dbh->selectrow_array('select count(*) from t where n >= ?', undef, 2)), "\n";
$dbh->disconnect;
