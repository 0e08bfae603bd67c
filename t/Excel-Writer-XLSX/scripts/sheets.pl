# Several sheets, activate/select/hide/set_first_sheet, lookups, defined names, properties, 1904.
use strict;
use warnings;
use utf8;
use Excel::Writer::XLSX;
binmode STDOUT, ':encoding(UTF-8)';

my $wb = Excel::Writer::XLSX->new('sheets.xlsx') or die;
$wb->set_1904();
my @s = map { $wb->add_worksheet($_) } ('Summary', undef, 'Data 2026', undef, 'Hidden', 'Ünïcode €');
print 'names: ', join(',', map { $_->get_name } @s), "\n";
print 'sheets(): ', join(',', map { $_->get_name } $wb->sheets), "\n";
print 'sheets(1,3): ', join(',', map { $_->get_name } $wb->sheets(1, 3)), "\n";
my $g = $wb->get_worksheet_by_name('Data 2026');
print 'by name: ', ($g ? $g->get_name : 'undef'), "\n";
print 'by missing name: ', (defined $wb->get_worksheet_by_name('Nope') ? 'found' : 'undef'), "\n";
$s[$_]->write(0, 0, "sheet $_") for 0 .. $#s;
$s[2]->activate;
$s[1]->select;
$s[4]->hide;
$g->write_date_time(1, 0, '2026-11-22T10:30:00.000', $wb->add_format(num_format => 'yyyy-mm-dd hh:mm:ss'));
$g->write_date_time('A3', '1904-01-02T', $wb->add_format(num_format => 14));
print 'define_name: ', $wb->define_name('Total', '=Summary!$A$1'), "\n";
$wb->define_name('Data_2026', q{='Data 2026'!$A$1:$A$3});
$wb->define_name(q{'Data 2026'!Local}, q{='Data 2026'!$B$1});
$wb->define_name('Rate', '=0.075');
$wb->set_properties(title => 'Quarterly report', subject => 'Sales', author => 'Batch job', manager => 'Ops',
                    company => 'ACME', category => 'Reports', keywords => 'sales, q4', comments => 'Generated',
                    status => 'Final', hyperlink_base => 'http://example.com/');
$wb->close;
print "ok\n";
