# write()'s dispatch by the look of a value, and what each write method returns.
use strict;
use warnings;
use utf8;
use Excel::Writer::XLSX;
binmode STDOUT, ':encoding(UTF-8)';

my $wb = Excel::Writer::XLSX->new('dispatch.xlsx') or die "new failed\n";
my $ws = $wb->add_worksheet('Dispatch');
my @values = (42, -7, 3.14159, 1e20, 1.5e-10, '0042', ' 12.5 ', '12.5', '1e3', '+5', '-0', '.5', '5.',
              '0x1F', '1_000', 'NaN', 'inf', '=SUM(A1:A3)', '=A1*2', '==x', 'http://example.com/',
              'https://example.com/x?y=1&z=2', 'ftp://ftp.example.com/f', 'mailto:someone@example.com',
              'internal:Other!A1', 'external:c:\\temp\\x.xlsx', undef, '', ' ', "tab\there", "line1\nline2",
              'ünïcödé € 日本', '<&>"\'', '=', '#N/A', 'TRUE', 'a' x 300);
my $r = 0;
for my $v (@values) {
    my $rc = $ws->write($r, 0, $v);
    print "row $r: ", (defined $v ? "'$v'" : 'undef'), ' -> ', (defined $rc ? $rc : 'undef'), "\n";
    $r++;
}
# Array refs: a row, a column (ref of ref), a 2-D block.
print 'row ref: ', $ws->write($r, 0, [1, 'two', 3.5, undef, '=A1']), "\n";
print 'col ref: ', $ws->write($r + 1, 6, [[10, 20, 30]]), "\n";
print 'block: ', $ws->write_row($r + 5, 0, [[1, 2], [3, 4]]), "\n";
print 'write_col: ', $ws->write_col($r + 8, 0, ['c1', 'c2', [7, 8]]), "\n";
# Explicit methods.
print 'write_string: ', $ws->write_string('C1', '0042'), "\n";
print 'write_number: ', $ws->write_number('C2', '17'), "\n";
print 'write_formula: ', $ws->write_formula('C3', '=A1+1', undef, 43), "\n";
print 'write_blank no fmt: ', $ws->write_blank('C4', undef), "\n";
print 'write_blank fmt: ', $ws->write_blank('C5', $wb->add_format(bg_color => 'yellow')), "\n";
print 'write_url: ', $ws->write_url('C6', 'http://example.com/', undef, 'Example'), "\n";
print 'write_url internal: ', $ws->write_url('C7', 'internal:Dispatch!A1', undef, 'Top'), "\n";
print 'write_boolean: ', $ws->write_boolean('C8', 1), "\n";
# A1 forms.
print 'A1 write: ', $ws->write('E5', 'E5'), "\n";
print 'A1 lower: ', $ws->write('e6', 'e6'), "\n";
print 'A1 abs: ', $ws->write('$E$7', 'abs'), "\n";
# Overwrites: the last write wins.
$ws->write(0, 4, 'first');
$ws->write(0, 4, 'second');
$wb->close;
print "done\n";
