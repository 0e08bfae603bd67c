package Excel::Writer::XLSX;

# Drop-in Excel::Writer::XLSX for hosts without CPAN: the native module's interface, the file
# built by the CPAN Bridge daemon's `excel` module (docs/protocol.md, "Module `excel`").
# Core Perl only. The workbook, worksheet and format classes live beside this file.

use strict;
use warnings;

use Excel::Writer::XLSX::Workbook;

our $VERSION = '1.10';
our @ISA = ('Excel::Writer::XLSX::Workbook');
our $BRIDGE;    # the CPANBridge client; tests may put a stand-in here

sub new {
    my $class = shift;
    my $self = Excel::Writer::XLSX::Workbook->new(@_);
    bless $self, $class if defined $self;
    return $self;
}

1;

__END__

=head1 NAME

Excel::Writer::XLSX - CPAN Bridge drop-in: write Excel 2007+ XLSX files

=head1 SYNOPSIS

    use Excel::Writer::XLSX;

    my $workbook  = Excel::Writer::XLSX->new('report.xlsx') or die "cannot create: $!";
    my $worksheet = $workbook->add_worksheet('Totals');
    my $bold      = $workbook->add_format(bold => 1, bg_color => 'gray', align => 'center');
    $worksheet->write('A1', 'Region', $bold);
    $worksheet->write(1, 0, [ 'North', 42, '=B2*2' ]);
    $workbook->close;

=head1 DESCRIPTION

Scripts that C<use Excel::Writer::XLSX> run unchanged. Everything a script can observe is
decided here as the native module 1.10 decides it: C<write()>'s dispatch by the look of the
value (numbers by the native pattern, so C<'0042'> is the number 42 and C<'  12.5  '> a string;
C<=formula>, C<{=array formula}>, URLs, array references to rows and columns, C<undef> and
C<''> to blanks), A1 notation, return values (0; -1 too few arguments; -2 row or column out of
range; -3 string truncated to 32767 characters; -4/-5 URL limits), worksheet name rules and
their messages, format objects and colours.

The file is built by the daemon at C<close> (or when the workbook object goes away, or at the
end of the script, as natively). Until then nothing costs a round trip except C<new>: cells are
buffered and sent in batches, so an error the daemon finds in a batch surfaces at C<close>,
which croaks naming it. The file appears at its path only once complete: a script killed before
C<close> leaves no file (the native module leaves an empty one).

=head1 SUPPORTED

Workbook: new (undef with C<$!> set when the file cannot be created), add_worksheet,
add_format, close, sheets, worksheets, get_worksheet_by_name, set_properties, define_name,
set_1904, get_1904, set_custom_color, get_default_url_format.

Worksheet: write, write_string, write_number, write_formula, write_array_formula,
write_dynamic_array_formula, write_blank, write_boolean, write_row, write_col, write_url,
write_date_time, convert_date_time, keep_leading_zeros, add_write_handler, merge_range,
set_column, set_column_pixels, set_row, set_row_pixels, freeze_panes, split_panes, autofilter,
set_selection, hide_gridlines, set_zoom, set_landscape, set_portrait, set_paper, set_margins
(and the _LR/_TB/single-side forms), repeat_rows, repeat_columns, set_header, set_footer,
fit_to_pages, print_area, set_print_scale, center_horizontally, center_vertically,
print_row_col_headers, set_start_page, print_across, print_black_and_white, set_h_pagebreaks,
set_v_pagebreaks, set_default_row, hide_zero, right_to_left, hide_row_col_headers,
set_page_view, set_first_sheet, set_tab_color, activate, select, hide, protect,
data_validation, conditional_formatting, insert_image, get_name.

Format: see L<Excel::Writer::XLSX::Format>. Utility functions: see
L<Excel::Writer::XLSX::Utility>.

=head1 NOT SUPPORTED / CAVEATS

=over

=item * Writing to a filehandle or to C<'-'> (STDOUT): C<new> croaks.

=item * Charts, shapes, tables, sparklines, comments, rich strings, buttons, VBA, autofilter
column criteria, unprotect_range: croak C<... not supported by CPAN Bridge>.

=item * Settings the daemon does not draw (show_comments,
set_top_left_cell, ignore_errors, set_background, set_size ...): accepted with a one-time
warning, no effect.

=item * Array formulas are written as ordinary formulas in their first cell.

=item * Negative row or column numbers return -2 (the native module accepts them and writes a
file Excel refuses).

=back

=head1 SEE ALSO

L<Excel::Writer::XLSX> (the real module), F<docs/excel.md>, F<docs/protocol.md>.

=cut
