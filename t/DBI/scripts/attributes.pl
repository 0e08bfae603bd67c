#!/usr/bin/perl
# Handle attributes and small helpers legacy scripts read: statement metadata before and after
# execute, quoting, names, DBI::rows, dump_results, neat_list, hash-key case.
use strict;
use warnings;
use DBI qw(:sql_types neat_list);

my $dsn = $ENV{DBIDIFF_DSN};
my $dbh = DBI->connect($dsn, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
my $driver = $dbh->{Driver}{Name};
my $show = sub { my $v = shift; defined $v ? (ref $v eq 'ARRAY' ? '[' . join(',', map { defined $_ ? $_ : 'undef' } @$v) . ']' : $v) : 'undef' };

print 'Name is the DSN without the prefix: ', ($dbh->{Name} eq ($dsn =~ s/^dbi:\w+://r) ? 'yes' : "no ($dbh->{Name})"), "\n";
print 'AutoCommit: ', $show->($dbh->{AutoCommit}), ' RaiseError: ', $show->($dbh->{RaiseError}),
      ' PrintError: ', $show->($dbh->{PrintError}), ' Active: ', $show->($dbh->{Active}), "\n";
$dbh->do('create table people (id integer primary key, first_name varchar(20), Last_Name varchar(20), age integer)');
$dbh->do('insert into people values (?, ?, ?, ?)', undef, @$_)
    for [1, 'Ann', "O'Hara", 41], [2, 'Bob', 'Smith', undef], [3, 'Cy', 'Young', 29];
print 'Statement after do: ', $dbh->{Statement}, "\n";

my $sth = $dbh->prepare('select id, first_name, Last_Name, age from people where id >= ? order by id');
print 'NUM_OF_PARAMS: ', $sth->{NUM_OF_PARAMS}, "\n";
print 'sth Statement: ', $sth->{Statement}, "\n";
$sth->execute(1);
print 'NUM_OF_FIELDS: ', $sth->{NUM_OF_FIELDS}, "\n";
print 'NAME: ', $show->($sth->{NAME}), ' NAME_lc: ', $show->($sth->{NAME_lc}), ' NAME_uc: ', $show->($sth->{NAME_uc}), "\n";
print 'NAME_hash: ', join(',', map { "$_=$sth->{NAME_hash}{$_}" } sort keys %{ $sth->{NAME_hash} }), "\n";
print 'Active after execute: ', $show->($sth->{Active}), "\n";
my $h = $sth->fetchrow_hashref('NAME_uc');
print 'hashref NAME_uc: ', join(',', map { "$_=" . $show->($h->{$_}) } sort keys %$h), "\n";
$h = $sth->fetchrow_hashref;
print 'hashref: ', join(',', map { "$_=" . $show->($h->{$_}) } sort keys %$h), "\n";
print 'rows so far: ', $sth->rows, "\n";
$sth->finish;
print 'Active after finish: ', $show->($sth->{Active}), "\n";

{
    local $dbh->{FetchHashKeyName} = 'NAME_lc';
    my $r = $dbh->selectrow_hashref('select id, Last_Name from people where id = 1');
    print 'FetchHashKeyName NAME_lc: ', join(',', sort keys %$r), "\n";
}
my $all = $dbh->selectall_hashref('select id, first_name from people', 'id');
print 'selectall_hashref: ', join(' ', map { "$_:$all->{$_}{first_name}" } sort keys %$all), "\n";
my $col = $dbh->selectcol_arrayref('select id, age from people order by id', { Columns => [1, 2] });
print 'selectcol Columns: ', $show->($col), "\n";
my $sl = $dbh->selectall_arrayref('select id, first_name from people order by id', { Slice => {}, MaxRows => 2 });
print 'Slice+MaxRows: ', join(' ', map { "$_->{id}/$_->{first_name}" } @$sl), "\n";

print 'quote: ', join(' | ', map { $dbh->quote($_) } undef, "O'Hara", 'plain', '', "back\\slash"), "\n";
print 'quote typed: ', $dbh->quote(42, SQL_INTEGER), ' ', $dbh->quote('42', SQL_VARCHAR), "\n";
print 'quote_identifier: ', $dbh->quote_identifier('people'), ' ', $dbh->quote_identifier('two words'),
      ' ', $dbh->quote_identifier(undef, 'main', 'people'), "\n";
print 'neat_list: ', neat_list([1, 'two', undef, "x\ny"]), "\n";
print 'neat: ', DBI::neat("abc"), ' ', DBI::neat(42), ' ', DBI::neat(undef), ' ', DBI::neat('x' x 500, 10), "\n";
my $chars = "caf\x{e9} \x{263a}";
print 'neat more: ', join(' ', DBI::neat($chars), DBI::neat('abcdefghij', 7), DBI::neat('abcdefghij', 3),
                          DBI::neat("a\x1b\rb"), DBI::neat(1.5), DBI::neat('007')), "\n";
print 'looks_like_number: ', join(',', map { DBI::looks_like_number($_) ? 1 : 0 } 1, '1.5e3', 'abc', '', undef), "\n";

my $upd = $dbh->prepare('update people set age = coalesce(age, 0) + 1 where id <= ?');
my $n = $upd->execute(2);
print "execute returns: $n, rows: ", $upd->rows, ", DBI::rows: $DBI::rows\n";
print 'do returns: ', $dbh->do('delete from people where id > 99'), "\n";
print "DBI::rows after do: $DBI::rows\n";
my $q = $dbh->prepare('select id from people order by id');
$q->execute;
$q->fetchrow_arrayref;
print "DBI::rows after one fetch: $DBI::rows\n";
$q->finish;

my $d = $dbh->prepare('select id, first_name from people order by id');
$d->execute;
print "dump_results:\n";
$d->dump_results(20, "\n", ', ');
$dbh->disconnect;
print 'Active after disconnect: ', $show->($dbh->{Active}), "\n";
