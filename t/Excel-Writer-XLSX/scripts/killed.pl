# The script is killed (SIGKILL, no END, no DESTROY) before close. Through the bridge nothing
# may be left at the destination; natively a 0-byte file remains (new() creates it at once).
use strict;
use warnings;
use Excel::Writer::XLSX;

$| = 1;
my $wb = Excel::Writer::XLSX->new('killed.xlsx') or die "new failed\n";
my $ws = $wb->add_worksheet('Half');
$ws->write($_, 0, "row $_") for 0 .. 999;
print "about to die\n";
kill 'KILL', $$;
sleep 5;
print "not reached\n";
