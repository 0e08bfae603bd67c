# A sheet name over 31 characters: the native module croaks; the script dies with its text.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('long.xlsx') or die;
$wb->add_worksheet('Fine');
$wb->add_worksheet('This sheet name is far too long for Excel');
print "not reached\n";
