#!/usr/bin/perl
# A script that dies mid-transaction: DBI warns and rolls back; nothing uncommitted stays.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
$dbh->do('create table d (id integer primary key, v varchar(10))');
$dbh->commit;
my $sth = $dbh->prepare('insert into d values (?, ?)');
$sth->execute($_, 'pending') for 1 .. 20;
print "inserted, now failing\n";
$dbh->do('insert into d values (1, ?)', undef, 'dup');
print "not reached\n";
