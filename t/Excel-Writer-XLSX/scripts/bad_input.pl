# Bad input: out-of-range cells, bad arguments, sheet-name rules; the native return values and
# error texts.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('bad.xlsx') or die;
my $ws = $wb->add_worksheet('Bad');
my $show = sub { my $v = shift; defined $v ? $v : 'undef' };
print 'row 1048575: ', $show->($ws->write(1048575, 0, 'last row')), "\n";
print 'row 1048576: ', $show->($ws->write(1048576, 0, 'x')), "\n";
print 'col 16383: ', $show->($ws->write(0, 16383, 'last col')), "\n";
print 'col 16384: ', $show->($ws->write(0, 16384, 'x')), "\n";
print 'negative row: ', $show->(eval { $ws->write(-1, 0, 'x') } // "died: $@"), "\n";
print 'write_string big row: ', $show->($ws->write_string(2000000, 0, 'x')), "\n";
print 'write_number big col: ', $show->($ws->write_number(0, 20000, 1)), "\n";
print 'write_formula big: ', $show->($ws->write_formula(1048576, 0, '=1')), "\n";
print 'write_blank big: ', $show->($ws->write_blank(1048576, 0, $wb->add_format)), "\n";
print 'write_url big: ', $show->($ws->write_url(1048576, 0, 'http://x/')), "\n";
print 'write_date_time big: ', $show->($ws->write_date_time(1048576, 0, '2026-01-01T')), "\n";
print 'merge big: ', $show->(eval { $ws->merge_range(1048575, 0, 1048576, 1, 'x', $wb->add_format) }), "\n";
print 'set_row big: ', $show->($ws->set_row(1048576, 20)), "\n";
print 'set_column big: ', $show->($ws->set_column(0, 16384, 10)), "\n";
print 'write_string 32767: ', $show->($ws->write_string(5, 0, 'x' x 32767)), "\n";
print 'write_string 32768: ', $show->($ws->write_string(6, 0, 'y' x 32768)), "\n";

for my $name ('', 'A' x 31, 'B' x 32, 'Bad', 'bad', 'with/slash', 'q?', 'x*', 'a[b', 'c]d', 'e:f', "'quote", "quote'", 'History') {
    my $s = eval { $wb->add_worksheet($name) };
    my $e = $@;
    $e =~ s/\n.*//s;
    print "add_worksheet('$name'): ", ($s ? 'ok ' . $s->get_name : "died: $e"), "\n";
}
$wb->close;
print "ok\n";
