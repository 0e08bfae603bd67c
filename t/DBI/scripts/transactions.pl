#!/usr/bin/perl
# Transactions: AutoCommit off, commit, rollback, switching AutoCommit on a live handle,
# begin_work, the warnings DBI gives, a handle left without disconnect.
use strict;
use warnings;
use DBI;

sub count { my ($dbh) = @_; return scalar $dbh->selectrow_array('select count(*) from tx') }

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
my $other = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
print "AutoCommit: '$dbh->{AutoCommit}' / '$other->{AutoCommit}'\n";
$dbh->do('create table tx (id integer, v varchar(10))');
$dbh->commit;
$dbh->do("insert into tx values ($_, 'a')") for 1 .. 3;
print "seen by other before commit: ", count($other), "\n";
print "commit: ", $dbh->commit, "\n";
print "seen by other after commit: ", count($other), "\n";
$dbh->do("insert into tx values (4, 'b')");
print "rollback: ", $dbh->rollback, "\n";
print "after rollback: ", count($dbh), "\n";

$dbh->do("insert into tx values (5, 'c')");
$dbh->{AutoCommit} = 1;
print "switched on: '$dbh->{AutoCommit}', other sees ", count($other), "\n";
$dbh->do("insert into tx values (6, 'd')");
print "autocommitted: ", count($other), "\n";
my $r = $dbh->commit;
print "commit with AutoCommit: ", (defined $r ? "'$r'" : 'undef'), "\n";

print "begin_work: ", $dbh->begin_work, " AutoCommit: '$dbh->{AutoCommit}' BegunWork: ", ($dbh->{BegunWork} ? 1 : 0), "\n";
$dbh->do("insert into tx values (7, 'e')");
eval { $dbh->begin_work };
print "nested begin_work: $@";
$dbh->rollback;
print "after begin_work rollback: ", count($other), " AutoCommit: '$dbh->{AutoCommit}'\n";
$dbh->begin_work;
$dbh->do("delete from tx where id = 1");
$dbh->commit;
print "after begin_work commit: ", count($other), " AutoCommit: '$dbh->{AutoCommit}'\n";

$dbh->{AutoCommit} = 0;
$dbh->do("insert into tx values (8, 'f')");
my $sth = $dbh->prepare('select * from tx order by id');
$sth->execute;
$sth->fetchrow_arrayref;
print "disconnect: ", $dbh->disconnect, "\n";
print "after disconnect with uncommitted work: ", count($other), "\n";

my $third = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
$third->do("insert into tx values (9, 'g')");
undef $third;
print "after DESTROY: ", count($other), "\n";

my $fourth = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
$fourth->do("insert into tx values (10, 'h')");
$other->disconnect;
print "end of script\n";
