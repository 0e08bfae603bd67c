package DBIDiff;

# Differential harness for the DBI drop-in: one legacy-style script runs twice -- natively (the
# real DBI + DBD::Pg / DBD::SQLite from the system's @INC, no lockdown) and bridged
# (PERL5LIB=perl/compat:perl/lib under the lockdown, talking to the test's daemon) -- and the
# two runs must agree on stdout, stderr, exit status and what they left in the database.
#
# Each run gets its own directory (the script is copied there as job.pl and run from there, so
# "at job.pl line N." reads the same in both) and its own database: a SQLite file "test.db" in
# that directory, or a PostgreSQL schema selected with PGOPTIONS=-csearch_path=... (libpq reads
# it natively; the bridge forwards PG* variables to the daemon). The DSN the script sees is
# therefore the same text in both runs.
#
# The only normalisation: Perl's reference addresses (HASH(0x...)), which DBI prints in a few
# warnings and which differ from run to run anyway.

use strict;
use warnings;

use Cwd ();
use File::Copy ();
use File::Path ();
use File::Temp ();
use Test::More;
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(dbi_diff dbi_diff_drivers native_ok pg_dsn run_native run_bridged dump_db normalise);

my $SEQ = 0;
my %SCHEMAS;    # created and not yet dropped (a test that dies half-way leaves them to END)
my $OWNER = $$;

END {
    if ($$ == $OWNER && %SCHEMAS && !$ENV{CPAN_BRIDGE_TEST_KEEP}) {
        local ($?, $@);
        eval { _pg_admin([ map { "drop schema if exists $_ cascade" } sort keys %SCHEMAS ]) };
    }
}

# The environment a native run gets: the lockdown and our test settings taken out.
sub _native_env {
    return (PERL5OPT => undef, PERL5LIB => undef, CPAN_BRIDGE_SOCKET => undef);
}

sub _bridged_env {
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib",
            PERL5OPT => "-I$ROOT/t/lib -MLockdown");
}

# (1) when the native DBI and the driver load here, else (0, reason).
sub native_ok {
    my ($driver) = @_;
    my ($st, $out, $err) = run_cmd([$^X, '-MDBI', "-MDBD::$driver", '-e', 'print "ok"'], env => { _native_env() });
    return 1 if $st == 0 && $out eq 'ok';
    return (0, "native DBI/DBD::$driver not loadable: $err");
}

sub pg_dsn { return $ENV{CPAN_BRIDGE_TEST_PG_DSN} }

# The dev/test server's connection settings for psql-free administration from a native perl.
sub _pg_admin {
    my ($sql) = @_;
    my $code = 'use DBI; my $d = DBI->connect($ENV{CPAN_BRIDGE_TEST_PG_DSN}, $ENV{PGUSER}, $ENV{PGPASSWORD}, '
             . '{RaiseError=>1,PrintError=>0}); local $d->{PrintWarn} = 0; $d->do($_) for @ARGV;';
    my ($st, $out, $err) = run_cmd([$^X, '-e', $code, ref $sql ? @$sql : $sql], env => { _native_env(), PGOPTIONS => undef });
    die "pg admin failed: $err" if $st != 0;
}

sub normalise {
    my ($s) = @_;
    return $s unless defined $s;
    $s =~ s/\((0x[0-9a-f]+)\)/(0xADDR)/g;
    return $s;
}

# Runs $script in a fresh run directory; returns {status, out, err, dir, db}.
sub _run {
    my ($impl, $script, %opt) = @_;
    my $driver = $opt{driver} || 'SQLite';
    my $n = ++$SEQ;
    my $dir = File::Temp::tempdir("dbidiff-$impl-XXXXXX", TMPDIR => 1, CLEANUP => !$ENV{CPAN_BRIDGE_TEST_KEEP});
    File::Copy::copy($script, "$dir/job.pl") or die "copy $script: $!";
    my %env = ($impl eq 'native' ? _native_env() : _bridged_env());
    my %db;
    if ($driver eq 'Pg') {
        my $schema = "dbidiff_${$}_${n}_$impl";
        _pg_admin(["drop schema if exists $schema cascade", "create schema $schema"]);
        $SCHEMAS{$schema} = 1;
        %db = (driver => 'Pg', schema => $schema);
        $env{PGOPTIONS} = "-csearch_path=$schema";
        $env{DBIDIFF_DSN} = pg_dsn();
    }
    else {
        %db = (driver => 'SQLite', file => "$dir/test.db");
        $env{DBIDIFF_DSN} = 'dbi:SQLite:dbname=test.db';
        if ($opt{sqlite_init}) {
            my ($st, $out, $err) = run_cmd(['sqlite3', "$dir/test.db"], stdin_file => _write("$dir/init.sql", $opt{sqlite_init}));
            die "sqlite3 init: $err" if $st != 0;
        }
    }
    if ($opt{pg_init} && $driver eq 'Pg') {
        _pg_admin([ map { "set search_path to $db{schema}; $_" } @{ $opt{pg_init} } ]);
    }
    %env = (%env, %{ $opt{env} || {} });
    my $cwd = Cwd::getcwd();
    chdir $dir or die "chdir $dir: $!";
    my ($st, $out, $err) = eval {
        run_cmd([$^X, 'job.pl', @{ $opt{args} || [] }], env => \%env, timeout => $opt{timeout} || 120);
    };
    my $e = $@;
    chdir $cwd;
    die $e if $e;
    return { status => $st, out => $out, err => $err, dir => $dir, db => \%db };
}

sub _write {
    my ($file, $text) = @_;
    open(my $fh, '>', $file) or die "$file: $!";
    print {$fh} $text;
    close $fh;
    return $file;
}

sub run_native  { return _run('native', @_) }
sub run_bridged { return _run('bridge', @_) }

# Every table's rows, sorted, as text -- read with the native driver (the dump must not depend
# on the thing under test).
sub dump_db {
    my ($db) = @_;
    my $code = <<'PERL';
use strict; use DBI;
my ($driver, $where) = @ARGV;
my ($dbh, $tables);
if ($driver eq 'SQLite') {
    $dbh = DBI->connect("dbi:SQLite:dbname=$where", '', '', { RaiseError => 1, PrintError => 0 });
    $tables = $dbh->selectcol_arrayref("select name from sqlite_master where type = 'table' order by name");
}
else {
    $dbh = DBI->connect($ENV{CPAN_BRIDGE_TEST_PG_DSN}, $ENV{PGUSER}, $ENV{PGPASSWORD}, { RaiseError => 1, PrintError => 0 });
    $dbh->do("set search_path to $where");
    $tables = $dbh->selectcol_arrayref("select table_name from information_schema.tables where table_schema = ? order by 1", undef, $where);
}
binmode STDOUT;
for my $t (@$tables) {
    my $sth = $dbh->prepare(qq{select * from "$t"});
    $sth->execute;
    my @rows = map { join("\t", map { defined $_ ? do { my $v = $_; utf8::encode($v) if utf8::is_utf8($v); "'$v'" } : 'NULL' } @$_) }
               @{ $sth->fetchall_arrayref };
    print "table $t (@{ $sth->{NAME} })\n", map { "  $_\n" } sort @rows;
}
PERL
    my @args = $db->{driver} eq 'Pg' ? ('Pg', $db->{schema}) : ('SQLite', $db->{file});
    return '' if $db->{driver} eq 'SQLite' && !-e $db->{file};
    my ($st, $out, $err) = run_cmd([$^X, '-e', $code, @args], env => { _native_env(), PGOPTIONS => undef });
    return "dump failed ($st): $err" if $st != 0;
    return $out;
}

# The differential test: runs $script both ways and compares. Options: driver => 'SQLite'|'Pg',
# env => {...}, args => [...], sqlite_init => SQL text, pg_init => [SQL...], expect => qr// that
# the native stdout must match (proof the script did something), skip_db => 1.
sub dbi_diff {
    my ($script, %opt) = @_;
    my $name = $opt{name} || $script;
    $name =~ s{.*/}{};
    my $native = run_native($script, %opt);
    my $bridge = run_bridged($script, %opt);
    like($native->{out}, $opt{expect}, "$name: native run did its work") if $opt{expect};
    # A script that dies exits with $!, so this also checks the errno the native library leaves
    # behind (DBD::SQLite: ENOENT from its journal probe).
    is($bridge->{status}, $native->{status}, "$name: exit status (native $native->{status})");
    is(normalise($bridge->{out}), normalise($native->{out}), "$name: stdout");
    is(normalise($bridge->{err}), normalise($native->{err}), "$name: stderr");
    unless ($opt{skip_db}) {
        my $nd = dump_db($native->{db});
        my $bd = dump_db($bridge->{db});
        is($bd, $nd, "$name: database content");
    }
    if ($ENV{DBIDIFF_VERBOSE}) {
        diag("native stdout:\n$native->{out}\nnative stderr:\n$native->{err}");
        diag("bridge stdout:\n$bridge->{out}\nbridge stderr:\n$bridge->{err}");
    }
    if ($native->{db}{schema} && !$ENV{CPAN_BRIDGE_TEST_KEEP}) {
        eval { _pg_admin(["drop schema if exists $_->{db}{schema} cascade"]) } for $native, $bridge;
        %SCHEMAS = ();
    }
    return ($native, $bridge);
}

# Runs dbi_diff for SQLite and, when a test PostgreSQL is configured, for Pg; each driver whose
# native side cannot load is skipped with the reason.
sub dbi_diff_drivers {
    my ($script, %opt) = @_;
    for my $driver (@{ $opt{drivers} || [qw(SQLite Pg)] }) {
        SKIP: {
            my ($ok, $why) = native_ok($driver);
            skip($why, 1) unless $ok;
            skip('CPAN_BRIDGE_TEST_PG_DSN is not set (scripts/test starts PostgreSQL)', 1)
                if $driver eq 'Pg' && !pg_dsn();
            my %o = (%opt, driver => $driver, name => "$driver " . ($opt{name} || $script));
            $o{expect} = $opt{expect}{$driver} if ref $opt{expect} eq 'HASH';
            subtest("$driver: $script" => sub { dbi_diff($script, %o) });
        }
    }
}

1;
