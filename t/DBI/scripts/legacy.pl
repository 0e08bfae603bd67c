#!/usr/bin/perl
# The shapes of the production scripts in shared/reference/legacy-usage.md: a CPS::SQL-like
# helper (connect_cached, AutoCommit off, named binds with types, fetchrow_hashref with NULL
# turned into '', commit/rollback) and a DbAccess-like export (prepare or die errstr,
# fetchrow_array into CSV lines).
use strict;
use warnings;
use DBI qw(:sql_types);

my %attr = (AutoCommit => 0, RaiseError => 1, PrintError => 0);
my $dbh = DBI->connect_cached($ENV{DBIDIFF_DSN}, '', '', \%attr) or die "connect: $DBI::errstr";
$dbh->do('create table job_log (job_id integer, status varchar(10), note varchar(40), run_at varchar(20))');
$dbh->commit;

sub run_sql {
    my ($sql, %binds) = @_;
    my $db = DBI->connect_cached($ENV{DBIDIFF_DSN}, '', '', \%attr) or die "connect: $DBI::errstr";
    my $sth = $db->prepare($sql);
    for my $name (sort keys %binds) {
        my ($value, $type) = @{ $binds{$name} };
        $sth->bind_param(":$name", $value, $type);
    }
    $sth->execute;
    my @rows;
    if ($sth->{NUM_OF_FIELDS}) {
        while (my $r = $sth->fetchrow_hashref) {
            push @rows, { map { $_ => defined $r->{$_} ? $r->{$_} : '' } keys %$r };
        }
    }
    return \@rows;
}

run_sql('insert into job_log (job_id, status, note, run_at) values (:id, :status, :note, :at)',
        id => [$_, SQL_INTEGER], status => [$_ % 2 ? 'OK' : 'FAILED', SQL_VARCHAR],
        note => [$_ == 3 ? undef : "run $_", SQL_VARCHAR], at => ["2026-11-0$_ 01:00", SQL_VARCHAR])
    for 1 .. 5;
$dbh->commit;
print 'same cached handle: ', (DBI->connect_cached($ENV{DBIDIFF_DSN}, '', '', \%attr) == $dbh ? 'yes' : 'no'), "\n";

for my $r (@{ run_sql('select job_id, status, note from job_log where status = :status order by job_id',
                      status => ['OK', SQL_VARCHAR]) }) {
    print join(' ', map { "$_=$r->{$_}" } sort keys %$r), "\n";
}

# A failing statement inside the helper: RaiseError dies, the script rolls back and goes on.
my $ok = eval { run_sql('insert into job_log (job_id, nosuch) values (:id, :x)', id => [9], x => [1]); 1 };
print 'failed insert: ', ($ok ? "no error\n" : $@);
$dbh->rollback;

# DbAccess-style export.
my $export = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, AutoCommit => 1, PrintError => 1 });
my $sth = $export->prepare('select job_id, status, note, run_at from job_log order by job_id')
    or die $export->errstr;
$sth->execute or die $sth->errstr;
print join(',', @{ $sth->{NAME} }), "\n";
while (my @row = $sth->fetchrow_array) {
    print join(',', map { defined $_ ? qq{"$_"} : '' } @row), "\n";
}
my $bad = $export->prepare('select * from nosuch_table');
print 'prepare of a missing table: ', (defined $bad ? 'handle' : 'undef'), ' / errstr: ',
      (defined $export->errstr ? 'set' : 'unset'), "\n";
$export->disconnect;
$dbh->disconnect;
