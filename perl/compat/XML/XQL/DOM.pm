package XML::XQL::DOM;

# CPAN Bridge: with XML::XQL, this adds xql() to XML::DOM's nodes; the XML::DOM drop-in has it
# already, so loading this only makes sure both are there.
use strict;
use warnings;
require XML::XQL;

1;
