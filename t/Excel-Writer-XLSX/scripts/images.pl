# insert_image with a small PNG (red.png, 4x3 pixels, put beside the script by the harness).
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('images.xlsx') or die;
my $ws = $wb->add_worksheet('Pictures');
$ws->write('A1', 'images below');
print 'insert B2: ', $ws->insert_image('B2', 'red.png'), "\n";
print 'insert offset/scale: ', $ws->insert_image(5, 3, 'red.png', { x_offset => 10, y_offset => 5, x_scale => 4, y_scale => 2 }), "\n";
print 'insert url: ', $ws->insert_image('F10', 'red.png', { url => 'http://example.com/' }), "\n";
$ws->set_column('B:B', 25);
$ws->set_row(1, 40);
my $ws2 = $wb->add_worksheet('Second');
$ws2->insert_image('A1', 'red.png', 2, 2);
my $rc = eval { $ws2->insert_image('C3', 'missing.png'); 'no error' };
print 'missing image: ', (defined $rc ? $rc : "died: $@");
$wb->close;
print "ok\n";
