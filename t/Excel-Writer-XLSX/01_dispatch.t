#!/usr/bin/perl
# write()'s dispatch by the look of the value, against the native module: for each token, the
# return value and what the cell becomes (type and value) must be what native stores in its
# table. Daemon-free: a stand-in records the cell records the drop-in sends.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/unit_helper.pl" }
use Excel::Writer::XLSX;
our (@LOG, %ANSWER);

plan skip_all => 'native Excel::Writer::XLSX not installed' unless have_native();

my @tokens = ('0042', '  12.5  ', '12.5', '-3', '+4', '.5', '5.', '1e3', '1E-3', '-1.5e+10', "42\n",
              '0x1F', '1,000', '1 000', 'abc', '', undef, '0', '00', '-0', '1e', 'e5', '.', '+',
              '=SUM(A1:A3)', '=1+2', '{=SUM(A1:A2*B1:B2)}', '{=x', 'http://example.com',
              'https://example.com/a b', 'ftp://f.example.com/x', 'mailto:a@b.c',
              'internal:Sheet1!A1', 'external:c:/x.xlsx', 'htp://nope', 'HTTP://upper',
              "caf\x{e9}", "\x{263a}", ' lead', 'trail ', '123abc', '1.2.3', 'Inf', 'NaN',
              '12345678901234567890', '0.1', '1_000', "1\n2");

# Native: write each token in row i (column 0), then report [return, type, value].
my $expect = native(<<'PERL', \@tokens);
my @t = @{ input() };
my $wb = Excel::Writer::XLSX->new('/dev/null');
my $ws = $wb->add_worksheet;
my @out;
for my $i (0 .. $#t) {
    my $rc = $ws->write($i, 0, $t[$i]);
    my %str = reverse %{ ${ $ws->{_str_table} } };
    my $cell = $ws->{_table}{$i}{0};
    my ($type, $v) = $cell ? @$cell[0, 1] : ('-', '');
    $v = $str{$v} if $type eq 's';
    $type = 'u' if $ws->{_hyperlinks}{$i}{0};
    push @out, [ $rc, $type, defined $v ? "$v" : '' ];
}
output(\@out);
PERL

my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
my $ws = $wb->add_worksheet;
my @rc = map { $ws->write($_, 0, $tokens[$_]) } 0 .. $#tokens;
$wb->close;
my %cell = map { $_->[1] => $_ } sent_cells();
for my $i (0 .. $#tokens) {
    my $name = defined $tokens[$i] ? "'$tokens[$i]'" : 'undef';
    $name =~ s/([^\x20-\x7e])/sprintf("\\x{%x}", ord $1)/ge;
    my ($nrc, $ntype, $nval) = @{ $expect->[$i] };
    is($rc[$i], $nrc, "$name: return value");
    my $c = $cell{$i};
    my ($type, $val) = $c ? @$c[3, 5] : ('-', '');
    utf8::decode($val) if $type eq 's' || $type eq 'u';
    # Native keeps URLs as their displayed string plus a link; we send the link and the string.
    $val = $c->[6] if $type eq 'u';
    utf8::decode($val) if $type eq 'u';
    $ntype = 'f' if $ntype eq 'a';    # array formula: an ordinary formula on the wire
    is($type, $ntype, "$name: cell type");
    if ($type eq 'n') { cmp_ok($val, '==', $nval, "$name: number") }
    else              { is($val, $nval, "$name: value") }
}

# Array refs: rows, and columns inside rows; return value is the first error.
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
$ws = $wb->add_worksheet;
is($ws->write('B2', [ 1, [ 2, 3 ], 'x' ]), 0, 'array ref -> write_row');
is($ws->write(0, 16383, [ 1, 2 ]), -2, 'row running off the sheet: first error');
is($ws->write_col('A10', [ [ 1, 2 ], 3 ]), 0, 'write_col of a nested row');
$wb->close;
my %at = map {; "$_->[1],$_->[2]" => $_->[5] } sent_cells();
is_deeply([ @at{ '1,1', '1,2', '2,2', '1,3', '0,16383', '9,0', '9,1', '10,0' } ], [ 1, 2, 3, 'x', 1, 1, 2, 3 ], 'cells of nested arrays');

# Formats travel as ids; blank with a format is a 'b' record, without one nothing.
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
$ws = $wb->add_worksheet;
my $f1 = $wb->add_format;
my $f2 = $wb->add_format(bold => 1);
$ws->write(0, 0, 'a', $f2);
$ws->write(0, 1, 5, $f1);
$ws->write(0, 2, undef, $f2);
$ws->write(0, 3, '');
$ws->write_formula(0, 4, '=A1', undef, 42);
$ws->write_boolean(0, 5, 'yes');
$wb->close;
is_deeply([ map { [ @$_[2 .. 6] ] } sent_cells() ],
          [ [ 0, 's', 2, 'a', '' ], [ 1, 'n', 1, 5, '' ], [ 2, 'b', 2, '', '' ], [ 4, 'f', 0, 'A1', 42 ], [ 5, 'B', 0, 1, '' ] ],
          'records: format ids, blanks, formula value, boolean');

# Strings go as UTF-8.
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
$wb->add_worksheet->write(0, 0, "caf\x{e9} \x{263a}");
$wb->close;
is((sent_cells())[0][5], "caf\xc3\xa9 \xe2\x98\xba", 'UTF-8 on the wire');

# Handlers from add_write_handler come first, as natively.
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
$ws = $wb->add_worksheet;
$ws->add_write_handler(qr/^\d{3}-\d{4}$/, sub { my $s = shift; return $s->write_string(@_) });
$ws->write(0, 0, '555-1234');
$ws->keep_leading_zeros;
$ws->write(0, 1, '007');
$wb->close;
is_deeply([ map { $_->[3] } sent_cells() ], [ 's', 's' ], 'write handler and keep_leading_zeros make strings');

done_testing;
