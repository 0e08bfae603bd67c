#!/usr/bin/perl -w
# -w without `use warnings`: warnings::enabled() follows $^W, so XML::Simple carps.
use strict;
use FindBin ();
use XML::Simple;
do "$FindBin::Bin/common.pl" or die $@ || $!;

case('non-unique, -w', sub { XMLin('<r><u name="a" v="1"/><u name="a" v="2"/></r>') });
case('undef value, -w', sub { XMLout({ a => undef }) });
