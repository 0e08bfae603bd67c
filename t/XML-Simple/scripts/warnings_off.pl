#!/usr/bin/perl
# No `use warnings`: XML::Simple's folding warnings and XMLout's undef warning stay silent.
use strict;
use FindBin ();
use XML::Simple;
do "$FindBin::Bin/common.pl" or die $@ || $!;

case('non-unique, warnings off', sub { XMLin('<r><u name="a" v="1"/><u name="a" v="2"/></r>') });
case('missing key, warnings off', sub { XMLin('<r><u n="a"/><u m="b"/></r>', KeyAttr => { u => 'n' }) });
case('undef value, warnings off', sub { XMLout({ a => undef }) });
