#!/usr/bin/perl
# XMLout over structures and options, and round trips through XMLin.
use strict;
use warnings;
use FindBin ();
use XML::Simple;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

my %data = (
    config => { logdir => '/var/log', debug => 0, server => { alpha => { osname => 'linux', address => ['10.0.0.1', '10.0.0.2'] },
                                                              beta => { osname => 'aix', address => '10.0.1.1' } } },
    list => { item => [ 'one', 'two', 'three' ] },
    nested_arrays => { row => [ [ 1, 2 ], [ 3, 4 ] ] },
    escapes => { text => 'a < b & c > d "q" \'s\'', attr => '<&>"' },
    content => { v => { unit => 'kg', content => '12' }, w => 'plain' },
    unicode => { name => "J\x{fc}rgen", city => "\x{6771}\x{4eac}", smile => "\x{263a}", emoji => "\x{1F600}" },
    latin1_bytes => { name => "Fran\xe7ois" },
    empty => {},
    empty_values => { a => '', b => {}, c => [] },
    undef_values => { a => undef, b => 'x', content => undef },
    keyed => { user => { alice => { uid => 1001 }, bob => { uid => 1002, group => 'wheel' } } },
    keyed_mixed => { user => { alice => { uid => 1001 }, bob => 'not a hash' } },
    with_dash => { '-hidden' => 'x', shown => 'y' },
    top_array => [ { a => 1 }, { a => 2 } ],
    deep => { a => { b => { c => { d => 'deep' } } } },
    numbers => { int => 42, float => 3.14, neg => -1, big => 1e20, small => 0.1 + 0.2, str => '007' },
    order => { zeta => 1, alpha => 2, name => 'n', key => 'k', id => 'i', Mid => 3, '_u' => 4 },
    scalar => 'just a string',
    attr_newline => { a => "line1\nline2", b => "tab\there" },
    blessed => bless({ a => 1, b => [ 2, 3 ] }, 'Some::Class'),
    arrays_of_hashes => { server => [ { name => 'a', ip => '1' }, { name => 'b', ip => '2' } ] },
    grouped => { searchpath => [ '/usr/bin', '/bin' ], other => 'x' },
    valueattr => { option => 'red', size => 10 },
    anon_key => { anon => [ 1, 2 ] },
    controls => { bell => "ring\x07", tab => "a\tb" },
    nul => { a => "nul\x00here", "k\x01" => 'x' },
);

my @sets = (
    [ 'defaults' ],
    [ 'RootName config', RootName => 'config' ],
    [ 'RootName undef', RootName => undef ],
    [ 'RootName empty', RootName => '' ],
    [ 'XMLDecl 1', XMLDecl => 1 ],
    [ 'XMLDecl string', XMLDecl => '<?xml version="1.0" encoding="UTF-8"?>' ],
    [ 'NoAttr', NoAttr => 1 ],
    [ 'KeyAttr empty', KeyAttr => [] ],
    [ 'KeyAttr list', KeyAttr => ['id'] ],
    [ 'KeyAttr hash', KeyAttr => { user => 'login', server => '+name' } ],
    [ 'KeepRoot', KeepRoot => 1 ],
    [ 'ContentKey text', ContentKey => 'text' ],
    [ 'ContentKey -content', ContentKey => '-content' ],
    [ 'NoEscape', NoEscape => 1 ],
    [ 'NoIndent', NoIndent => 1 ],
    [ 'AttrIndent', AttrIndent => 1 ],
    [ 'SuppressEmpty 1', SuppressEmpty => 1 ],
    [ 'SuppressEmpty undef', SuppressEmpty => undef ],
    [ 'SuppressEmpty empty', SuppressEmpty => '' ],
    [ 'NumericEscape 1', NumericEscape => 1 ],
    [ 'NumericEscape 2', NumericEscape => 2 ],
    [ 'GroupTags', GroupTags => { searchpath => 'dir' } ],
    [ 'ValueAttr', ValueAttr => { option => 'value', size => 'n' } ],
    [ 'NoIndent NoAttr KeyAttr empty', NoIndent => 1, NoAttr => 1, KeyAttr => [] ],
    [ 'KeepRoot XMLDecl NoAttr', KeepRoot => 1, XMLDecl => 1, NoAttr => 1 ],
);

for my $name (sort keys %data) {
    for my $set (@sets) {
        my ($label, @opt) = @$set;
        case("$name: $label", sub { XMLout($data{$name}, @opt) });
    }
}

# Round trips: a document in, back out, and in again.
for my $file (corpus_files()) {
    (my $short = $file) =~ s{.*/}{};
    case("round trip $short", sub { XMLout(XMLin($file)) });
    case("round trip KeepRoot $short", sub { XMLout(XMLin($file, KeepRoot => 1), KeepRoot => 1) });
    case("round trip back $short", sub { XMLin(XMLout(XMLin($file, ForceArray => 1, KeyAttr => []), KeyAttr => []), ForceArray => 1, KeyAttr => []) });
}

case('undef data', sub { XMLout(undef) });
case('circular', sub { my $h = { a => 1 }; $h->{self} = $h; XMLout($h) });
case('circular in array', sub { my $a = [1]; push @$a, $a; XMLout({ x => $a }) });
case('shared but not circular', sub { my $s = { v => 1 }; XMLout({ a => $s, b => $s }) });
case('scalar ref', sub { XMLout({ a => \'x' }) });
case('code ref', sub { XMLout({ a => sub { 1 } }) });
case('regexp', sub { XMLout({ a => qr/x/ }) });
case('top scalar ref', sub { XMLout(\'x') });
case('xml_out alias', sub { XML::Simple::xml_out({ a => 1 }) });

# What kind of string the text is: bytes from byte strings, characters once one is involved.
for my $data ({ a => 'ascii' }, { a => "caf\xe9" }, { a => "caf\x{e9}" }, { a => "\x{263a}" }, { "k\x{e9}" => 1 }) {
    case('string kind ' . join(',', map { sprintf '%vx', $_ } %$data), sub {
        my $xml = XMLout($data);
        (utf8::is_utf8($xml) ? 'characters' : 'bytes') . ' length ' . length($xml);
    });
}
