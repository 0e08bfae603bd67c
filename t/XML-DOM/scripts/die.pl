#!/usr/bin/perl
# A script that does not catch the parse error: its stderr and exit status.
use strict;
use warnings;
use XML::DOM;

my $doc = XML::DOM::Parser->new->parsefile($ARGV[0]);
print $doc->toString;
