# Column and row sizing, merges, panes, autofilter, gridlines, zoom, selection, tab colour.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('layout.xlsx') or die;
my $bold = $wb->add_format(bold => 1);
my $center = $wb->add_format(align => 'center', valign => 'vcenter', border => 1);

my $a = $wb->add_worksheet('Columns');
print 'set_column A:A ', $a->set_column('A:A', 30), "\n";
print 'set_column B:D ', $a->set_column('B:D', 12, $bold), "\n";
print 'set_column 5,6 ', $a->set_column(5, 6, undef, undef, 1), "\n";
print 'set_column G ', $a->set_column('H:H', 0), "\n";
print 'set_column level ', $a->set_column('J:K', 8, undef, 0, 1), "\n";
print 'set_column reversed ', $a->set_column(13, 12, 5), "\n";
print 'set_row 0 ', $a->set_row(0, 40), "\n";
print 'set_row 1 ', $a->set_row(1, undef, $bold), "\n";
print 'set_row 2 ', $a->set_row(2, 20, undef, 1), "\n";
print 'set_row 3 ', $a->set_row(3, 0), "\n";
print 'set_row level ', $a->set_row(4, undef, undef, 0, 2), "\n";
$a->write($_, $_ % 5, "r$_") for 0 .. 9;
$a->write(1, 7, 'row fmt');
$a->write(5, 2, 'col fmt');
$a->freeze_panes(1, 1);
$a->autofilter('A1:E10');
$a->set_tab_color('green');
$a->set_zoom(150);
$a->set_selection('C3:D4');

my $m = $wb->add_worksheet('Merges');
print 'merge ', $m->merge_range('B2:D3', 'Merged title', $center), "\n";
print 'merge num ', $m->merge_range(5, 0, 5, 3, 1234, $center), "\n";
$m->split_panes(30, 20);
$m->hide_gridlines(2);

my $f = $wb->add_worksheet('Frozen');
$f->freeze_panes('C4');
$f->write('A1', [[1, 2, 3], [4, 5, 6]]);
$f->autofilter(0, 0, 5, 1);
$f->hide_gridlines(0);

my $g = $wb->add_worksheet('Split');
$g->freeze_panes(0, 2, 0, 4);
$g->hide_gridlines(1);
$g->write(0, 0, 'x');

$wb->close;
print "ok\n";
