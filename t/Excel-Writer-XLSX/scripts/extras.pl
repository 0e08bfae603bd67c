# Native methods beyond the issue's listed surface that legacy scripts may still call: the
# drop-in either does what native does or says clearly that it does not.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('extras.xlsx') or die;
my $center = $wb->add_format(align => 'center', border => 1);
my $s = $wb->add_worksheet('Extras');
$s->write($_, 0, "line $_") for 0 .. 9;
print 'merge_range_type: ', $s->merge_range_type('number', 'C2:D2', 99, $center), "\n";
$s->set_margin_left(1.25);
$s->set_margin_top(1);
$s->set_margins_LR(0.3);
$s->set_margins_TB(0.4);
$s->print_area('A1:D10');
$s->center_horizontally;
$s->center_vertically;
$s->print_row_col_headers;
$s->set_print_scale(80);
$s->set_start_page(3);
$s->print_across;
$s->set_h_pagebreaks(5);
$s->set_v_pagebreaks(2);
$s->set_default_row(18);
$s->outline_settings(1, 0, 0, 1);
my $t = $wb->add_worksheet('First');
$t->set_first_sheet;
$t->write('A1', 'first visible tab');
$wb->close;
print "ok\n";
