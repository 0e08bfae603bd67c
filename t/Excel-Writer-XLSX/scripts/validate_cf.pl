# Data validation and conditional formats.
use strict;
use warnings;
use Excel::Writer::XLSX;

my $wb = Excel::Writer::XLSX->new('rules.xlsx') or die;
my $ws = $wb->add_worksheet('Rules');
$ws->write_col('A1', [1, 5, 10, 15, 20, 25, 30]);
my $red = $wb->add_format(color => '#9C0006', bg_color => '#FFC7CE');
my $green = $wb->add_format(color => '#006100', bg_color => '#C6EFCE', bold => 1);

my @dv = (
    ['B1', { validate => 'integer', criteria => 'between', minimum => 1, maximum => 10 }],
    ['B2', { validate => 'decimal', criteria => '>', value => 0.5, error_title => 'Bad', error_message => 'Too small' }],
    ['B3', { validate => 'list', source => ['open', 'high', 'close'] }],
    ['B4', { validate => 'list', source => '=$A$1:$A$7', input_title => 'Pick', input_message => 'From column A' }],
    ['B5', { validate => 'date', criteria => '>=', value => '2026-01-01T' }],
    ['B6', { validate => 'length', criteria => '<=', value => 8, error_type => 'warning' }],
    ['B7', { validate => 'custom', value => '=A7>10', ignore_blank => 0 }],
    ['B8:B12', { validate => 'any', input_message => 'anything' }],
    ['C1:C5', { validate => 'time', criteria => 'between', minimum => 'T09:00', maximum => 'T17:30', show_error => 0 }],
);
for my $d (@dv) { print "dv $d->[0]: ", $ws->data_validation($d->[0], $d->[1]), "\n" }

my @cf = (
    ['A1:A7', { type => 'cell', criteria => '>=', value => 20, format => $red }],
    ['A1:A7', { type => 'cell', criteria => 'between', minimum => 2, maximum => 12, format => $green }],
    ['A1:A7', { type => 'top', value => 2, format => $green }],
    ['A1:A7', { type => 'average', criteria => 'below', format => $red }],
    ['A1:A7', { type => 'duplicate', format => $red }],
    ['A1:A7', { type => '3_color_scale' }],
    ['A1:A7', { type => '2_color_scale', min_color => '#FF0000', max_color => '#00FF00' }],
    ['A1:A7', { type => 'data_bar' }],
    ['B1:B7', { type => 'text', criteria => 'containing', value => 'op', format => $green }],
    ['B1:B7', { type => 'formula', criteria => '=$A1>10', format => $red }],
    ['B1:B7', { type => 'blanks', format => $red }],
    ['C1:C7', { type => 'time_period', criteria => 'yesterday', format => $red }],
    ['C1:C7', { type => 'icon_set', icon_style => '3_traffic_lights' }],
);
for my $c (@cf) { print "cf $c->[0] $c->[1]{type}: ", $ws->conditional_formatting($c->[0], $c->[1]), "\n" }
$wb->close;
print "ok\n";
