#!/usr/bin/perl
# `use DBD::Pg qw(:pg_types)` in a script that binds bytea and typed values with pg_type, as Pg
# jobs that store files or images do. Other drivers only print that they skip.
use strict;
use warnings;
use DBI;
use DBD::Pg qw(:pg_types :pg_limits);

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
if ($dbh->{Driver}{Name} ne 'Pg') {
    print "nothing to do on $dbh->{Driver}{Name}\n";
    exit 0;
}
print 'constants: ', join(' ', PG_BYTEA, PG_INT4, PG_TEXT, PG_TIMESTAMPTZ, PG_INT4ARRAY, PG_MAX_INTEGER), "\n";
$dbh->do('create table bt (id integer, data bytea, n integer, t text)');
my $sth = $dbh->prepare('insert into bt (id, data, n, t) values (?, ?, ?, ?)');
my $bytes = join '', map { chr } 0 .. 255;
$sth->bind_param(1, 1);
$sth->bind_param(2, $bytes, { pg_type => PG_BYTEA });
$sth->bind_param(3, '42', { pg_type => PG_INT4 });
$sth->bind_param(4, "caf\x{e9}", { pg_type => PG_TEXT });
$sth->execute;
$sth->execute(2, "\0\x01 plain \xff", 7, 'x');

for my $row (@{ $dbh->selectall_arrayref('select id, data, length(data), md5(data), n, t from bt order by id') }) {
    my ($id, $data, $len, $md5, $n, $t) = @$row;
    printf "%d: %d bytes (server says %d), md5 %s, %s, n=%d t=%s\n", $id, length $data, $len, $md5,
        ($id == 1 ? ($data eq $bytes ? 'same bytes' : 'different bytes') : unpack('H*', $data)), $n,
        join('.', map { ord } split //, $t);
}
$dbh->disconnect;
