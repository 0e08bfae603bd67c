#!/usr/bin/perl
# The raw database API of the user guide (004), run as printed there, on a SQLite file:
# connect{dsn,username,password}, execute_statement{sql,params}, fetch_row{} until success is
# false -- the session's current connection and statement are used when no handle is passed.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use File::Temp ();

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 120;

start_daemon();
my $dir = File::Temp::tempdir('dbi-raw-XXXXXX', TMPDIR => 1, CLEANUP => 1);

my ($st, $out, $err) = run_perl(<<"PERL");
use strict;
use warnings;
use CPANBridge;
\$CPANBridge::DAEMON_MODE = 1;
my \$bridge = CPANBridge->new();

my \$result = \$bridge->call_python('database', 'connect', {
    dsn => 'dbi:SQLite:dbname=$dir/raw.db',
    username => 'user',
    password => 'pass'
});
die "Failed to connect: " . \$result->{error} unless \$result->{success};

for my \$sql ('create table users (name varchar(20), email varchar(40), active integer)',
             "insert into users values ('ann', 'ann\\\@example.com', 1)",
             "insert into users values ('bob', 'bob\\\@example.com', 0)",
             "insert into users values ('cid', 'cid\\\@example.com', 1)") {
    \$result = \$bridge->call_python('database', 'execute_statement', { sql => \$sql });
    die "Query failed: " . \$result->{error} unless \$result->{success};
}

\$result = \$bridge->call_python('database', 'execute_statement', {
    sql => 'SELECT name, email FROM users WHERE active = ? ORDER BY name',
    params => [1]
});
die "Query failed: " . \$result->{error} unless \$result->{success};
print "columns: \@{ \$result->{result}{columns} }\\n";

my \$last;
while (my \$row = \$bridge->call_python('database', 'fetch_row', {})) {
    \$last = \$row;
    last unless \$row->{success};
    print "User: \$row->{result}->{name} (\$row->{result}->{email})\\n";
}
print "end: \$last->{code}\\n";

\$result = \$bridge->call_python('database', 'execute_statement', { sql => 'select count(*) as n from users' });
my \$all = \$bridge->call_python('database', 'fetch_all', {});
print "fetch_all: ", \$all->{success} ? \$all->{result}{rows}[0]{n} : \$all->{error}, "\\n";
\$result = \$bridge->call_python('database', 'execute_statement', { sql => 'select * from nosuch' });
print "bad sql: success=", (\$result->{success} ? 1 : 0), " code=\$result->{code}\\n";
PERL

is($st, 0, 'the guide example runs') or diag($err);
is($out, "columns: name email\nUser: ann (ann\@example.com)\nUser: cid (cid\@example.com)\nend: E_NO_DATA\nfetch_all: 3\nbad sql: success=0 code=E_NATIVE\n",
   'rows as printed in the guide, then success false with E_NO_DATA');
is($err, '', 'nothing on stderr');
done_testing;
