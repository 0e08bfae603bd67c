#!/usr/bin/perl
# The drop-in on its own, against a stand-in for the daemon that answers from a script: row
# blocks (kinds, marks), DBI's error texts, handle attributes, batching of void executes.
# Fast and daemon-free; the differential tests check the real thing.
use strict;
use warnings;
use Test::More;
use B ();
use DBI;

my @log;
my %answer;    # function => code returning the envelope

{
    package FakeBridge;
    sub new { return bless {}, shift }
    sub call {
        my ($self, $module, $function, $params, $opt) = @_;
        push @log, [$function, $params, $opt ? $opt->{attachment} : undef];
        my $a = $answer{$function} or return { success => 1, result => {} };
        return $a->($params, $opt ? $opt->{attachment} : undef);
    }
    sub call_pipelined { my $self = shift; $self->call(@_); return 1 }
    sub sync { return undef }
}
$DBI::BRIDGE = FakeBridge->new;

sub block { return pack('w/a* (w/a*)*', @_) }
sub native_err {
    my ($err, $errstr, $state) = @_;
    return { success => 0, code => 'E_NATIVE', error => $errstr, data => { err => $err, errstr => $errstr, state => $state } };
}

$answer{connect} = sub { return { success => 1, result => { handle => 'database.connection#1', driver => 'Pg', provider => 'npgsql', auto_commit => $_[0]{auto_commit} ? 1 : 0 } } };
my $dbh = DBI->connect('dbi:Pg:dbname=x', 'u', 'p', { RaiseError => 0, PrintError => 0 });
ok($dbh, 'connect');
is($log[-1][1]{dsn}, 'dbi:Pg:dbname=x', 'dsn sent');
is($dbh->{Name}, 'dbname=x', 'Name');
is($dbh->{Driver}{Name}, 'Pg', 'Driver');
is($dbh->{AutoCommit}, 1, 'AutoCommit');
is($dbh->{RaiseError}, '', 'RaiseError off');
{
    local $dbh->{RaiseError} = 1;
    is($dbh->{RaiseError}, 1, 'local sets');
}
is($dbh->{RaiseError}, '', 'local restores');

# --- a query: first block with kinds, second by fetch, with marks ------------------------
$answer{prepare} = sub { return { success => 1, result => { handle => 'database.statement#2', num_params => 1, param_names => [undef], batchable => 0 } } };
$answer{execute} = sub {
    return { success => 1, result => { rows => 3, rows_counted_by_fetch => 0, fields => 3,
             columns => [ { name => 'id', type => 4 }, { name => 'Name', type => 12 }, { name => 'r', type => 8 } ],
             block_rows => 2, kinds => 'iuf', done => 0, statement => 'database.statement#2' },
             attachment => block('', '1', "caf\xc3\xa9", '1.5', '2', 'b', '2.25') };
};
$answer{fetch} = sub {
    return { success => 1, result => { block_rows => 1, kinds => 'iuf', done => 1 },
             attachment => block('.NN', '3', '', '') };
};
my $sth = $dbh->prepare('select id, Name, r from t where x = ?');
is($sth->{NUM_OF_PARAMS}, 1, 'NUM_OF_PARAMS');
is($sth->execute(7), 3, 'execute returns rows');
is($log[-1][2], block('i', '7'), 'bind packed as an integer');
is_deeply($sth->{NAME}, ['id', 'Name', 'r'], 'NAME');
is_deeply($sth->{NAME_lc}, ['id', 'name', 'r'], 'NAME_lc');
is_deeply($sth->{TYPE}, [4, 12, 8], 'TYPE');
my $r = $sth->fetchrow_arrayref;
is_deeply($r, [1, "caf\x{e9}", 1.5], 'first row');
ok(utf8::is_utf8($r->[1]), 'u kind gives characters');
my $f = B::svref_2object(\$r->[0])->FLAGS;
ok(($f & B::SVf_IOK) && !($f & B::SVf_POK), 'i kind gives a pure number');
my %h = %{ $sth->fetchrow_hashref };
is_deeply(\%h, { id => 2, Name => 'b', r => 2.25 }, 'hashref');
my @last = $sth->fetchrow_array;
is_deeply(\@last, [3, undef, undef], 'marks: NULLs');
is(scalar(grep { $_->[0] eq 'fetch' } @log), 1, 'one fetch round trip');
ok(!defined $sth->fetchrow_arrayref, 'end');
ok(!$sth->{Active}, 'inactive at end');

# --- errors --------------------------------------------------------------------------------
$answer{do} = sub { return native_err(7, "ERROR:  relation \"nosuch\" does not exist", '42P01') };
my $warned = '';
local $SIG{__WARN__} = sub { $warned .= $_[0] };
$dbh->{PrintError} = 1;
my $line = __LINE__ + 1;
ok(!defined $dbh->do('insert into nosuch values (1)'), 'do fails');
is($warned, "DBD::Pg::db do failed: ERROR:  relation \"nosuch\" does not exist at " . __FILE__ . " line $line.\n", 'PrintError text');
is($DBI::err, 7, '$DBI::err');
is($DBI::state, '42P01', '$DBI::state');
is($dbh->errstr, "ERROR:  relation \"nosuch\" does not exist", 'errstr');
$dbh->{RaiseError} = 1;
$line = __LINE__ + 1;
eval { $dbh->do('x') };
is($@, "DBD::Pg::db do failed: ERROR:  relation \"nosuch\" does not exist at " . __FILE__ . " line $line.\n", 'RaiseError text');
my @he;
$dbh->{HandleError} = sub { push @he, $_[0]; 1 };
ok(!eval { $dbh->do('x'); 0 } && !$@, 'HandleError returning true stops RaiseError');
is($he[0], "DBD::Pg::db do failed: ERROR:  relation \"nosuch\" does not exist", 'HandleError gets the message');
$dbh->{HandleError} = undef;
$answer{do} = sub { return { success => 1, result => { rows => 0 } } };
is($dbh->do('delete from t'), '0E0', '0E0');
ok(!defined $dbh->err, 'err cleared by a good call');

# --- batches --------------------------------------------------------------------------------
$answer{prepare} = sub { return { success => 1, result => { handle => 'database.statement#3', num_params => 2, batchable => 1 } } };
my @batches;
$answer{execute_batch} = sub {
    my ($p, $att) = @_;
    push @batches, $p->{count};
    my @sets = unpack('(w/a* (w/a*)2)*', $att);
    if (grep { $_ eq 'dup' } @sets) {
        my $pos = 0;
        for (my $k = 0; $k < @sets; $k += 3) { last if $sets[$k + 2] eq 'dup'; $pos++ }
        my $e = native_err(19, 'UNIQUE constraint failed: t.id', 'S1000');
        $e->{data}{index} = $pos;
        $e->{data}{executed} = $pos;
        return $e;
    }
    return { success => 1, result => { executed => $p->{count}, rows => 1 } };
};
my $ins = $dbh->prepare('insert into t values (?, ?)');
@log = ();
$ins->execute($_, "v$_") for 1 .. 5;
is(scalar(@log), 0, 'void executes are held');
$ins->{RaiseError} = 0;    # statements keep what they inherited at prepare
$warned = '';
$line = __LINE__ + 1;
$ins->execute($_, $_ == 3 ? 'dup' : 'ok') for 1 .. 4;
my $n = $ins->rows;
is_deeply(\@batches, [9, 1], 'flushed at rows(): one batch, then the rest after the failure');
is($warned, "DBD::Pg::st execute failed: UNIQUE constraint failed: t.id at " . __FILE__ . " line $line.\n", 'error reported at the execute\'s line');
$ins->{RaiseError} = 1;
@batches = ();
$line = __LINE__ + 1;
$ins->execute($_, $_ == 2 ? 'dup' : 'ok') for 1 .. 3;
eval { $dbh->commit };
like($@, qr/\ADBD::Pg::st execute failed: UNIQUE constraint failed: t.id at \Q${\__FILE__}\E line $line\.\n\z/, 'RaiseError dies at the flush with the execute\'s line');
is_deeply(\@batches, [3], 'nothing re-sent after RaiseError');

# --- binds ----------------------------------------------------------------------------------
is(DBI::_pack_binds([undef, "caf\x{e9}\x{20ac}", "b\xe9", 42, 1.5, '42']),
   block('Nubifb', '', "caf\xc3\xa9\xe2\x82\xac", "b\xe9", '42', '1.5', '42'), 'bind marks');

is(DBI::neat('abc'), "'abc'", 'neat string');
is(DBI::neat(42), '42', 'neat number');
is(DBI::neat(undef), 'undef', 'neat undef');
is(DBI::neat_list([1, 'a', undef]), "1, 'a', undef", 'neat_list');
is($dbh->quote("it's"), "'it''s'", 'quote');
is($dbh->quote('a\\b'), "E'a\\\\b'", 'Pg quote with backslash');
is($dbh->quote_identifier(undef, 's', 't'), '"s"."t"', 'quote_identifier');

done_testing;
