#!/usr/bin/perl
# Repeated executes of one prepared insert in void context (the bridge batches them), with
# errors in the middle: PrintError warns and the rest still runs; RaiseError dies.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 0, PrintError => 1, AutoCommit => 1 });
$dbh->do('create table b (id integer primary key, v varchar(20))');
my $sth = $dbh->prepare('insert into b values (?, ?)');
for my $i (1 .. 3000) {
    $sth->execute($i, "row $i");
}
print "count: ", $dbh->selectrow_array('select count(*) from b'), "\n";
for my $i (2998 .. 3005) {
    $sth->execute($i, "again $i");
}
print "rows of last: ", $sth->rows, "\n";
print "count: ", $dbh->selectrow_array('select count(*) from b'), "\n";

$dbh->{AutoCommit} = 0;
for my $i (4000 .. 4999) {
    $sth->execute($i, undef);
}
$dbh->commit;
print "committed: ", $dbh->selectrow_array('select count(*) from b where id >= 4000'), "\n";

$dbh->{RaiseError} = 1;
$dbh->{PrintError} = 0;
my $ok = eval {
    for my $i (5000 .. 5010, 5005, 5011 .. 5020) {
        $sth->execute($i, 'x');
    }
    $dbh->commit;
    1;
};
print "died: ", ($ok ? 'no' : $@);
$dbh->rollback;
print "after rollback: ", $dbh->selectrow_array('select count(*) from b where id >= 5000'), "\n";
$dbh->{AutoCommit} = 1;
my $upd = $dbh->prepare('update b set v = ? where id = ?');
$upd->execute("u$_", $_) for 1 .. 50;
print "updated: ", $dbh->selectrow_array("select count(*) from b where v like 'u%'"), "\n";
$sth->execute(9000 + $_, 'tail') for 1 .. 10;
# rows after a batch is the row count of its last execute, not the sum.
my $range = $dbh->prepare('update b set v = ? where id between ? and ?');
$range->execute('r', 1, 3);
$range->execute('r', 10, 14);
$range->execute('r', 20, 21);
print "rows of last update: ", $range->rows, "\n";
$range->execute('r', 30, 40);
$range->execute('r', -5, -1);
print "rows of last update (none): ", $range->rows, "\n";
$dbh->{AutoCommit} = 0;
$range->execute('t', 1, 5);
$range->execute('t', 50, 52);
print "rows of last update in a transaction: ", $range->rows, "\n";
$dbh->commit;
$dbh->{AutoCommit} = 1;
# The same SQL prepared again after the table changed shape: a new statement, as natively.
$dbh->do('drop table b');
$dbh->do('create table b (id text primary key, v integer)');
my $again = $dbh->prepare('insert into b values (?, ?)');
my @done = map { $again->execute("k$_", $_) } 1 .. 5;
print "recreated: ", $dbh->selectrow_array('select count(*) from b'), "\n";
$dbh->do('drop table b');
$dbh->do('create table b (id integer primary key, v text)');
my $third = $dbh->prepare('insert into b values (?, ?)');
$third->execute($_, "t$_") for 1 .. 5;    # void context: one batch
print "recreated again: ", $dbh->selectrow_array('select count(*) from b'), "\n";
$dbh->disconnect;
print "end\n";
