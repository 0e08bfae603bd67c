package Excel::Writer::XLSX::Utility;

# Drop-in Excel::Writer::XLSX::Utility: the cell-reference and date helpers scripts import,
# with the native module's results (t/Excel-Writer-XLSX/02_utility.t compares them). Pure
# Perl, no daemon. The helpers the native module takes from Date::Calc / Date::Manip
# (free-text date parsing) are not available here and croak saying so.

use strict;
use warnings;
use Exporter ();

our $VERSION = '1.10';
our @ISA     = ('Exporter');

my @rowcol = qw(xl_rowcol_to_cell xl_cell_to_rowcol xl_col_to_name xl_range xl_range_formula
                xl_inc_row xl_dec_row xl_inc_col xl_dec_col);
my @dates  = qw(xl_date_list xl_date_1904 xl_parse_time xl_parse_date xl_parse_date_init
                xl_decode_date_EU xl_decode_date_US);

our @EXPORT      = (@rowcol, @dates, 'quote_sheetname');
our @EXPORT_OK   = ();
our %EXPORT_TAGS = (rowcol => \@rowcol, dates => \@dates);

sub xl_col_to_name {
    my ($col, $abs) = @_;
    my $name = '';
    # Bijective base 26: A..Z, AA..ZZ, AAA.. (negative columns give what native gives).
    for (my $n = $col + 1; $n; $n = int(($n - 1) / 26)) {
        $name = chr(64 + ($n % 26 || 26)) . $name;
    }
    return ($abs ? '$' : '') . $name;
}

sub xl_rowcol_to_cell {
    my ($row, $col, $row_abs, $col_abs) = @_;
    return xl_col_to_name($col, $col_abs) . ($row_abs ? '$' : '') . ($row + 1);
}

# Returns (row, col, row_absolute, col_absolute), 0-based; the reference may sit anywhere in
# the string ('=Sheet1!$B$3' works), letters must be upper case (native does not uc()).
sub xl_cell_to_rowcol {
    my ($cell) = @_;
    return (0, 0, 0, 0) unless $cell;
    my ($cabs, $letters, $rabs, $row) = $cell =~ /(\$?)([A-Z]{1,3})(\$?)(\d+)/;
    # No match: native goes on with the previous match's variables; we answer as for 'A0'.
    return (-1, -1, 0, 0) unless defined $letters;
    my $col = 0;
    $col = $col * 26 + ord($_) - 64 for split //, $letters;
    return ($row - 1, $col - 1, $rabs eq '' ? 0 : 1, $cabs eq '' ? 0 : 1);
}

sub xl_range {
    my ($r1, $r2, $c1, $c2, $ra1, $ra2, $ca1, $ca2) = @_;
    my $from = xl_rowcol_to_cell($r1, $c1, $ra1, $ca1);
    my $to   = xl_rowcol_to_cell($r2, $c2, $ra2, $ca2);
    return $from eq $to ? $from : "$from:$to";
}

sub quote_sheetname {
    my ($name) = @_;
    return $name if $name !~ /\W/ || $name =~ /^'/;
    (my $q = $name) =~ s/'/''/g;
    return "'$q'";
}

sub xl_range_formula {
    my ($sheet, $r1, $r2, $c1, $c2) = @_;
    return '=' . quote_sheetname($sheet) . '!' . xl_range($r1, $r2, $c1, $c2, 1, 1, 1, 1);
}

sub _step {
    my ($cell, $dr, $dc) = @_;
    my ($row, $col, $ra, $ca) = xl_cell_to_rowcol($cell);
    return xl_rowcol_to_cell($row + $dr, $col + $dc, $ra, $ca);
}
sub xl_inc_row { return _step($_[0], 1, 0) }
sub xl_dec_row { return _step($_[0], -1, 0) }
sub xl_inc_col { return _step($_[0], 0, 1) }
sub xl_dec_col { return _step($_[0], 0, -1) }

# Days from 0000-03-01 in the proleptic Gregorian calendar (Date::Calc's calendar).
sub _day_number {
    my ($y, $m, $d) = @_;
    if ($m <= 2) { $y--; $m += 12 }
    return 365 * $y + int($y / 4) - int($y / 100) + int($y / 400) + int((153 * ($m - 3) + 2) / 5) + $d;
}

sub _valid_date {
    my ($y, $m, $d) = @_;
    return 0 unless $y =~ /^\d+$/ && $m =~ /^\d+$/ && $d =~ /^\d+$/ && $y >= 1 && $m >= 1 && $m <= 12 && $d >= 1;
    my $leap = ($y % 4 == 0 && $y % 100 != 0) || $y % 400 == 0;
    my $max = (31, $leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[$m - 1];
    return $d <= $max;
}

sub xl_date_list {
    return undef unless @_;
    my ($y, $mo, $d, $h, $mi, $s) = ($_[0], $_[1] || 1, $_[2] || 1, $_[3] || 0, $_[4] || 0, $_[5] || 0);
    Carp::croak('Date::Calc::Delta_DHMS(): not a valid date') unless _valid_date($y, $mo, $d);
    Carp::croak('Date::Calc::Delta_DHMS(): not a valid time') unless $h >= 0 && $h < 24 && $mi >= 0 && $mi < 60 && $s >= 0 && $s < 60;
    # As Delta_DHMS: whole days and the time of day kept apart, both with the sign of the total.
    my $secs = (_day_number($y, $mo, $d) - _day_number(1899, 12, 31)) * 86400 + $h * 3600 + $mi * 60 + $s;
    my $days = int($secs / 86400);
    my $rest = $secs - $days * 86400;
    my $date = $days + $rest / 86400;
    $date++ if $date > 59;
    return $date;
}

sub xl_date_1904 {
    my $date = $_[0] || 0;
    return $date < 1462 ? 0 : $date - 1462;
}

sub xl_parse_time {
    my ($time) = @_;
    my ($h, $m, $s, $mer) = $time =~ /(\d+):(\d\d):?((?:\d\d)(?:\.\d+)?)?(?:\s+)?(am|pm)?/i
        or return undef;
    $s ||= 0;
    $mer = lc($mer || '');
    $h = 0 if $h == 12 && $mer ne '';
    $h += 12 if $mer eq 'pm';
    return ($h * 3600 + $m * 60 + $s) / 86400;
}

sub _needs {
    my ($name, $module) = @_;
    require Carp;
    Carp::croak("Excel::Writer::XLSX::Utility::$name needs $module, which is not available here "
                . "(not supported by CPAN Bridge); use xl_date_list with the parts of the date");
}
sub xl_parse_date      { _needs('xl_parse_date', 'Date::Manip') }
sub xl_parse_date_init { _needs('xl_parse_date_init', 'Date::Manip') }
sub xl_decode_date_EU  { _needs('xl_decode_date_EU', 'Date::Calc') }
sub xl_decode_date_US  { _needs('xl_decode_date_US', 'Date::Calc') }

require Carp;

1;

__END__

=head1 NAME

Excel::Writer::XLSX::Utility - CPAN Bridge drop-in: helper functions for Excel::Writer::XLSX

=head1 SYNOPSIS

    use Excel::Writer::XLSX::Utility;
    my $cell = xl_rowcol_to_cell(2, 1);          # B3
    my ($row, $col) = xl_cell_to_rowcol('C4');  # (3, 2)

=head1 SUPPORTED

xl_rowcol_to_cell, xl_cell_to_rowcol, xl_col_to_name, xl_range, xl_range_formula,
quote_sheetname, xl_inc_row, xl_dec_row, xl_inc_col, xl_dec_col, xl_date_list, xl_date_1904,
xl_parse_time, all with the results of the native module.

=head1 NOT SUPPORTED

xl_parse_date, xl_parse_date_init, xl_decode_date_EU, xl_decode_date_US: they need
Date::Manip or Date::Calc, which a host without CPAN does not have; they croak.

=head1 SEE ALSO

L<Excel::Writer::XLSX::Utility> (the real module), F<docs/excel.md>.

=cut
