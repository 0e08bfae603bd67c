# write_date_time forms and formats; UTF-8 text (with and without the utf8 pragma's strings).
use strict;
use warnings;
use utf8;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('dates.xlsx') or die;
my $ws = $wb->add_worksheet('Dates');
my $d = $wb->add_format(num_format => 'yyyy-mm-dd');
my $t = $wb->add_format(num_format => 'hh:mm:ss.000');
my $dt = $wb->add_format(num_format => 22);
my @dates = ('2026-11-22T10:30:00.000', '2026-11-22T', 'T10:30', 'T23:59:59.999', '1900-01-01T', '1900-02-28T',
             '1900-03-01T', '9999-12-31T', '2000-02-29T12:00:00', 'not a date', '2026-13-01T', '1899-12-31T');
my $r = 0;
for my $v (@dates) {
    my $rc = $ws->write_date_time($r, 0, $v, $d);
    $ws->write_date_time($r, 1, $v, $t);
    $ws->write_date_time($r, 2, $v, $dt);
    $ws->write_date_time($r, 3, $v);
    print "$v -> ", (defined $rc ? $rc : 'undef'), "\n";
    $r++;
}
my $u = $wb->add_worksheet('Text');
my @text = ('Grüße aus Köln', 'Ελληνικά', 'Русский', '中文字符', '😀 emoji', "combining e\x{301}", "nbsp\x{a0}x",
            "ctrl\x{1}char", "_x0041_ literal", 'trailing space ', ' leading');
$u->write($_, 0, $text[$_]) for 0 .. $#text;
{ no utf8; $u->write(20, 0, 'bytes: Gr\xc3\xbc\xc3\x9fe'); }
$u->set_column('A:A', 40);
$wb->close;
print "ok\n";
