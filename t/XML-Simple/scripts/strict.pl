#!/usr/bin/perl
# use XML::Simple qw(:strict): ForceArray and KeyAttr are required, folding problems are fatal.
use strict;
use warnings;
use FindBin ();
use XML::Simple qw(:strict);
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

case('no ForceArray', sub { XMLin('<r><a>1</a></r>', KeyAttr => []) });
case('no KeyAttr', sub { XMLin('<r><a>1</a></r>', ForceArray => 0) });
case('both given', sub { XMLin('<r><a>1</a><a>2</a></r>', ForceArray => 0, KeyAttr => []) });
case('KeyAttr hash not in ForceArray', sub { XMLin('<r/>', ForceArray => ['b'], KeyAttr => { a => 'id' }) });
case('KeyAttr hash in ForceArray', sub { XMLin('<r><a id="1"/><a id="2"/></r>', ForceArray => ['a'], KeyAttr => { a => 'id' }) });
case('KeyAttr hash ForceArray 1', sub { XMLin('<r><a id="1"/></r>', ForceArray => 1, KeyAttr => { a => 'id' }) });
case('missing key is fatal', sub { XMLin('<r><a id="1"/><a x="2"/></r>', ForceArray => ['a'], KeyAttr => { a => 'id' }) });
case('non-unique is fatal', sub { XMLin('<r><a id="1"/><a id="1"/></r>', ForceArray => 1, KeyAttr => ['id']) });
case('XMLout needs KeyAttr', sub { XMLout({ a => 1 }) });
case('XMLout with KeyAttr', sub { XMLout({ a => 1 }, KeyAttr => []) });
case('StrictMode 0 overrides', sub { XMLin('<r><a>1</a></r>', StrictMode => 0) });
case('OO strict', sub { XML::Simple->new->XMLin('<r/>') });
# The exact name 'strictmode': with 'StrictMode', XML::Simple->new also sets 'strictmode' from
# :strict and hash order picks the winner, natively too.
case('OO strictmode 0', sub { XML::Simple->new(strictmode => 0)->XMLin('<r><a>x</a></r>') });
case('fatal folding, then a parse error', sub { XMLin('<r><a id="1"/><a id="1"/></r><junk/>', ForceArray => 1, KeyAttr => ['id']) });
case('fatal folding in two places: the first', sub {
    XMLin('<r><b><a id="1"/><a id="1"/></b><c><a x="2"/><a x="3"/></c></r>', ForceArray => 1, KeyAttr => { a => 'id' }) });
