#!/usr/bin/perl
# Return values, croaks and warnings of worksheet methods, against the native module; dates;
# A1 notation in the methods that take it.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/unit_helper.pl" }
use Excel::Writer::XLSX;
our (@LOG, %ANSWER);

plan skip_all => 'native Excel::Writer::XLSX not installed' unless have_native();

# 'FMT' stands for a format object.
my @calls = (
    [ write => 0, 0, 1 ], [ write => 1048575, 16383, 'x' ], [ write => 1048576, 0, 1 ], [ write => 0, 16384, 'x' ],
    [ write => 'XFD1048576', 1 ], [ write => 'XFE1', 1 ], [ write => 'A1048577', 'x' ], [ write => '!!', 1 ],
    [ write => 'b2', 'lower case ref' ], [ write => '$C$3', 3 ], [ write => 0, 0, 'x' x 32768 ],
    [ write_string => 0, 0 ], [ write_string => 0, 0, undef ], [ write_string => 0, 0, 'y' x 40000 ],
    [ write_string => 1048576, 0, 'x' ], [ write_number => 0, 0 ], [ write_number => 2000000, 0, 1 ],
    [ write_blank => 0 ], [ write_blank => 0, 0 ], [ write_blank => 0, 0, 'FMT' ], [ write_blank => 1048576, 0, 'FMT' ],
    [ write_formula => 0, 0 ], [ write_formula => 0, 0, '=1+1' ], [ write_formula => 1048576, 0, '=1' ],
    [ write_formula => 'A1', '{=SUM(B1:B2)}' ], [ write_array_formula => 'A1:A3', '{=B1:B3}' ],
    [ write_array_formula => 0, 0, 0 ], [ write_dynamic_array_formula => 'B1:B2', '=UNIQUE(A1:A9)' ],
    [ write_url => 0, 0 ], [ write_url => 0, 0, 'http://x.com/' . ('a' x 2100) ], [ write_url => 0, 0, 'http://x.com', 'FMT', 'label' ],
    [ write_url => 0, 0, 'http://x.com', 'label' ], [ write_url => 1048576, 0, 'http://x.com' ],
    [ write_url => 0, 0, 'internal:Sheet1!A1', undef, 'y' x 33000 ],
    [ write_date_time => 0, 0 ], [ write_date_time => 0, 0, '2026-11-22T10:30:00' ], [ write_date_time => 0, 0, 'not a date' ],
    [ write_date_time => 1048576, 0, '2026-11-22T' ], [ write_boolean => 0, 0, 1 ], [ write_boolean => 1048576, 0, 1 ],
    [ write_row => 0, 0, 'scalar' ], [ write_col => 0, 0, {} ], [ write_row => 'A1', [ 1, 2 ] ],
    [ merge_range => 0, 0, 0, 1, 'x' ], [ merge_range => 0, 0, 0, 1, 'x', 'notfmt' ], [ merge_range => 0, 0, 0, 0, 'x', 'FMT' ],
    [ merge_range => 'A1:B2', 'x', 'FMT' ], [ merge_range => 1048575, 0, 1048576, 1, 'x', 'FMT' ],
    [ merge_range_type => 'number', 'A8:B8', 99, 'FMT' ], [ merge_range_type => 'string', 0, 0, 0, 0, 'x', 'FMT' ],
    [ merge_range_type => 'blank', 'A1:B1', 'FMT' ], [ merge_range_type => 'number', 'A1:B1', 99 ],
    [ merge_range_type => 'bogus', 'A1:B1', 1, 'FMT' ], [ merge_range_type => 'url', 'A1:C1', 'http://x.com', 'FMT' ],
    [ set_row => 0, undef, 'FMT' ], [ set_row => 0, 0 ],
    [ set_column => 0, 16384, 10 ], [ set_column => 'A:A', 10 ], [ set_column => 0, 2 ],
    [ set_row => 1048576, 20 ], [ set_row => 0, 20 ], [ set_row => ],
    [ set_zoom => 5 ], [ set_zoom => 500 ], [ protect => '', { sheet => 1, foo => 1 } ],
    [ set_header => 'x' x 300 ], [ set_footer => '&CPage &P' ], [ insert_image => 0, 0, '/nonexistent/x.png' ],
    [ autofilter => 'A1:D10' ], [ autofilter => 0, 0, 10 ], [ freeze_panes => 'B2' ], [ data_validation => 0, 0, { validate => 'any' } ],
    [ conditional_formatting => 'A1:A5', { type => 'cell', criteria => '>', value => 5, format => 'FMT' } ],
    [ data_validation => 1048576, 0, { validate => 'any' } ], [ data_validation => 0, 0, 'x' ],
    [ data_validation => 0, 0, { validate => 'whole', criteria => '>', value => 5 } ],
    [ data_validation => 0, 0, { validate => 'whole', criteria => 'between', minimum => 1 } ],
    [ data_validation => 0, 0, { validate => 'nope' } ], [ data_validation => 0, 0, { validate => 'list', colour => 1 } ],
    [ data_validation => 0, 0, { validate => 'list', source => [ ('abcdefghij') x 30 ] } ],
    [ data_validation => 0, 0, { validate => 'decimal', criteria => 'about', value => 1 } ],
    [ data_validation => 0, 0, { validate => 'list', source => ['a'], input_title => 'x' x 40 } ],
    [ data_validation => 0, 0, { validate => 'list', source => ['a'], error_type => 'fatal' } ],
    [ data_validation => 0, 0, 1, 1, { validate => 'date', criteria => '>', value => '2026-01-01T' } ],
    [ data_validation => 0, 0, 1 ],
    [ conditional_formatting => 'B1', { criteria => '>', value => 5 } ], [ conditional_formatting => 'B1:B3', 'x' ],
    [ conditional_formatting => 1048576, 0, { type => 'cell', criteria => '>', value => 5 } ],
    [ conditional_formatting => 'B2,D4', { type => 'cell', criteria => '>', value => 5 } ],
    [ print_area => 'A1:D10' ], [ print_area => 'A:C' ], [ print_area => '2:4' ], [ print_area => 'A1' ],
    [ print_area => 0, 0, 1048575, 16383 ], [ print_area => 0, 0, 0, 0 ],
    [ set_print_scale => 80 ], [ set_print_scale => 5 ], [ center_horizontally => ], [ center_vertically => ],
    [ print_row_col_headers => ], [ print_row_col_headers => 0 ], [ set_start_page => 3 ], [ set_start_page => ],
    [ print_across => ], [ print_across => 0 ], [ print_black_and_white => ], [ set_h_pagebreaks => 5, 7 ],
    [ set_v_pagebreaks => ], [ set_default_row => 18 ], [ set_default_row => ], [ set_default_row => 15, 1 ],
    [ hide_zero => ], [ hide_zero => 0 ], [ hide_zero => 1 ], [ right_to_left => ], [ right_to_left => 0 ],
    [ hide_row_col_headers => ], [ set_page_view => ], [ set_page_view => 0 ], [ set_first_sheet => ],
);

my $code = <<'PERL';
my @out;
for my $c (@{ input() }) {
    my $wb = Excel::Writer::XLSX->new('/dev/null');
    my $ws = $wb->add_worksheet;
    my $f = $wb->add_format;
    my ($m, @a) = @$c;
    @a = map { defined $_ && $_ eq 'FMT' ? $f : $_ } @a;
    @a = map { ref $_ eq 'HASH' && $m eq 'conditional_formatting' ? { %$_, format => $f } : $_ } @a;
    my @w;
    local $SIG{__WARN__} = sub { (my $x = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $x };
    local $! = 0;
    my $rc = eval { $ws->$m(@a) };
    (my $e = $@) =~ s/ at \S+ line \d+\.?\n//;
    $e =~ s/No such file or directory/ENOENT/;
    push @out, { rc => (defined $rc ? "$rc" : 'undef'), error => $e, warnings => \@w };
}
output(\@out);
PERL
my $native = native($code, \@calls);
my %VOID = map { $_ => 1 } qw(merge_range set_column set_row set_zoom protect set_header set_footer
                              autofilter freeze_panes insert_image);

for my $i (0 .. $#calls) {
    my $c = $calls[$i];
    my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
    my $ws = $wb->add_worksheet;
    my $f = $wb->add_format;
    my ($m, @a) = @$c;
    @a = map { defined $_ && $_ eq 'FMT' ? $f : $_ } @a;
    @a = map { ref $_ eq 'HASH' && $m eq 'conditional_formatting' ? { %$_, format => $f } : $_ } @a;
    my @w;
    local $SIG{__WARN__} = sub { (my $x = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $x };
    local $! = 0;
    my $rc = eval { $ws->$m(@a) };
    (my $e = $@) =~ s/ at \S+ line \d+\.?\n//;
    $e =~ s/No such file or directory/ENOENT/;
    my $label = JSON::PP->new->canonical->allow_nonref->encode([ map { defined $_ && length $_ > 40 ? substr($_, 0, 20) . '...' : $_ } @$c ]);
    my $want = { %{ $native->[$i] } };
    my $got = { rc => (defined $rc ? "$rc" : 'undef'), error => $e, warnings => \@w };
    # Methods documented without a return value give back whatever their last statement left
    # natively (an array ref, a zoom factor, ''): only the documented error codes must agree.
    $got->{rc} = $want->{rc} = 'void' if $VOID{$m} && $want->{rc} !~ /^-\d+$/ && $got->{rc} !~ /^-\d+$/;
    is_deeply($got, $want, $label);
    $wb->close;
}

# Dates: convert_date_time as native, in both epochs (the epoch a sheet was added with).
my @dates = ('2026-11-22T10:30:00.000', '2026-11-22T', 'T10:30', 'T10:30:15.5', '1900-01-01T', '1900-02-28T',
             '1900-02-29T', '1900-03-01T', '1899-12-31T', '1900-01-00T', '1904-01-01T', '1904-01-02T',
             '9999-12-31T23:59:59', '2000-02-29T', '2001-02-29T', '2026-13-01T', '2026-01-32T', 'T24:00',
             'T23:60', '2026-11-22', ' 2026-11-22T12:00Z ', '2026/11/22T', '20261122T', 'T1:00');
my $nd = native(<<'PERL', \@dates);
my $d = input();
my $wb = Excel::Writer::XLSX->new('/dev/null');
my $a = $wb->add_worksheet;
$wb->set_1904;
my $b = $wb->add_worksheet;
output([ map { my $x = $_; [ map { my $v = $_->convert_date_time($x); defined $v ? 0 + $v : undef } $a, $b ] } @$d ]);
PERL
my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
my $s1900 = $wb->add_worksheet;
$wb->set_1904;
my $s1904 = $wb->add_worksheet;
my $mine = JSON::PP->new->decode(JSON::PP->new->encode(
    [ map { my $x = $_; [ map { my $v = $_->convert_date_time($x); defined $v ? 0 + $v : undef } $s1900, $s1904 ] } @dates ]));
is_deeply($mine, $nd, 'convert_date_time, 1900 and 1904');
$wb->close;

# A1 notation reaches the ops as 0-based numbers.
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
my $ws = $wb->add_worksheet;
my $f = $wb->add_format;
$ws->set_column('B:D', 15, $f);
$ws->set_column(5, 5, undef, undef, 1);
$ws->freeze_panes('C3');
$ws->split_panes(15, 0);
$ws->autofilter('A1:D10');
$ws->merge_range('B2:C3', 'm', $f);
$ws->set_selection('D4');
$ws->set_selection('A1');    # native keeps no A1 selection (a split pane would get an active pane)
$ws->set_selection(0, 0, 0, 0);
$ws->repeat_columns('A:B');
$ws->repeat_rows(0);
$ws->data_validation('A1:A9', { validate => 'list', source => [ 'a', 'b' ] });
$ws->set_row(3, 0);
$ws->set_tab_color('red');
$ws->set_margins(0.5);
$ws->set_landscape;
$ws->print_area('B2:C5');
$ws->set_h_pagebreaks(5, 7);
$ws->set_h_pagebreaks(9);    # native adds to the list; the op carries all of it
$ws->set_default_row(18);
$ws->set_default_row(15, 1);
$ws->print_row_col_headers(0);
$ws->hide_zero(0);
$ws->hide_zero;
$wb->close;
is_deeply([ map { [ $_->[1], $_->[2] ] } grep { $_->[0] == 0 } sent_ops() ], [
    [ set_column => { first => 1, last => 3, width => 15, format => 1 } ],
    [ set_column => { first => 5, last => 5, width => 0, hidden => 1 } ],
    [ freeze_panes => { row => 2, col => 2, top_row => 2, left_col => 2 } ],
    [ split_panes => { y => 15, x => 0 } ],
    [ autofilter => { first_row => 0, first_col => 0, last_row => 9, last_col => 3 } ],
    [ merge_range => { first_row => 1, first_col => 1, last_row => 2, last_col => 2, format => 1 } ],
    [ set_selection => { first_row => 3, first_col => 3, last_row => 3, last_col => 3 } ],
    [ repeat_columns => { first => 0, last => 1 } ],
    [ repeat_rows => { first => 0, last => 0 } ],
    [ data_validation => { first_row => 0, first_col => 0, last_row => 8, last_col => 0, options => { validate => 'list', source => [ 'a', 'b' ] } } ],
    [ set_row => { row => 3, hidden => 1 } ],
    [ set_tab_color => { color => '#FF0000' } ],
    [ set_margins => { left => 0.5, right => 0.5, top => 0.5, bottom => 0.5 } ],
    [ set_landscape => {} ],
    [ print_area => { first_row => 1, first_col => 1, last_row => 4, last_col => 2 } ],
    [ set_h_pagebreaks => { breaks => [ 5, 7 ] } ],
    [ set_h_pagebreaks => { breaks => [ 5, 7, 9 ] } ],
    [ set_default_row => { height => 18 } ],
    [ set_default_row => { hidden => 1 } ],
    [ print_row_col_headers => { on => 0 } ],
    [ hide_zero => {} ],
], 'ops with A1 resolved');
is_deeply([ map { "$_->[1],$_->[2],$_->[3]" } sent_cells() ], [ '1,1,s', '1,2,b', '2,1,b', '2,2,b' ], 'merge_range: value and formatted blanks');

done_testing;
