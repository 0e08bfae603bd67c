#!/usr/bin/perl
# Differential: t/DBI/scripts/pg_types.pl natively (real DBI + DBD::Pg) and through the bridge
# (perl/compat/DBD/Pg.pm's constants): stdout, stderr, exit status and the database left behind.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use DBIDiff;
use File::Temp ();

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 600;

start_daemon();
dbi_diff_drivers("$ROOT/t/DBI/scripts/pg_types.pl", expect => qr/^(?:constants: 17 |nothing to do)/m);

# Binding $DBDPG_DEFAULT makes DBD::Pg send DEFAULT; the bridge cannot, and says so rather than
# storing the string.
SKIP: {
    skip 'no PostgreSQL (CPAN_BRIDGE_TEST_PG_DSN)', 3 unless pg_dsn();
    my $script = File::Temp->new(SUFFIX => '.pl');
    print {$script} <<'PERL';
use strict;
use warnings;
use DBI;
use DBD::Pg qw(:pg_types);
my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 1, PrintError => 0 });
$dbh->do('create table d (id integer, n integer default 5)');
my $ok = eval { $dbh->do('insert into d values (?, ?)', undef, 1, $DBDPG_DEFAULT); 1 };
print $ok ? "ran\n" : "refused: $@";
print 'rows: ', $dbh->selectrow_array('select count(*) from d'), "\n";
PERL
    close $script;
    my $r = run_bridged($script->filename, driver => 'Pg');
    is($r->{status}, 0, 'DEFAULT bind script exits 0') or diag $r->{err};
    like($r->{out}, qr/^refused: CPAN Bridge: binding \$DBDPG_DEFAULT .* not supported/m, 'binding $DBDPG_DEFAULT is refused, named');
    like($r->{out}, qr/^rows: 0$/m, 'nothing was inserted');
}
done_testing;
