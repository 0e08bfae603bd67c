#!/usr/bin/perl
# The daemon killed while a script is fetching: the script gets DBI's error naming the lost
# statement handle (RaiseError dies, PrintError warns) and never hangs.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use File::Temp ();
use Time::HiRes ();

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 180;

my $pid = start_daemon();
my $dir = File::Temp::tempdir('dbi-kill-XXXXXX', TMPDIR => 1, CLEANUP => 1);

for my $mode ('RaiseError', 'PrintError') {
    my $flag = "$dir/$mode.fetching";
    my ($kid, $reader) = fork_child(sub {
        my ($st, $out, $err) = run_perl(<<"PERL", perl_args => ["-I$ROOT/perl/compat"], timeout => 90);
use strict;
use warnings;
use DBI;
my \$dbh = DBI->connect('dbi:SQLite:dbname=$dir/$mode.db', '', '', { $mode => 1, PrintError => ('$mode' eq 'PrintError' ? 1 : 0) });
\$dbh->do('create table n (i integer)');
\$dbh->do('insert into n values (1)');
\$dbh->do('insert into n select i + (select max(i) from n) from n') for 1 .. 14;
my \$sth = \$dbh->prepare('select i from n');
\$sth->{RowCacheSize} = 100;
\$sth->execute;
my \$n = 0;
open(my \$fh, '>', '$flag') or die;
close \$fh;
while (my \$row = \$sth->fetchrow_arrayref) {
    \$n++;
    select(undef, undef, undef, 0.002) if \$n % 100 == 0;
}
print "fetched \$n rows, err=", (defined \$sth->err ? \$sth->err : 'undef'), "\\n";
PERL
        return { status => $st, out => $out, err => $err };
    });
    ok(wait_for(sub { -e $flag }, 60), "$mode: the script is fetching");
    Time::HiRes::sleep(0.1);
    kill 'KILL', $pid;
    ok(wait_gone($pid, 10), "$mode: daemon killed");
    my ($res) = child_result($kid, $reader);
    if ($mode eq 'RaiseError') {
        isnt($res->{status}, 0, 'RaiseError: the script died');
        like($res->{err}, qr/\ADBD::SQLite::st fetchrow_arrayref failed: CPAN Bridge: .*database\.statement\S*.* at \S+ line \d+\.\n/s,
             'RaiseError: DBI message naming the lost statement handle, with the script line') or diag($res->{err});
    }
    else {
        is($res->{status}, 0, 'PrintError: the script carried on');
        like($res->{err}, qr/\ADBD::SQLite::st fetchrow_arrayref failed: CPAN Bridge: .*database\.statement/s, 'PrintError: warned');
        like($res->{out}, qr/\Afetched \d+ rows, err=2000000000\n\z/, 'PrintError: fetch ended with err set');
    }
    # A script's next call may have auto-started a new daemon already.
    $pid = (can_connect() && daemon_pid()) || start_daemon();
}
done_testing;
