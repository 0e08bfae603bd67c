#!/usr/bin/perl
# Folding warnings (carped when warnings are on) and the option croaks.
use strict;
use warnings;
use FindBin ();
use XML::Simple;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

case('non-unique name', sub { XMLin('<r><u name="a" v="1"/><u name="a" v="2"/></r>') });
case('non-unique with hash KeyAttr', sub { XMLin('<r><u n="a"/><u n="a"/></r>', KeyAttr => { u => 'n' }) });
case('missing key attr with hash KeyAttr', sub { XMLin('<r><u n="a"/><u m="b"/></r>', KeyAttr => { u => 'n' }) });
case('non-scalar key default list', sub { XMLin('<r><u><name>a</name></u><u><name>b</name><name>c</name></u></r>') });
case('non-scalar key custom list', sub { XMLin('<r><u><id>a</id><id>z</id></u><u><id>b</id></u></r>', KeyAttr => ['id']) });
case('non-scalar key hash', sub { XMLin('<r><u><n>a</n><n>x</n></u><u><n>b</n></u></r>', KeyAttr => { u => 'n' }) });
case('NormaliseSpace 1 collision', sub { XMLin('<r><u name=" a"/><u name="a "/></r>', NormaliseSpace => 1) });
case('Unrecognised option', sub { XMLin('<r/>', Bogus => 1) });
case('odd options', sub { XMLin('<r/>', 'KeyAttr') });
case('XMLout option in XMLin', sub { XMLin('<r/>', RootName => 'x') });
case('XMLin option in XMLout', sub { XMLout({ a => 1 }, ForceArray => 1) });
case('GroupTags not a hash', sub { XMLin('<r/>', GroupTags => ['a']) });
case('GroupTags same name', sub { XMLin('<r/>', GroupTags => { a => 'a' }) });
case('Variables not a hash', sub { XMLin('<r/>', Variables => 'x') });
case('bad cache scheme', sub { XMLin('<r/>', Cache => 'nowhere') });
case('cache storable accepted', sub { XMLin("$CORPUS/anon.xml", Cache => 'memcopy') });
case('new odd', sub { XML::Simple->new('a') });
case('new unknown', sub { XML::Simple->new(Nope => 1) });
case('XMLout no args', sub { XMLout() });
{
    no warnings;
    case('warnings off: no carp', sub { XMLin('<r><u name="a" v="1"/><u name="a" v="2"/></r>') });
}
