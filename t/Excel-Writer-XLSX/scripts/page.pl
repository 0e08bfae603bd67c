# Page setup, header and footer, print titles, protection.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('page.xlsx') or die;
my $s = $wb->add_worksheet('Print');
$s->write($_, 0, "line $_") for 0 .. 30;
$s->set_landscape;
$s->set_paper(9);
$s->set_margins(0.5);
$s->set_header('&L&"Arial,Bold"Left&CPage &P of &N&R&D', 0.4);
$s->set_footer('&C&F', 0.2);
$s->repeat_rows(0, 1);
$s->repeat_columns('A:B');
$s->fit_to_pages(1, 0);
$s->hide_gridlines(0);

my $t = $wb->add_worksheet('Portrait');
$t->set_portrait;
$t->set_paper(8);
$t->set_header('&CJust a header');
$t->fit_to_pages(2, 3);
$t->repeat_rows(2);
$t->write('A1', 'portrait');

my $p = $wb->add_worksheet('Protected');
my $unlocked = $wb->add_format(locked => 0);
$p->protect();
$p->write('A1', 'locked');
$p->write('A2', 'editable', $unlocked);

my $q = $wb->add_worksheet('Password');
$q->protect('secret', { insert_rows => 1, format_cells => 1, select_locked_cells => 0, sort => 1, autofilter => 1 });
$q->write('A1', 'x');
$wb->close;
print "ok\n";
