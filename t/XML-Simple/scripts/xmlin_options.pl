#!/usr/bin/perl
# Every corpus document through XMLin with each option set, one by one and in the combinations
# real scripts use.
use strict;
use warnings;
use FindBin ();
use XML::Simple;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

my @sets = (
    [ 'defaults' ],
    [ 'KeepRoot', KeepRoot => 1 ],
    [ 'KeepRoot 0', KeepRoot => 0 ],
    [ 'ForceArray 1', ForceArray => 1 ],
    [ 'ForceArray list', ForceArray => [qw(server item user address person Description para rec)] ],
    [ 'ForceArray regex', ForceArray => [qr/^(?:s|t:)/, 'item'] ],
    [ 'ForceArray regex i', ForceArray => qr/^D/i ],
    [ 'KeyAttr empty', KeyAttr => [] ],
    [ 'KeyAttr scalar', KeyAttr => 'name' ],
    [ 'KeyAttr list', KeyAttr => [qw(id name)] ],
    [ 'KeyAttr hash', KeyAttr => { server => 'name', user => '+name', disk => '-id', item => 'name', person => 'name' } ],
    [ 'ForceArray 1 KeyAttr empty', ForceArray => 1, KeyAttr => [] ],
    [ 'ForceArray 1 KeyAttr hash', ForceArray => 1, KeyAttr => { server => 'name', db => 'id' } ],
    [ 'ForceContent', ForceContent => 1 ],
    [ 'ContentKey text', ContentKey => 'text' ],
    [ 'ContentKey -content', ContentKey => '-content' ],
    [ 'ContentKey -value ForceContent', ContentKey => '-value', ForceContent => 1 ],
    [ 'SuppressEmpty 1', SuppressEmpty => 1 ],
    [ 'SuppressEmpty empty string', SuppressEmpty => '' ],
    [ 'SuppressEmpty undef', SuppressEmpty => undef ],
    [ 'SuppressEmpty 0', SuppressEmpty => 0 ],
    [ 'NoAttr', NoAttr => 1 ],
    [ 'NormaliseSpace 1', NormaliseSpace => 1 ],
    [ 'NormaliseSpace 2', NormaliseSpace => 2 ],
    [ 'NormalizeSpace 2', normalize_space => 2 ],
    [ 'GroupTags', GroupTags => { searchpath => 'dir', users => 'user', colors => 'color', settings => 'option', Description => 'Description' } ],
    [ 'ValueAttr list', ValueAttr => ['value'] ],
    [ 'ValueAttr hash', ValueAttr => { option => 'value', single => 'value' } ],
    [ 'VarAttr', VarAttr => 'xsvar' ],
    [ 'Variables', Variables => { HOME_DIR => '/home/batch', prefix => '/opt' } ],
    [ 'VarAttr Variables', VarAttr => 'xsvar', Variables => { HOME_DIR => '/home/batch' } ],
    [ 'legacy KeepRoot 0 ForceArray 0', KeepRoot => 0, ForceArray => 0 ],
    [ 'mixed case names', forcearray => ['server'], Key_Attr => [], keeproot => 1 ],
    [ 'everything', ForceArray => 1, KeyAttr => { server => 'name' }, ContentKey => '-content', SuppressEmpty => '',
      NormaliseSpace => 2, GroupTags => { searchpath => 'dir' } ],
);

for my $file (corpus_files()) {
    (my $short = $file) =~ s{.*/}{};
    for my $set (@sets) {
        my ($label, @opt) = @$set;
        case("$short: $label", sub { XMLin($file, @opt) });
    }
}
