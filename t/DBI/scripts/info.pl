#!/usr/bin/perl
# table_info / column_info return statement handles; ping; Name/Driver attributes; trace.
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 });
my $pg = $dbh->{Driver}{Name} eq 'Pg';
$dbh->do('create table alpha (id integer not null, label varchar(20))');
$dbh->do('create table beta (x real)');
$dbh->do('create view gamma as select id from alpha');
print "ping: ", $dbh->ping, " Driver: $dbh->{Driver}{Name} Type: $dbh->{Type} Active: $dbh->{Active}\n";
# Pg: only this run's schema (the other run's tables live in another one).
my $schema = $pg ? $dbh->selectrow_array('select current_schema()') : undef;
my $ti = $dbh->table_info(undef, $schema, '%', 'TABLE');
print "table_info is a ", ref($ti), " fields: ", ($ti->{NUM_OF_FIELDS} >= 5 ? 'ok' : $ti->{NUM_OF_FIELDS}), " names: @{ $ti->{NAME} }[0..4]\n";
my @t = grep { $_->{TABLE_NAME} =~ /^(alpha|beta|gamma)$/ } @{ $ti->fetchall_arrayref({}) };
print "table: $_->{TABLE_NAME} $_->{TABLE_TYPE}\n" for sort { $a->{TABLE_NAME} cmp $b->{TABLE_NAME} } @t;
my $views = $dbh->table_info(undef, $schema, 'gamma', 'VIEW');
print "view: ", join(',', map { "$_->{TABLE_NAME}/$_->{TABLE_TYPE}" } @{ $views->fetchall_arrayref({}) }), "\n";
my $ci = $dbh->column_info(undef, $schema, 'alpha', '%');
my @cols = sort { $a->{ORDINAL_POSITION} <=> $b->{ORDINAL_POSITION} } @{ $ci->fetchall_arrayref({}) };
print "column: $_->{COLUMN_NAME} $_->{TYPE_NAME} nullable=$_->{NULLABLE} pos=$_->{ORDINAL_POSITION}\n" for @cols;
# Only the table part: DBD::Pg names the schema, which differs between the two runs.
print "tables: ", join(',', map { (my $t = $_) =~ s/\A.*\.//; $t } grep { /alpha|beta/ } $dbh->tables(undef, $schema, '%', 'TABLE')), "\n";
if ($pg) {
    # A schema pattern covering two schemas lists each one's tables once (names without the
    # schema, which differs between the two runs).
    $dbh->do("create schema ${schema}_x");
    $dbh->do("create table ${schema}_x.alpha (other integer)");
    my $both = $dbh->table_info(undef, "${schema}%", 'alpha', 'TABLE')->fetchall_arrayref({});
    print "pattern tables: ", join(',', map { ($_->{TABLE_SCHEM} eq $schema ? 'own.' : 'x.') . $_->{TABLE_NAME} } @$both), "\n";
    my $cols = $dbh->column_info(undef, "${schema}%", 'alpha', '%')->fetchall_arrayref({});
    print "pattern columns: ", join(',', map { ($_->{TABLE_SCHEM} eq $schema ? 'own.' : 'x.') . $_->{COLUMN_NAME} } @$cols), "\n";
    # The cascade NOTICE names the run's own schema: shown with the name made the same.
    local $SIG{__WARN__} = sub { (my $w = $_[0]) =~ s/\Q$schema\E/SCHEMA/g; print STDERR $w };
    $dbh->do("drop schema ${schema}_x cascade");
}
print "neat: ", DBI::neat('abc'), ' ', DBI::neat(42), ' ', DBI::neat(undef), ' ', DBI::neat("it's"), ' ', DBI::neat(1.5), "\n";
print "neat_list: ", DBI::neat_list([1, 'two', undef, 3.25]), "\n";
print "neat long: ", DBI::neat('x' x 20, 10), "\n";
print "looks_like_number: ", join(',', map { defined $_ ? "'$_'" : 'undef' } DBI::looks_like_number('1', 'a', '1e5', undef)), "\n";
my $c1 = DBI->connect_cached($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 });
my $c2 = DBI->connect_cached($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 });
my $c3 = DBI->connect_cached($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 1 });
print "connect_cached: same ", ($c1 == $c2 ? 1 : 0), " other attrs ", ($c1 == $c3 ? 1 : 0), "\n";
my $p1 = $c1->prepare_cached('select count(*) from alpha');
my $p2 = $c1->prepare_cached('select count(*) from alpha');
$p1->execute;
print "prepare_cached: same ", ($p1 == $p2 ? 1 : 0), " count ", $p1->fetchrow_array, "\n";
$p1->finish;
# Trace output is ours, not DBI's: to a file nobody compares.
DBI->trace(2, 'trace.log');
$c1->do('select 1');
DBI->trace(0);
# The server's databases for Pg (DBD::Pg connects to "postgres" to list them); nothing for SQLite.
print 'data_sources: ', join(',', DBI->data_sources($dbh->{Driver}{Name})), "\n";
print 'dbh data_sources: ', join(',', $dbh->data_sources), "\n";
$dbh->disconnect;
print "ping after disconnect: '", $dbh->ping, "'\n";
