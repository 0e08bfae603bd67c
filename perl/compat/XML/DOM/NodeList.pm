package XML::DOM::NodeList;

# CPAN Bridge: XML::DOM ships this class in a file of its own, so scripts may `use` it; here it
# lives in XML/DOM.pm with the rest of the DOM.
use strict;
use warnings;
require XML::DOM;

1;
