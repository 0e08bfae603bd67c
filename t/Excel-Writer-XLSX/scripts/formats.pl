# Every format property family, through constructor properties and set_* methods.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('formats.xlsx') or die;
my $ws = $wb->add_worksheet('Formats');
my @fmt = (
    [font => { font => 'Arial', size => 14 }],
    [bold_italic => { bold => 1, italic => 1 }],
    [underline1 => { underline => 1 }], [underline2 => { underline => 2 }],
    [underline33 => { underline => 33 }], [underline34 => { underline => 34 }],
    [strike => { font_strikeout => 1 }], [super => { font_script => 1 }], [sub => { font_script => 2 }],
    [color_name => { color => 'red' }], [color_hex => { color => '#12AB34' }], [color_index => { color => 10 }],
    [bg_only => { bg_color => 'yellow' }], [fg_only => { fg_color => 'green' }],
    [pattern => { pattern => 5, fg_color => 'blue', bg_color => 'silver' }],
    [pattern_only => { pattern => 1 }],
    [border => { border => 2 }], [border_color => { border => 5, border_color => 'red' }],
    [sides => { top => 1, bottom => 6, left => 7, right => 13, top_color => 'blue', bottom_color => '#FF8800',
                left_color => 'magenta', right_color => 'cyan' }],
    [diag => { diag_type => 3, diag_border => 4, diag_color => 'orange' }],
    (map { ["align_$_" => { align => $_ }] } qw(left center right fill justify center_across distributed)),
    (map { ["valign_$_" => { valign => $_ }] } qw(top vcenter bottom vjustify vdistributed)),
    [wrap => { text_wrap => 1 }], [indent => { indent => 2 }], [rot45 => { rotation => 45 }],
    [rotm30 => { rotation => -30 }], [rot270 => { rotation => 270 }], [shrink => { shrink => 1 }],
    [nf_str => { num_format => '#,##0.00' }], [nf_idx => { num_format => 4 }],
    [nf_date => { num_format => 'yyyy-mm-dd hh:mm' }], [nf_pct => { num_format => 10 }],
    [nf_text => { num_format => '@' }], [nf_cur => { num_format => '[$€-407] #,##0.00;[Red]-#,##0.00' }],
    [nf_zero => { num_format => 0 }], [nf_general => { num_format => 'General' }], [nf_0 => { num_format => '0' }],
    [unlocked => { locked => 0 }], [hidden => { hidden => 1 }],
    [colors_all => { color => 'white', bg_color => 'navy', border => 1, border_color => 'gray' }],
    [named => { color => 'brown' }], [named2 => { color => 'lime' }], [named3 => { color => 'purple' }],
    [named4 => { bg_color => 'pink' }],
);
my $r = 0;
for my $f (@fmt) {
    my ($name, $props) = @$f;
    my $format = $wb->add_format(%$props);
    $ws->write($r, 0, $name);
    $ws->write($r, 1, 1234.5678, $format);
    $ws->write($r, 2, 'Text value', $format);
    $r++;
}
# The same looks built with set_* methods (and a change after use: the state at close counts).
my $m = $wb->add_format();
$m->set_bold; $m->set_italic; $m->set_underline(); $m->set_font_strikeout;
$m->set_font('Courier New'); $m->set_size(9); $m->set_color('blue');
$m->set_bg_color('#DDEEFF'); $m->set_pattern(1); $m->set_border(1); $m->set_bottom(2);
$m->set_border_color('green'); $m->set_align('right'); $m->set_align('vcenter'); $m->set_text_wrap;
$m->set_num_format('0.000'); $m->set_locked(0); $m->set_hidden(1); $m->set_indent(1);
$ws->write($r, 0, 'set_methods');
$ws->write($r, 1, 3.14159, $m);
$m->set_rotation(90);
$m->set_font_outline; $m->set_font_shadow;
$r++;
my $copy = $wb->add_format();
$copy->copy($m);
$copy->set_bold(0);
$ws->write($r, 0, 'copy');
$ws->write($r, 1, 2.5, $copy);
# set_properties on a format.
my $p = $wb->add_format();
$p->set_format_properties(bold => 1, color => 'red', num_format => '0%');
$ws->write($r + 1, 0, 'set_format_properties');
$ws->write($r + 1, 1, 0.25, $p);
$wb->close;
print "formats: ", scalar(@fmt), "\n";
