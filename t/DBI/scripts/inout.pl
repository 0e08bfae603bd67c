#!/usr/bin/perl
# bind_param_inout as the native drivers do it: DBD::Pg reads the variable when execute runs and
# puts column N of every fetched row into the variable bound to placeholder N; DBD::SQLite
# refuses it (PrintError warns) and the placeholder stays unbound. Unbound placeholders too.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 0, PrintError => 1, AutoCommit => 1 });
my $pg = $dbh->{Driver}{Name} eq 'Pg';
my ($prefix, $min) = ('z', 0);
my $sql = $pg ? q{select x, ?::text || x, 100 + x from generate_series(1, 3) x where x >= ?}
              : q{select 1, ? || 'a', 101 union all select 2, 'b', ? order by 1};
my $sth = $dbh->prepare($sql);
my $r1 = $sth->bind_param_inout(2, \$min, 20);
my $r2 = $sth->bind_param_inout(1, \$prefix, 20);
print 'bind: ', (defined $r1 ? "'$r1'" : 'undef'), ' ', (defined $r2 ? "'$r2'" : 'undef'), "\n";
print 'err after bind: ', (defined $sth->err ? $sth->err : 'undef'), "\n";
($prefix, $min) = ('y', 2);    # the values execute sends are the ones they hold now
$sth->execute;
print "after execute: prefix=$prefix min=$min\n";
while (my $row = $sth->fetchrow_arrayref) {
    print 'row: ', join(',', map { defined $_ ? $_ : 'NULL' } @$row), " prefix=$prefix min=$min\n";
}
$sth->execute;
my @all = $sth->fetchrow_array;
print 'fetchrow_array: ', join(',', map { defined $_ ? $_ : 'NULL' } @all), " prefix=$prefix min=$min\n";
$sth->finish;
my $rows = $sth->execute && $sth->fetchall_arrayref;
print 'fetchall: ', scalar(@$rows), " rows, prefix=$prefix min=$min\n";
my $ok = eval { $sth->bind_param_inout(1, 'not a ref', 10); 1 };
print 'not a reference: ', ($ok ? "accepted\n" : $@);

# A placeholder nobody bound: DBD::Pg refuses to execute, DBD::SQLite sends NULL.
my $u = $dbh->prepare('select ?, ?');
$u->bind_param(2, 'two');
my $rv = $u->execute;
print 'unbound: ', (defined $rv ? 'ran: ' . join(',', map { defined $_ ? $_ : 'NULL' } @{ $u->fetchrow_arrayref }) : 'refused'), "\n";
$dbh->disconnect;
