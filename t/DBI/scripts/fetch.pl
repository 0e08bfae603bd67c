#!/usr/bin/perl
# Every fetch style and select helper, statement attributes, bind_col(umns), ChopBlanks.
use strict;
use warnings;
use DBI;

sub row { return join(',', map { defined $_ ? $_ : 'NULL' } @_) }
sub hrow { my $h = shift; return join(',', map { "$_=" . (defined $h->{$_} ? $h->{$_} : 'NULL') } sort keys %$h) }

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
$dbh->do('create table people (id integer, Name varchar(20), City char(8), age integer)');
my $ins = $dbh->prepare('insert into people values (?, ?, ?, ?)');
$ins->execute(@$_) for [1, 'Ann', 'Oslo', 31], [2, 'Bob', 'Rome', undef], [3, 'Cid', undef, 45],
                       [4, 'Dee', 'Lima', 27], [5, 'Eve', 'Oslo', 31];
print "inserted\n";

my $sql = 'select id, Name, City, age from people order by id';
my $sth = $dbh->prepare($sql);
print "params: $sth->{NUM_OF_PARAMS} statement: $sth->{Statement}\n";
$sth->execute;
print "NAME: @{ $sth->{NAME} } / lc: @{ $sth->{NAME_lc} } / uc: @{ $sth->{NAME_uc} }\n";
print "NAME_hash: ", hrow($sth->{NAME_hash}), " NAME_lc_hash: ", hrow($sth->{NAME_lc_hash}), "\n";
print "Active: ", ($sth->{Active} ? 1 : 0), " fields: $sth->{NUM_OF_FIELDS}\n";
my @r = $sth->fetchrow_array;
print "fetchrow_array: ", row(@r), "\n";
my $ar = $sth->fetchrow_arrayref;
print "fetchrow_arrayref: ", row(@$ar), "\n";
$ar = $sth->fetch;
print "fetch: ", row(@$ar), "\n";
my $hr = $sth->fetchrow_hashref;
print "fetchrow_hashref: ", hrow($hr), "\n";
$hr = $sth->fetchrow_hashref('NAME_uc');
print "fetchrow_hashref(NAME_uc): ", hrow($hr), "\n";
print "end: ", (defined $sth->fetchrow_arrayref ? 'more' : 'undef'), " Active: ", ($sth->{Active} ? 1 : 0), "\n";
print "rows after fetch: ", $sth->rows, "\n";

$sth->execute;
my $all = $sth->fetchall_arrayref;
print "fetchall_arrayref: ", join(' ; ', map { row(@$_) } @$all), "\n";
$sth->execute;
$all = $sth->fetchall_arrayref([0, -1]);
print "fetchall_arrayref([0,-1]): ", join(' ; ', map { row(@$_) } @$all), "\n";
$sth->execute;
$all = $sth->fetchall_arrayref({});
print "fetchall_arrayref({}): ", join(' ; ', map { hrow($_) } @$all), "\n";
$sth->execute;
$all = $sth->fetchall_arrayref({ id => 1, age => 1 });
print "fetchall_arrayref({id,age}): ", join(' ; ', map { hrow($_) } @$all), "\n";
$sth->execute;
$all = $sth->fetchall_arrayref(undef, 2);
print "fetchall_arrayref(undef,2): ", join(' ; ', map { row(@$_) } @$all), "\n";
$all = $sth->fetchall_arrayref(undef, 2);
print "again: ", join(' ; ', map { row(@$_) } @$all), "\n";
$sth->finish;
print "after finish Active: ", ($sth->{Active} ? 1 : 0), "\n";

$sth->execute;
my $byid = $sth->fetchall_hashref('id');
print "fetchall_hashref(id): ", join(' ; ', map { "$_ => " . hrow($byid->{$_}) } sort keys %$byid), "\n";
$sth->execute;
my $two = $sth->fetchall_hashref([$dbh->{Driver}{Name} eq 'Pg' ? 'city' : 'City', 'id']);
print "fetchall_hashref([City,id]): ", join(' ; ', map { my $c = $_; map { "$c/$_" } sort keys %{ $two->{$c} } } sort keys %$two), "\n";

my ($id, $name, $city, $age);
$sth->execute;
$sth->bind_columns(\$id, \$name, \$city, \$age);
while ($sth->fetch) { print "bound: ", row($id, $name, $city, $age), "\n" }
$sth->execute;
my $n2;
$sth->bind_col(2, \$n2);
while (my $x = $sth->fetchrow_arrayref) { print "bind_col 2: $n2 (row $x->[0])\n" }

print "selectrow_array: ", row($dbh->selectrow_array('select * from people where id = ?', undef, 3)), "\n";
my $scalar = $dbh->selectrow_array('select Name from people where id = 4');
print "selectrow_array scalar: $scalar\n";
print "selectrow_arrayref: ", row(@{ $dbh->selectrow_arrayref('select * from people where id = ?', {}, 2) }), "\n";
print "selectrow_hashref: ", hrow($dbh->selectrow_hashref('select * from people where id = 1')), "\n";
print "selectrow none: ", (defined $dbh->selectrow_arrayref('select * from people where id = 99') ? 'def' : 'undef'), "\n";
print "selectall_arrayref: ", join(' ; ', map { row(@$_) } @{ $dbh->selectall_arrayref($sql) }), "\n";
print "selectall Slice {}: ", join(' ; ', map { hrow($_) } @{ $dbh->selectall_arrayref($sql, { Slice => {} }) }), "\n";
print "selectall Columns: ", join(' ; ', map { row(@$_) } @{ $dbh->selectall_arrayref($sql, { Columns => [2, 1] }) }), "\n";
print "selectall MaxRows: ", join(' ; ', map { row(@$_) } @{ $dbh->selectall_arrayref($sql, { MaxRows => 2 }) }), "\n";
print "selectall binds: ", join(' ; ', map { row(@$_) } @{ $dbh->selectall_arrayref('select id from people where age = ? order by id', undef, 31) }), "\n";
my $h = $dbh->selectall_hashref($sql, $dbh->{Driver}{Name} eq 'Pg' ? 'name' : 'Name');
print "selectall_hashref: ", join(' ; ', map { "$_ => $h->{$_}{id}" } sort keys %$h), "\n";
print "selectcol_arrayref: ", row(@{ $dbh->selectcol_arrayref($sql) }), "\n";
print "selectcol Columns: ", row(@{ $dbh->selectcol_arrayref($sql, { Columns => [1, 2] }) }), "\n";
my %map = @{ $dbh->selectcol_arrayref('select Name, id from people order by id', { Columns => [1, 2] }) };
print "selectcol map: ", hrow(\%map), "\n";
print "selectall sth: ", scalar(@{ $dbh->selectall_arrayref($sth) }), "\n";

{
    local $dbh->{FetchHashKeyName} = 'NAME_lc';
    print "FetchHashKeyName lc: ", hrow($dbh->selectrow_hashref('select * from people where id = 5')), "\n";
}
my $ignored = $dbh->prepare('select City from people where id = 1', { ChopBlanks => 1 });
$ignored->execute;
print "prepare attr ChopBlanks: [", join('][', $ignored->fetchrow_array), "]\n";
$ignored->finish;
$dbh->{ChopBlanks} = 1;
my $cb = $dbh->prepare('select City, Name from people where id = 1');
$cb->execute;
print "ChopBlanks: [", join('][', $cb->fetchrow_array), "]\n";
$dbh->{ChopBlanks} = 0;
print "no ChopBlanks: [", join('][', $dbh->selectrow_array('select City from people where id = 1')), "]\n";

my $big = $dbh->prepare('select a.id * 10 + b.id from people a, people b, people c order by 1');
$big->{RowCacheSize} = 7;
$big->execute;
my ($cnt, $sum) = (0, 0);
while (my $r = $big->fetchrow_arrayref) { $cnt++; $sum += $r->[0] }
print "cross join: $cnt rows, sum $sum, rows() ", $big->rows, "\n";
$dbh->disconnect;
print "Active after disconnect: ", ($dbh->{Active} ? 1 : 0), "\n";
