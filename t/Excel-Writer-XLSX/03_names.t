#!/usr/bin/perl
# Worksheet names: defaults, the native rules and croak texts, lookups; define_name's and
# set_properties' checks and warnings. Compared with the native module's answers.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/unit_helper.pl" }
use Excel::Writer::XLSX;
our (@LOG, %ANSWER);

plan skip_all => 'native Excel::Writer::XLSX not installed' unless have_native();

# Each case: the names given to add_worksheet in turn; what comes back is the sheet's name or
# the croak text (without " at FILE line N.").
my @cases = (
    [ undef, undef, 'Data', undef ],
    [ 'x' x 31 ], [ 'x' x 32 ],
    [ 'a[b' ], [ 'a]b' ], [ 'a:b' ], [ 'a*b' ], [ 'a?b' ], [ 'a/b' ], [ 'a\\b' ],
    [ "'lead" ], [ "trail'" ], [ "mid'dle" ],
    [ 'Data', 'data' ], [ 'Data', 'DATA ' ], [ undef, 'sheet1' ], [ 'Sheet2', undef, undef ],
    [ 0 ], [ '' ], [ "caf\x{e9}", "CAF\x{c9}" ],
);
my $code = <<'PERL';
my @out;
for my $case (@{ input() }) {
    my $wb = Excel::Writer::XLSX->new('/dev/null');
    my @r;
    for my $n (@$case) {
        my $ws = eval { $wb->add_worksheet($n) };
        if ($ws) { push @r, $ws->get_name } else { (my $e = $@) =~ s/ at \S+ line \d+\.?\n//; push @r, "ERR: $e" }
    }
    push @r, join ',', map { $_->get_name } $wb->sheets;
    push @r, join ',', map { defined($_) ? $_->get_name : 'undef' } map { $wb->get_worksheet_by_name($_) } @$case, 'nosuch';
    push @out, \@r;
}
output(\@out);
PERL
my $native = native($code, \@cases);
my $json = JSON::PP->new->utf8;
@cases = @{ $json->decode($json->encode(\@cases)) };
for my $i (0 .. $#cases) {
    my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
    my @r;
    for my $n (@{ $cases[$i] }) {
        my $ws = eval { $wb->add_worksheet($n) };
        if ($ws) { push @r, $ws->get_name } else { (my $e = $@) =~ s/ at \S+ line \d+\.?\n//; push @r, "ERR: $e" }
    }
    push @r, join ',', map { $_->get_name } $wb->sheets;
    push @r, join ',', map { defined($_) ? $_->get_name : 'undef' } map { $wb->get_worksheet_by_name($_) } @{ $cases[$i] }, 'nosuch';
    my $label = join('|', map { defined $_ ? $_ : 'undef' } @{ $cases[$i] });
    $label =~ s/([^\x20-\x7e])/sprintf('\\x{%x}', ord $1)/ge;
    is_deeply(\@r, $native->[$i], "names: $label");
    $wb->close;
}

# The croak names the script's line.
my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
my $line = __LINE__ + 1;
eval { $wb->add_worksheet('x' x 40) };
is($@, 'Sheetname ' . ('x' x 40) . " must be <= 31 chars at $0 line $line.\n", 'croak at the caller');

# Sheets in order, and sheets(@indices).
$wb->add_worksheet($_) for qw(One Two Three);
is_deeply([ map { $_->get_name } $wb->sheets(2, 0) ], [ 'Three', 'One' ], 'sheets(list)');
is(scalar(@{ $wb->worksheets }), 3, 'worksheets');
$wb->close;

# define_name / set_properties: return values and warnings.
my $dn = <<'PERL';
my @out;
my $wb = Excel::Writer::XLSX->new('/dev/null');
$wb->add_worksheet('Data');
$wb->add_worksheet('My Sheet');
for my $c (@{ input() }) {
    my @w;
    local $SIG{__WARN__} = sub { (my $m = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $m };
    my $rc = $c->[0] eq 'dn' ? $wb->define_name($c->[1], $c->[2]) : $wb->set_properties(@{ $c->[1] });
    push @out, [ (defined $rc && $rc eq '-1' ? -1 : 'ok'), @w ];
}
output(\@out);
PERL
my @dn = ([ dn => 'Total', '=Data!$A$1' ], [ dn => 'Data!Local', '=Data!$B$1' ], [ dn => "'My Sheet'!Local", '=1' ],
          [ dn => 'Nosuch!Local', '=1' ], [ dn => '1abc', '=1' ], [ dn => 'a b', '=1' ], [ dn => 'AB12', '=1' ],
          [ dn => 'R1C1', '=1' ], [ dn => 'r', '=1' ], [ dn => '_ok.name', '=1' ],
          [ sp => [ title => 'T', author => 'A' ] ], [ sp => [ colour => 'x' ] ], [ sp => [] ]);
my $ndn = native($dn, \@dn);
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
$wb->add_worksheet('Data');
$wb->add_worksheet('My Sheet');
for my $i (0 .. $#dn) {
    my $c = $dn[$i];
    my @w;
    local $SIG{__WARN__} = sub { (my $m = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $m };
    my $rc = $c->[0] eq 'dn' ? $wb->define_name($c->[1], $c->[2]) : $wb->set_properties(@{ $c->[1] });
    is_deeply([ (defined $rc && $rc eq '-1' ? -1 : 'ok'), @w ], $ndn->[$i], "$c->[0] " . (ref $c->[1] ? "@{ $c->[1] }" : $c->[1]));
}
$wb->close;
is_deeply([ map { $_->[2] } grep { $_->[1] eq 'define_name' } sent_ops() ],
          [ { name => 'Total', formula => 'Data!$A$1' }, { name => 'Data!Local', formula => 'Data!$B$1' },
            { name => "'My Sheet'!Local", formula => '1' }, { name => '_ok.name', formula => '1' } ],
          'define_name ops: formula without =, name as given');
is_deeply([ map { $_->[2] } grep { $_->[1] eq 'set_properties' } sent_ops() ], [ { title => 'T', author => 'A' } ], 'set_properties op');
is_deeply([ map { [ $_->[0], $_->[2]{name} ] } grep { $_->[1] eq 'add_worksheet' } sent_ops() ],
          [ [ -1, 'Data' ], [ -1, 'My Sheet' ] ], 'add_worksheet ops');

done_testing;
