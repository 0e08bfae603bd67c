#!/usr/bin/perl
# Format objects against native ones: after the same constructor properties and set_* calls,
# every field the native object has must hold the same value; colours must resolve through the
# same palette (set_custom_color included); and what close sends must say the same.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/unit_helper.pl" }
use Excel::Writer::XLSX;
our (@LOG, %ANSWER);

plan skip_all => 'native Excel::Writer::XLSX not installed' unless have_native();

my @colors = (qw(black white red lime blue yellow magenta cyan brown fuchsia gray grey green navy
                 orange pink purple silver aqua RED Gray), '#ff8800', '#ABCDEF', '#abc', 'ff8800',
              0, 1, 7, 8, 9, 22, 40, 63, 64, 100, -1, '12abc', undef);
my @cases = (
    [ props => [ bold => 1, italic => 1, underline => 2, font => 'Arial', size => 14, color => 'red' ] ],
    [ props => [ bg_color => 'gray', pattern => 1, border => 2, border_color => 'blue' ] ],
    [ props => [ align => 'center', valign => 'vcenter', text_wrap => 1, rotation => 45, indent => 2 ] ],
    [ props => [ num_format => '0.00%', locked => 0, hidden => 1, shrink => 1 ] ],
    [ props => [ num_format => 14 ] ], [ props => [ num_format => 0 ] ], [ props => [ num_format => '00' ] ],
    [ props => [ -bold => 1, -color => 'blue' ] ],
    [ props => [ font_strikeout => 1, font_script => 1, underline => 33 ] ],
    [ props => [ align => 'justify_distributed' ] ], [ props => [ align => 'centre_across' ] ],
    [ props => [ align => 'top' ] ], [ props => [ align => 5 ] ], [ props => [ align => 'nowhere' ] ],
    [ props => [ left => 1, right => 2, top => 5, bottom => 13, left_color => 10, right_color => '#112233' ] ],
    [ calls => [ [ 'set_bold' ], [ 'set_italic' ], [ 'set_underline' ], [ 'set_color', 'green' ], [ 'set_size', 9 ] ] ],
    [ calls => [ [ 'set_bold', 0 ], [ 'set_border' ], [ 'set_align', 'right' ], [ 'set_valign', 'bottom' ] ] ],
    [ calls => [ [ 'set_rotation', -45 ] ] ], [ calls => [ [ 'set_rotation', 270 ] ] ],
    [ calls => [ [ 'set_rotation', 'abc' ] ] ], [ calls => [ [ 'set_rotation', 120 ] ] ],
    [ calls => [ [ 'set_center_across' ], [ 'set_text_wrap' ], [ 'set_fg_color', 'yellow' ], [ 'set_pattern', 4 ] ] ],
    [ calls => [ [ 'set_num_format', '#,##0' ], [ 'set_locked', 0 ], [ 'set_hidden' ] ] ],
    [ calls => [ [ 'set_format_properties', bold => 1, color => 'navy' ] ] ],
    [ calls => [ [ 'set_properties', italic => 1 ] ] ],
    (map { [ calls => [ [ 'set_color', $_ ], [ 'set_bg_color', $_ ], [ 'set_border_color', $_ ] ] ] } @colors),
);

my $code = <<'PERL';
my @out;
for my $case (@{ input() }) {
    my $wb = Excel::Writer::XLSX->new('/dev/null');
    my @w;
    local $SIG{__WARN__} = sub { (my $m = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $m };
    my ($kind, $list) = @$case;
    my $f = $kind eq 'props' ? $wb->add_format(@$list) : $wb->add_format;
    if ($kind eq 'calls') { for my $c (@$list) { my ($m, @a) = @$c; $f->$m(@a) } }
    my %h = map { $_ => $f->{$_} } grep { !/_indices$|^_palette$/ } keys %$f;
    push @out, { fields => \%h, warnings => \@w };
}
output(\@out);
PERL
my $native = native($code, \@cases);

for my $i (0 .. $#cases) {
    my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
    my @w;
    local $SIG{__WARN__} = sub { (my $m = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $m };
    my ($kind, $list) = @{ $cases[$i] };
    my $f = $kind eq 'props' ? $wb->add_format(@$list) : $wb->add_format;
    if ($kind eq 'calls') { for my $c (@$list) { my ($m, @a) = @$c; $f->$m(@a) } }
    my %h = map { $_ => $f->{$_} } grep { $_ ne '_id' } keys %$f;
    my $mine = JSON::PP->new->utf8->decode(JSON::PP->new->utf8->encode({ fields => \%h, warnings => \@w }));
    my $label = JSON::PP->new->canonical->allow_nonref->encode($list);
    is_deeply($mine, $native->[$i], "format $kind $label");
    $wb->close;
}

# Unknown properties and methods die as natively.
my $wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
ok(!eval { $wb->add_format(colour => 'red'); 1 }, 'unknown property');
is($@, "Unknown method: Excel::Writer::XLSX::Format::set_colour\n", '... native message');
ok(!eval { $wb->add_format->set_font_color('red'); 1 }, 'unknown set_ method');
is($@, "Unknown method: Excel::Writer::XLSX::Format::set_font_color\n", '... native message');

# copy(): everything but the identity.
my $a = $wb->add_format(bold => 1, color => 'red');
my $b = $wb->add_format;
$b->copy($a);
$b->set_italic;
is($b->{_bold}, 1, 'copy copies');
ok(!$a->{_italic}, 'copy is a copy');
isnt($b->{_id}, $a->{_id}, 'copy keeps its own id');
$wb->close;

# Palette: the default one and set_custom_color, against native's.
my $pal = native(<<'PERL', [ [ 40, '#FF7F50' ], [ 10, 1, 2, 3 ], [ 7, 1, 1, 1 ], [ 64, 255, 255, 255 ], [ 20, 300, 0, 0 ] ]);
my $wb = Excel::Writer::XLSX->new('/dev/null');
my @w;
local $SIG{__WARN__} = sub { (my $m = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $m };
my @rc = map { $wb->set_custom_color(@$_) } @{ input() };
output({ rc => \@rc, warnings => \@w, palette => [ map { sprintf '#%02X%02X%02X', @$_[0 .. 2] } @{ $wb->{_palette} } ] });
PERL
is_deeply([ map { sprintf '#%02X%02X%02X', @$_ } @Excel::Writer::XLSX::Format::PALETTE ],
          [ @{ native('my $wb = Excel::Writer::XLSX->new("/dev/null"); output([ map { sprintf "#%02X%02X%02X", @$_[0 .. 2] } @{ $wb->{_palette} } ])') } ],
          'default palette');
@LOG = ();
$wb = Excel::Writer::XLSX->new('/tmp/never-written.xlsx');
{
    my @w;
    local $SIG{__WARN__} = sub { (my $m = $_[0]) =~ s/ at \S+ line \d+\.?\n//; push @w, $m };
    my @rc = map { $wb->set_custom_color(@$_) } [ 40, '#FF7F50' ], [ 10, 1, 2, 3 ], [ 7, 1, 1, 1 ], [ 64, 255, 255, 255 ], [ 20, 300, 0, 0 ];
    is_deeply(\@rc, $pal->{rc}, 'set_custom_color returns');
    is_deeply(\@w, $pal->{warnings}, 'set_custom_color warnings');
}
# The wire: close sends resolved colours (through the custom palette) and the native names.
my $f1 = $wb->add_format(color => 40, bg_color => 'red', bold => 1, align => 'center', valign => 'top',
                         num_format => '0.0', border => 1, underline => 1, size => 12, font => 'Arial');
my $f2 = $wb->add_format(num_format => 3, locked => 0, color => '#aabbcc', rotation => -30);
my $f3 = $wb->add_format;
$wb->add_worksheet->write(0, 0, 1, $f1);
$wb->close;
my ($close) = grep { $_->[0] eq 'close' } @LOG;
my @p = @{ $pal->{palette} };
is_deeply($close->[1]{formats}, {
    1 => { color => $p[32], bg_color => '#010203', bold => 1, align => 'center', valign => 'top',
           num_format => '0.0', bottom => 1, top => 1, left => 1, right => 1, underline => 1, size => 12, font => 'Arial' },
    2 => { num_format => 3, locked => 0, color => '#AABBCC', rotation => 120 },
    3 => {},
}, 'formats at close');
is($p[32], '#FF7F50', 'custom colour 40');

done_testing;
