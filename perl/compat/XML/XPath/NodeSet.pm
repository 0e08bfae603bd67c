package XML::XPath::NodeSet;

# A list of nodes, with XML::XPath's overloading: "" is the concatenated text of all nodes, the
# string comparisons give the first node's text, the numeric ones its number, bool its size.

use strict;
use warnings;
use XML::XPath::Boolean ();

our $VERSION = '1.48';

use overload
    '""'   => \&to_literal,
    'eq'   => \&string_value,
    'ne'   => \&string_value,
    'lt'   => \&string_value,
    'le'   => \&string_value,
    'gt'   => \&string_value,
    'ge'   => \&string_value,
    'bool' => \&to_boolean,
    '=='   => \&to_number,
    '!='   => \&to_number,
    '>'    => \&to_number,
    '<'    => \&to_number,
    '>='   => \&to_number,
    '<='   => \&to_number;

sub new { my $class = shift; return bless [], $class }

# The daemon answers in document order without duplicates already.
sub sort { my $self = CORE::shift; $self->remove_duplicates; return $self }

sub remove_duplicates {
    my $self = CORE::shift;
    my %seen;
    @$self = grep { !$_->{i} || !$seen{ $_->{i} }++ } @$self;
    return $self;
}

sub pop      { my $self = CORE::shift; CORE::pop @$self }
sub push     { my $self = CORE::shift; CORE::push @$self, @_ }
sub append   { my $self = CORE::shift; CORE::push @$self, $_[0]->get_nodelist }
sub shift    { my $self = CORE::shift; CORE::shift @$self }
sub unshift  { my $self = CORE::shift; CORE::unshift @$self, @_ }
sub prepend  { my $self = CORE::shift; CORE::unshift @$self, $_[0]->get_nodelist }
sub size     { my $self = CORE::shift; scalar @$self }
sub get_node { my ($self, $pos) = @_; $self->[$pos - 1] }
sub getRootNode { my $self = CORE::shift; $self->[0]->getRootNode }
sub get_nodelist { my $self = CORE::shift; @$self }

sub to_boolean {
    my $self = CORE::shift;
    return @$self > 0 ? XML::XPath::Boolean->True : XML::XPath::Boolean->False;
}

sub string_value {
    my $self = CORE::shift;
    return '' unless @$self;
    return $self->[0]->string_value;
}

sub to_literal {
    my $self = CORE::shift;
    XML::XPath::Node::_prefetch('string_value', grep { $_->isElementNode } @$self);
    return XML::XPath::Literal->new(join '', map { $_->string_value } @$self);
}

sub to_number {
    my $self = CORE::shift;
    return XML::XPath::Number->new($self->to_literal);
}

1;
