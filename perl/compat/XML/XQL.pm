package XML::XQL;

# CPAN Bridge stand-in for XML::XQL (0.68), as far as scripts use it with XML::DOM: loading it
# (`use XML::XQL; use XML::XQL::DOM;`) and its queries, which the XML::DOM drop-in answers as
# XPath 1.0 in the daemon ($node->xql; docs/xml.md lists the XQL it refuses). Core Perl only.

use strict;
use warnings;
use Carp ();
require XML::DOM;

our $VERSION = '0.68';

# XML::XQL::solve($query, @context_nodes): the results from every context, in order.
sub solve {
    my ($query, @contexts) = @_;
    return map { $_->xql($query) } @contexts;
}

package XML::XQL::Query;

# XML::XQL::Query->new(Expr => $query), then ->solve(@context_nodes).
sub new {
    my ($class, %args) = @_;
    Carp::croak('XML::XQL::Query->new: Expr is required') unless defined $args{Expr};
    return bless { Expr => $args{Expr} }, $class;
}

sub solve {
    my ($self, @contexts) = @_;
    return XML::XQL::solve($self->{Expr}, @contexts);
}

sub toString { $_[0]{Expr} }

sub dispose { }

1;
