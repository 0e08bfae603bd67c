#!/usr/bin/env perl
# bench/dbi.pl — the DBI benchmark's worker: one process, one DBI (whichever `use DBI` finds:
# Debian's, or the drop-in when perl/compat comes first on @INC), one case. bench/run starts it
# natively and bridged and computes the ratios (bench/run --only=dbi); by hand:
#
#   perl bench/dbi.pl setup --dsn=DSN [--user=U] --rows=100000      # tables bench_* + the fetch data
#   perl bench/dbi.pl fetch  --dsn=DSN [--user=U] --rows=100000 --rounds=3
#   perl bench/dbi.pl insert --dsn=DSN [--user=U] --rows=10000  --rounds=3
#   perl bench/dbi.pl cleanup --dsn=DSN [--user=U]                   # drops the tables
#   PERL5LIB=perl/compat:perl/lib perl bench/dbi.pl fetch ...        # the same through the bridge
#
# Prints one line: `dbi_bench key=value ...` with best= (seconds of the best timed round), all=,
# rows=, digest= (fetch: of every value fetched, so bench/run can tell both DBIs saw the same
# data), dbi= (the DBI.pm that was loaded), driver= and, bridged, json= (the client's JSON module).
use strict;
use warnings;
use DBI;
use Digest::MD5 ();
use Getopt::Long qw(GetOptions);
use Time::HiRes qw(time);

my $verb = shift // '';
my %opt = (user => '', password => '', rows => 0, rounds => 3, prefix => 'bench');
GetOptions(\%opt, 'dsn=s', 'user=s', 'password=s', 'rows=i', 'rounds=i', 'prefix=s') && $opt{dsn} && ($opt{rows} || $verb eq 'cleanup')
    or die "usage: bench/dbi.pl setup|fetch|insert|cleanup --dsn=DSN [--user=U] --rows=N [--rounds=N] [--prefix=bench]\n";
$opt{prefix} =~ /\A\w+\z/ or die "bench/dbi.pl: --prefix must be a plain identifier\n";
# Tables <prefix>_fetch and <prefix>_insert: bench/run gives each run its own prefix, so two runs
# on one database do not drop each other's tables.
my ($fetch_t, $insert_t) = map { "$opt{prefix}_$_" } qw(fetch insert);

my $dbh = DBI->connect($opt{dsn}, $opt{user}, $opt{password}, { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
my $driver = $dbh->{Driver}{Name};
my $pg = $driver eq 'Pg';

# 5 columns of the usual kinds: integer, text, exact numeric, timestamp, and text that is NULL in
# one row of three. PostgreSQL and SQLite both take this DDL.
my $ddl = '(id integer primary key, name varchar(40) not null, amount numeric(12,2), ts timestamp, note text)';

my %result;
if ($verb eq 'setup' || $verb eq 'cleanup') {
    $dbh->do('SET client_min_messages = warning') if $pg;    # no NOTICE for DROP ... IF EXISTS
    $dbh->do("DROP TABLE IF EXISTS $fetch_t");
    $dbh->do("DROP TABLE IF EXISTS $insert_t");
}
if ($verb eq 'cleanup') {
    $result{rows} = 0;
} elsif ($verb eq 'setup') {
    $dbh->do("CREATE TABLE $fetch_t $ddl");
    $dbh->do("CREATE TABLE $insert_t $ddl");
    $dbh->begin_work;
    my $sth = $dbh->prepare("INSERT INTO $fetch_t (id, name, amount, ts, note) VALUES (?, ?, ?, ?, ?)");
    $sth->execute(@$_) for rows($opt{rows});
    $dbh->commit;
    $dbh->do("ANALYZE $fetch_t") if $pg;
    $result{rows} = $dbh->selectrow_array("SELECT count(*) FROM $fetch_t");
} elsif ($verb eq 'fetch') {
    my $sql = "SELECT id, name, amount, ts, note FROM $fetch_t WHERE id <= ? ORDER BY id";
    # Untimed first pass: warms both sides up and digests every value, as a check that both DBIs
    # return the same data. The timed rounds then do as little per row as a loop can.
    my $md5 = Digest::MD5->new;
    my $sth = $dbh->prepare($sql);
    $sth->execute($opt{rows});
    while (my $r = $sth->fetchrow_arrayref) {
        $md5->add(join("\x1f", map { defined $_ ? $_ : '\N' } @$r), "\x1e");
    }
    $result{digest} = $md5->hexdigest;
    my @t;
    for (1 .. $opt{rounds}) {
        my $n = 0;
        my $t0 = time;
        my $sth = $dbh->prepare($sql);
        $sth->execute($opt{rows});
        while (my $r = $sth->fetchrow_arrayref) { $n++ }
        push @t, time - $t0;
        die "fetched $n rows, expected $opt{rows}\n" if $n != $opt{rows};
    }
    $result{rows} = $opt{rows};
    $result{all} = join ',', map { sprintf '%.4f', $_ } @t;
    ($result{best}) = sort { $a <=> $b } @t;
} elsif ($verb eq 'insert') {
    my @rows = rows($opt{rows});
    my @t;
    for (1 .. $opt{rounds}) {
        $dbh->do("DELETE FROM $insert_t");
        my $t0 = time;
        $dbh->{AutoCommit} = 0;
        my $sth = $dbh->prepare("INSERT INTO $insert_t (id, name, amount, ts, note) VALUES (?, ?, ?, ?, ?)");
        $sth->execute(@$_) for @rows;    # void context, as load jobs write it
        $dbh->commit;
        $dbh->{AutoCommit} = 1;
        push @t, time - $t0;
        my $n = $dbh->selectrow_array("SELECT count(*) FROM $insert_t");
        die "inserted $n rows, expected $opt{rows}\n" if $n != $opt{rows};
    }
    $result{rows} = $opt{rows};
    $result{all} = join ',', map { sprintf '%.4f', $_ } @t;
    ($result{best}) = sort { $a <=> $b } @t;
} else {
    die "bench/dbi.pl: unknown verb '$verb' (setup, fetch, insert, cleanup)\n";
}
$dbh->disconnect;

$result{dbi} = $INC{'DBI.pm'};
{ no warnings 'once'; $result{json} = $CPANBridge::JSON_BACKEND if defined $CPANBridge::JSON_BACKEND }
$result{driver} = $driver;
print 'dbi_bench ', join(' ', map { "$_=$result{$_}" } sort keys %result), "\n";
exit 0;

sub rows {
    my ($n) = @_;
    return map {
        [ $_, "customer $_", sprintf('%.2f', $_ * 1.37),
          sprintf('2026-%02d-%02d %02d:%02d:%02d', 1 + $_ % 12, 1 + $_ % 28, $_ % 24, $_ % 60, ($_ * 7) % 60),
          $_ % 3 ? "note $_" : undef ]
    } 1 .. $n;
}
