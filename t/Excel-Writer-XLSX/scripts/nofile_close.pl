# DESTROY closes: a workbook never closed explicitly is written when its object goes away.
use strict;
use warnings;
use Excel::Writer::XLSX;

{
    my $wb = Excel::Writer::XLSX->new('scoped.xlsx') or die;
    $wb->add_worksheet->write('A1', 'scoped');
}
print 'scoped exists: ', (-s 'scoped.xlsx' ? 'yes' : 'no'), "\n";
my $empty = Excel::Writer::XLSX->new('empty.xlsx') or die;
print 'close empty: ', ($empty->close ? 1 : 0), "\n";
print "ok\n";
