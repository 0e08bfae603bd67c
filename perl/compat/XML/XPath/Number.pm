package XML::XPath::Number;

# An XPath number. Like XML::XPath, only what looks like a plain decimal is kept; anything else
# (NaN, infinities, exponents) is undef. The daemon sends numbers as JSON numbers, so Perl's own
# stringification gives the text the native module prints.

use strict;
use warnings;
use XML::XPath::Boolean ();
use XML::XPath::Literal ();

our $VERSION = '1.48';

use overload
    '""'  => \&value,
    '0+'  => \&value,
    '<=>' => \&cmp;

sub new {
    my ($class, $number) = @_;
    if (!defined $number || $number !~ /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/) {
        $number = undef;
    }
    else {
        $number =~ s/^\s*(.*)\s*$/$1/;
    }
    return bless \$number, $class;
}

sub as_string { defined ${ $_[0] } ? ${ $_[0] } : 'NaN' }
sub as_xml { "<Number>" . (defined ${ $_[0] } ? ${ $_[0] } : 'NaN') . "</Number>\n" }
sub value { ${ $_[0] } }

sub cmp {
    my ($self, $other, $swap) = @_;
    return $swap ? $other <=> $$self : $$self <=> $other;
}

sub evaluate { $_[0] }
sub to_boolean { ${ $_[0] } ? XML::XPath::Boolean->True : XML::XPath::Boolean->False }
sub to_literal { XML::XPath::Literal->new($_[0]->as_string) }
sub to_number { $_[0] }
sub string_value { $_[0]->value }

1;
