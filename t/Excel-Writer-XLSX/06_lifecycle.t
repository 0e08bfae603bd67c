#!/usr/bin/perl
# The workbook's life against a stand-in daemon: new (path made absolute; undef with $! when
# the daemon says the directory takes no file; croaks for filehandles), batching (no round trip
# per cell, batches at 5000 records or 1 MB), close (formats' final state; a failed batch
# croaks there, naming the error), closing on DESTROY and at the end of the script, nothing
# sent after close.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/unit_helper.pl" }
use Cwd ();
use Errno ();
use Excel::Writer::XLSX;
our (@LOG, %ANSWER);

sub calls { return map { $_->[0] } @LOG }

# --- new ----------------------------------------------------------------------------------
my $wb = Excel::Writer::XLSX->new('rel/x.xlsx', { date_1904 => 1 });
is($LOG[0][0], 'workbook_open', 'new opens the workbook at once');
is($LOG[0][1]{filename}, Cwd::getcwd() . '/rel/x.xlsx', 'relative path made absolute');
is_deeply($LOG[0][1]{options}, { date_1904 => 1 }, 'options passed on');
isa_ok($wb, 'Excel::Writer::XLSX');
isa_ok($wb, 'Excel::Writer::XLSX::Workbook');
is($wb->get_1904, 1, 'date_1904 option');
$wb->close;

$ANSWER{workbook_open} = sub {
    return { success => 0, code => 'E_NATIVE', error => 'No such file or directory',
             data => { errno => Errno::ENOENT(), error => 'No such file or directory' } };
};
{
    my @w;
    local $SIG{__WARN__} = sub { push @w, @_ };
    $! = 0;
    my $bad = Excel::Writer::XLSX->new('/nonexistent/dir/x.xlsx');
    ok(!defined $bad, 'unwritable path: undef');
    is($! + 0, Errno::ENOENT(), '... with $! set');
    is_deeply(\@w, [], '... silently, as native');
}
$ANSWER{workbook_open} = sub { return { success => 0, code => 'E_CONNECT', error => 'cannot start cpanbridge' } };
ok(!eval { Excel::Writer::XLSX->new('/tmp/x.xlsx'); 1 }, 'bridge unreachable: croaks');
like($@, qr/^Excel::Writer::XLSX->new\('\/tmp\/x.xlsx'\): cannot start cpanbridge at /, '... saying why');
delete $ANSWER{workbook_open};

{
    my @w;
    local $SIG{__WARN__} = sub { push @w, @_ };
    ok(!defined(Excel::Writer::XLSX->new('')), 'empty filename: undef');
    like($w[0], qr/^Filename required by Excel::Writer::XLSX->new\(\) at /, '... with the native warning');
}
open(my $fh, '>', '/dev/null') or die;
ok(!eval { Excel::Writer::XLSX->new($fh); 1 }, 'filehandle: croaks');
like($@, qr/filehandle.*not supported by CPAN Bridge/, '... saying so');
ok(!eval { Excel::Writer::XLSX->new('-'); 1 }, "'-' (STDOUT): croaks");

# --- batching ---------------------------------------------------------------------------------
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/b.xlsx');
my $ws = $wb->add_worksheet;
my $fmt = $wb->add_format(num_format => '0.00');
$ws->set_column('A:A', 12, $fmt);
$ws->write($_, 0, $_) for 0 .. 4998;
is_deeply([ calls() ], ['workbook_open'], '4999 cells: nothing sent yet');
$ws->write(4999, 0, 'x');
is_deeply([ calls() ], [ 'workbook_open', 'write' ], '5000th cell: one batch');
is($LOG[1][1]{cells}, 5000, '... of 5000 records');
is(scalar(@{ $LOG[1][1]{ops} }), 2, '... with the ops before them');
$ws->write(0, 1, 'y' x 30000) for 1 .. 36;
is(scalar(grep { $_ eq 'write' } calls()), 2, '~1 MB of strings: a batch');
$ws->write(1, 1, 1);
$fmt->set_bold;    # the state at close counts
$wb->close;
is_deeply([ (calls())[-2, -1] ], [ 'write', 'close' ], 'close: the rest, then close');
is_deeply($LOG[-1][1]{formats}, { 1 => { num_format => '0.00', bold => 1 } }, 'formats as they are at close');
is($wb->close, undef, 'second close: nothing');
my $n = @LOG;
$ws->write(2, 2, 'late');
$ws->write($_, 3, $_) for 1 .. 6000;
$ws->set_column(1, 1, 5);
is(scalar(@LOG), $n, 'nothing sent after close');

# --- a failed batch surfaces at close ------------------------------------------------------
@LOG = ();
$ANSWER{close} = sub {
    return { success => 0, code => 'E_PIPELINED',
             error => 'earlier pipelined call excel.write (request 7) failed: excel.write: cell record 3: unknown format 9',
             data => { module => 'excel', function => 'write', code => 'E_USAGE',
                       error => 'excel.write: cell record 3: unknown format 9' } };
};
$wb = Excel::Writer::XLSX->new('/tmp/c.xlsx');
$wb->add_worksheet->write(0, 0, 1);
my $line = __LINE__ + 1;
ok(!eval { $wb->close; 1 }, 'close croaks when the daemon failed');
is($@, "Excel::Writer::XLSX: could not write '/tmp/c.xlsx': excel.write: cell record 3: unknown format 9 at $0 line $line.\n",
   '... naming the failed call, at the close line');
delete $ANSWER{close};

# --- DESTROY and END -----------------------------------------------------------------------
@LOG = ();
{
    my $scoped = Excel::Writer::XLSX->new('/tmp/d.xlsx');
    $scoped->add_worksheet->write(0, 0, 'x');
}
is_deeply([ calls() ], [ 'workbook_open', 'write', 'close' ], 'a workbook going out of scope is closed');

my $helper = "BEGIN { require '$FindBin::Bin/unit_helper.pl' }\n";
my ($st, $out, $err) = BridgeTest::run_perl($helper . <<'PERL', perl_args => [ "-I$BridgeTest::ROOT/perl/compat" ]);
use Excel::Writer::XLSX;
our $wb = Excel::Writer::XLSX->new('/tmp/e.xlsx');    # a global: alive until global destruction
$wb->add_worksheet->write(0, 0, 'x');
END { print join(',', map { $_->[0] } @main::LOG), "\n" }
PERL
is($st, 0, 'script without close exits 0');
# END blocks run in reverse order of definition: the script's END (defined last) runs first, then
# the drop-in's, which closes.
is($out, "workbook_open\n", 'the script END saw the workbook still open');
is($err, '', 'no warnings');
($st, $out, $err) = BridgeTest::run_perl($helper . <<'PERL', perl_args => [ "-I$BridgeTest::ROOT/perl/compat" ]);
END { print join(',', map { $_->[0] } @main::LOG), "\n" }
use Excel::Writer::XLSX;
our $wb = Excel::Writer::XLSX->new('/tmp/e.xlsx');
$wb->add_worksheet->write(0, 0, 'x');
PERL
is($out, "workbook_open,write,close\n", 'closed at the end of a script that forgot');

# $! after new is native's ENOTTY, and talking to the daemon (batches, close) must not change it:
# a script that croaks or dies later exits with $! as its status, 25 natively.
($st, $out, $err) = BridgeTest::run_perl($helper . <<'PERL', perl_args => [ "-I$BridgeTest::ROOT/perl/compat" ]);
use Errno ();
use Excel::Writer::XLSX;
# A stand-in daemon whose calls set their own errno, as socket I/O does inside the client.
$main::ANSWER{$_} = sub { $! = Errno::EPIPE(); return { success => 1, result => {} } } for qw(write close);
my $wb = Excel::Writer::XLSX->new('/tmp/e.xlsx');
my $ws = $wb->add_worksheet;
print 'after new: ', $! + 0, "\n";
$ws->write($_, 0, "x$_") for 0 .. 12_000;    # two batches sent
print 'after batches: ', $! + 0, "\n";
$ws->write_row(0, 0, 'not a ref');
PERL
my $enotty = Errno::ENOTTY() + 0;
is($out, "after new: $enotty\nafter batches: $enotty\n", '$! stays ENOTTY across daemon calls');
is($st >> 8, $enotty, 'a croak after batches exits with ENOTTY, as native');
like($err, qr/^Not an array ref in call to write_row\(\)Inappropriate ioctl for device at \S+ line \d+\.$/m, '... and its message names it');

done_testing;
