# A duplicate sheet name (case-insensitively): the native module croaks.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('dup.xlsx') or die;
$wb->add_worksheet('Report');
$wb->add_worksheet('REPORT');
print "not reached\n";
