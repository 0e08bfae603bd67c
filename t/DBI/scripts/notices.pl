#!/usr/bin/perl
# Server messages (PostgreSQL NOTICE, WARNING, INFO): DBD::Pg warns each one, as libpq wrote it,
# while PrintWarn is on; notices raised before an error come before the error's message.
# SQLite sends none: the same statements (where SQLite has them) must stay silent there.
use strict;
use warnings;
use DBI;

$| = 1;
my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 0, PrintError => 1, AutoCommit => 1 });
my $pg = $dbh->{Driver}{Name} eq 'Pg';
# stdout and stderr are compared separately: mark the steps on both so the order shows.
sub step { print "-- $_[0]\n"; print STDERR "-- $_[0]\n" }

step('drop if exists');
$dbh->do('drop table if exists nosuch_zz');
my $sth = $dbh->prepare('drop table if exists nosuch_yy');
print "execute: ", $sth->execute, "\n";

step('PrintWarn off');
{
    local $dbh->{PrintWarn} = 0;
    $dbh->do('drop table if exists nosuch_zz');
    # A statement made now inherits it.
    my $quiet = $dbh->prepare('drop table if exists nosuch_xx');
    $quiet->execute;
}
$dbh->do('drop table if exists nosuch_zz');

step('captured by __WARN__');
{
    my @caught;
    local $SIG{__WARN__} = sub { push @caught, $_[0] };
    $dbh->do('drop table if exists nosuch_zz');
    print "caught: ", scalar(@caught), "\n";
    print "text: $_" for @caught;
}

step('cascade');
$dbh->do('create table base (id integer primary key)');
$dbh->do('create view base_v as select * from base');
$dbh->do('create table child (id integer references base (id))');
$dbh->do($pg ? 'drop table base cascade' : 'drop view base_v');
$dbh->do('drop table child') unless $pg;
$dbh->do('create table kept (id integer)');
$dbh->do('insert into kept values (1)');

if ($pg) {
    step('raise in DO');
    $dbh->do(q{do $$ begin raise notice 'n one'; raise warning 'w one' using detail = 'the detail', hint = 'a hint'; raise info 'i one'; end $$});
    my $do = $dbh->prepare(q{do $$ begin raise notice 'from execute %', 42; end $$});
    $do->execute;
    $do->execute;

    step('notice then error, PrintError');
    $dbh->do(q{do $$ begin raise notice 'before the error'; raise exception 'boom' using detail = 'why'; end $$});
    print "errstr: ", $dbh->errstr, "\n";

    step('notice then error, RaiseError in eval');
    my $ok = eval {
        local $dbh->{RaiseError} = 1;
        local $dbh->{PrintError} = 0;
        $dbh->do(q{do $$ begin raise notice 'again before'; perform 1/0; end $$});
        1;
    };
    print "died: ", ($ok ? 'no' : $@);

    step('in a transaction');
    $dbh->begin_work;
    $dbh->do(q{do $$ begin raise notice 'in tx'; end $$});
    $dbh->do('insert into kept values (2)');
    $dbh->commit;

    step('function notices in a select');
    $dbh->do(q{create function noisy(i integer) returns integer language plpgsql as $$ begin raise notice 'row %', i; return i * 2; end $$});
    my $rows = $dbh->selectall_arrayref('select noisy(g) from generate_series(1, 3) g order by 1');
    print "rows: ", join(',', map { $_->[0] } @$rows), "\n";

    step('client_min_messages');
    $dbh->do('set client_min_messages = warning');
    $dbh->do('drop table if exists nosuch_zz');
    $dbh->do(q{do $$ begin raise notice 'hidden'; raise warning 'shown'; end $$});
    $dbh->do('set client_min_messages = notice');
}
else {
    step('SQLite');
    $dbh->do('insert into kept values (2)');
}
step('end');
print "kept: ", $dbh->selectrow_array('select count(*) from kept'), "\n";
$dbh->disconnect;
