#!/usr/bin/perl
# Excel::Writer::XLSX::Utility against the native one: the same inputs, the same answers.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/unit_helper.pl" }
use Excel::Writer::XLSX::Utility;

plan skip_all => 'native Excel::Writer::XLSX not installed' unless have_native();

my @cols = (0, 1, 25, 26, 27, 51, 52, 701, 702, 703, 16383, 16384, 18277, -1);
my @cells = ('A1', 'B3', '$C$4', 'C$4', '$C4', 'Z10', 'AA1', 'AZ99', 'XFD1048576', 'ZZZ5', 'a1',
             '=Sheet1!$B$3', '', 'AAAA1', 'B0', '1A');
my @sheets = ('Sheet1', 'My Sheet', "O'Brien", "'Quoted'", 'a-b', 'Sheet_2', "caf\x{e9}");
my @times = ('12:00', '12:30:15', '1:02:03.5', '12:00 AM', '12:00 pm', '11:59:59 PM', '0:00:00', 'x');
my @dates = ([1900, 1, 1], [1900, 2, 28], [1900, 3, 1], [2026, 11, 22, 10, 30, 15], [1999, 12, 31, 23, 59, 59],
             [2000, 2, 29], [1899, 12, 31], [9999, 12, 31], [2026], [2026, 6]);
my @serials = (0, 1000, 1461, 1462, 1463, 45000.5);

my $in = { cols => \@cols, cells => \@cells, sheets => \@sheets, times => \@times, dates => \@dates, serials => \@serials };
my $code = <<'PERL';
my $in = input();
my %o;
for my $c (@{ $in->{cols} }) { push @{ $o{col} }, [ xl_col_to_name($c), xl_col_to_name($c, 1) ] }
for my $r (0, 9, 1048575) {
    for my $c (0, 27, 16383) {
        push @{ $o{cell} }, [ map { xl_rowcol_to_cell($r, $c, @$_) } [], [1], [0, 1], [1, 1] ];
    }
}
for my $c (grep { $_ ne '' && /[A-Z]/ && /\d/ } @{ $in->{cells} }) {
    push @{ $o{rowcol} }, [ xl_cell_to_rowcol($c) ];
    push @{ $o{step} }, [ xl_inc_row($c), xl_dec_row($c), xl_inc_col($c), xl_dec_col($c) ];
}
push @{ $o{rowcol} }, [ xl_cell_to_rowcol('') ];
for my $s (@{ $in->{sheets} }) {
    push @{ $o{quote} }, quote_sheetname($s);
    push @{ $o{rf} }, xl_range_formula($s, 1, 9, 0, 3);
}
push @{ $o{range} }, xl_range(@$_) for [0, 0, 0, 0], [0, 9, 0, 3], [1, 2, 3, 4, 1, 0, 0, 1], [5, 5, 2, 2, 1, 1, 1, 1];
push @{ $o{time} }, xl_parse_time($_) for @{ $in->{times} };
push @{ $o{date} }, xl_date_list(@$_) for @{ $in->{dates} };
push @{ $o{d1904} }, xl_date_1904($_) for @{ $in->{serials} };
output(\%o);
PERL
my $native = native($code, $in);
# Our side gets the strings as native got them (through JSON): for /\W/ a string's internal
# encoding matters, to native's code and to ours alike.
@sheets = @{ JSON::PP->new->utf8->decode(JSON::PP->new->utf8->encode(\@sheets)) };

my %o;
for my $c (@cols) { push @{ $o{col} }, [ xl_col_to_name($c), xl_col_to_name($c, 1) ] }
for my $r (0, 9, 1048575) {
    for my $c (0, 27, 16383) {
        push @{ $o{cell} }, [ map { xl_rowcol_to_cell($r, $c, @$_) } [], [1], [0, 1], [1, 1] ];
    }
}
for my $c (grep { $_ ne '' && /[A-Z]/ && /\d/ } @cells) {
    push @{ $o{rowcol} }, [ xl_cell_to_rowcol($c) ];
    push @{ $o{step} }, [ xl_inc_row($c), xl_dec_row($c), xl_inc_col($c), xl_dec_col($c) ];
}
push @{ $o{rowcol} }, [ xl_cell_to_rowcol('') ];
for my $s (@sheets) {
    push @{ $o{quote} }, quote_sheetname($s);
    push @{ $o{rf} }, xl_range_formula($s, 1, 9, 0, 3);
}
push @{ $o{range} }, xl_range(@$_) for [0, 0, 0, 0], [0, 9, 0, 3], [1, 2, 3, 4, 1, 0, 0, 1], [5, 5, 2, 2, 1, 1, 1, 1];
push @{ $o{time} }, xl_parse_time($_) for @times;
push @{ $o{date} }, xl_date_list(@$_) for @dates;
push @{ $o{d1904} }, xl_date_1904($_) for @serials;

# Through JSON both, so numbers compare as the native ones printed.
my $mine = JSON::PP->new->utf8->allow_nonref->decode(JSON::PP->new->utf8->canonical->encode(\%o));
for my $k (sort keys %$native) {
    is_deeply($mine->{$k}, $native->{$k}, "$k as native");
}

# Exported names: the same default export list as native.
my $exports = native('output([ sort @Excel::Writer::XLSX::Utility::EXPORT ])');
is_deeply([ sort @Excel::Writer::XLSX::Utility::EXPORT ], $exports, '@EXPORT');

ok(!eval { xl_parse_date('22 Nov 2026'); 1 }, 'xl_parse_date croaks');
like($@, qr/Date::Manip.*not supported by CPAN Bridge/, '... saying why');

done_testing;
