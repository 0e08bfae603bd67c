package XML::XPath::Literal;

# An XPath string result; stringifies to its value, compares with cmp.

use strict;
use warnings;
use XML::XPath::Boolean ();
use XML::XPath::Number ();

our $VERSION = '1.48';

use overload
    '""'       => \&value,
    'fallback' => 1,
    'cmp'      => \&cmp;

sub new { my ($class, $string) = @_; return bless \$string, $class }

sub as_string { my $s = ${ $_[0] }; $s =~ s/'/&apos;/g; return "'$s'" }
sub as_xml { return "<Literal>${ $_[0] }</Literal>\n" }
sub value { ${ $_[0] } }

sub cmp {
    my ($self, $other, $swap) = @_;
    return $swap ? $other cmp $$self : $$self cmp $other;
}

sub evaluate { $_[0] }
sub to_boolean { length(${ $_[0] }) > 0 ? XML::XPath::Boolean->True : XML::XPath::Boolean->False }
sub to_number { XML::XPath::Number->new($_[0]->value) }
sub to_literal { $_[0] }
sub string_value { $_[0]->value }

1;
