#!/usr/bin/perl
# execute_array / execute_for_fetch / bind_param_array: tuple statuses, row totals, the summary
# error with PrintError, RaiseError dying at the first failing tuple, ArrayTupleFetch from a
# statement handle and from a code ref, and the usage errors.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 0, PrintError => 1, AutoCommit => 1 });
$dbh->do('create table ea (id integer primary key, v varchar(20), n integer)');
my $sth = $dbh->prepare('insert into ea (id, v, n) values (?, ?, ?)');

my @status;
my $n = $sth->execute_array({ ArrayTupleStatus => \@status }, [1, 2, 3], ['a', 'b', 'c'], 7);
print "tuples: $n; status: @status\n";
my ($tuples, $rows) = $sth->execute_array({}, [10, 11], 'same', [undef, 5]);
print "list context: $tuples $rows\n";

# A duplicate key in the middle: the others still run, the failing one gets [err, errstr, state].
@status = ();
$n = $sth->execute_array({ ArrayTupleStatus => \@status }, [20, 1, 21], 'x', 0);
print 'with an error: ', (defined $n ? $n : 'undef'), "\n";
print 'status: ', join(' | ', map { ref $_ ? 'error ' . (defined $_->[0] ? 'err set' : 'no err') : $_ } @status), "\n";
print 'errstr: ', $sth->errstr, "\n";

$sth->bind_param_array(1, [30, 31, 32]);
$sth->bind_param_array(2, 'bound');
$sth->bind_param_array(3, [1, 2, 3]);
print 'bind_param_array: ', $sth->execute_array({}), "\n";

my $src = $dbh->prepare('select id + 100, v, n from ea where id < 4 order by id');
$src->execute;
print 'from a statement: ', $sth->execute_array({ ArrayTupleFetch => $src }), "\n";
my @queue = ([200, 'q1', 1], [201, 'q2', 2]);
print 'from code: ', $sth->execute_for_fetch(sub { shift @queue }), "\n";
print 'nothing: ', $sth->execute_for_fetch(sub { undef }), "\n";

print 'wrong count: ', (defined $sth->execute_array({}, [1], [2]) ? 'ok' : 'undef'), "\n";
print 'both: ', (defined $sth->execute_array({ ArrayTupleFetch => sub { undef } }, [1], [2], [3]) ? 'ok' : 'undef'), "\n";
print 'bad status: ', (defined $sth->execute_array({ ArrayTupleStatus => {} }, [1], [2], [3]) ? 'ok' : 'undef'), "\n";

$dbh->{RaiseError} = 1;
$dbh->{PrintError} = 0;
my $ok = eval { $sth->execute_array({}, [300, 301, 1, 302], 'r', 1); 1 };
print 'RaiseError: ', ($ok ? "no error\n" : $@);

for my $r (@{ $dbh->selectall_arrayref('select id, v, n from ea order by id') }) {
    print join(',', map { defined $_ ? $_ : 'NULL' } @$r), "\n";
}
$dbh->disconnect;
