# The one production use (AutoKit.pm exportToExcel, legacy-usage.md section 2): a report of
# hashes, header row in one bold/black/gray/centered format, data rows with plain write().
use strict;
use warnings;

my @rows = (
    { id => 1, name => 'alpha', amount => '12.50', code => '0042', note => 'first' },
    { id => 2, name => 'beta',  amount => '-3',    code => '7',    note => '' },
    { id => 3, name => 'gamma', amount => '1e3',   code => 'X9',   note => undef },
    { id => 4, name => 'delta', amount => ' 5 ',   code => '=1+1', note => 'http://example.com/a?b=c' },
);

sub exportToExcel {
    my ($file, $data) = @_;
    my ($wb, $ws, $fmt);
    eval {
        require Excel::Writer::XLSX;
        $wb = Excel::Writer::XLSX->new($file);
        $ws = $wb->add_worksheet();
        $fmt = $wb->add_format();
    };
    die "cannot create $file: $@" if $@;
    die "cannot create $file\n" unless $wb;
    $fmt->set_bold();
    $fmt->set_color('black');
    $fmt->set_bg_color('gray');
    $fmt->set_align('center');
    my @keys = sort keys %{ $data->[0] };
    my ($y, $x) = (0, 0);
    $ws->write($y, $x++, $_, $fmt) for @keys;
    for my $r (@$data) {
        $y++;
        $x = 0;
        $ws->write($y, $x++, $r->{$_}) for @keys;
    }
    $wb->close();
    return $y;
}

my $n = exportToExcel('report.xlsx', \@rows);
print "rows: $n\n";
