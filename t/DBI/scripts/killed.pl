#!/usr/bin/perl
# A client killed mid-transaction: nothing it did after its last commit may stay.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
$dbh->do('create table k (id integer, v varchar(10))');
$dbh->do("insert into k values (1, 'kept')");
$dbh->commit;
my $sth = $dbh->prepare('insert into k values (?, ?)');
$sth->execute($_, 'lost') for 2 .. 100;
$dbh->do("update k set v = 'changed' where id = 1");
print "killing myself\n";
close STDOUT;
kill 'KILL', $$;
sleep 5;
