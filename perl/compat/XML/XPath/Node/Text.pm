package XML::XPath::Node::Text;

# Defined in XML/XPath/Node.pm with the other node classes; this file lets scripts `use` it.

use strict;
use warnings;
use XML::XPath::Node ();

1;
