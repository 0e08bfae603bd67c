package XML::XPath::XMLParser;

# XML::XPath::XMLParser as scripts use it: as_string($node), and parse/parsefile giving the root
# node of a document (to hand to XML::XPath->new(context => $root)). The daemon parses.

use strict;
use warnings;

our $VERSION = '1.48';

sub new {
    my ($proto, %args) = @_;
    my $class = ref($proto) || $proto;
    return bless { map { ("_$_" => $args{$_}) } qw(filename xml parser ioref) }, $class;
}

sub parse {
    my ($self, $xml) = @_;
    $self->{_xml} = $xml if $xml;
    require XML::XPath;
    my %source = $self->{_filename} ? (filename => $self->{_filename})
               : defined $self->{_xml} && length $self->{_xml} ? (xml => $self->{_xml})
               : (ioref => $self->{_ioref});
    return XML::XPath->new(%source)->_root;
}

sub parsefile {
    my ($self, $filename) = @_;
    $self->{_filename} = $filename;
    return $self->parse;
}

sub as_string { $_[0]->toString }

sub get_parser   { $_[0]->{_parser} }
sub get_filename { $_[0]->{_filename} }
sub get_xml      { $_[0]->{_xml} }
sub get_ioref    { $_[0]->{_ioref} }
sub set_parser   { $_[0]->{_parser} = $_[1] }
sub set_filename { $_[0]->{_filename} = $_[1] }
sub set_xml      { $_[0]->{_xml} = $_[1] }
sub set_ioref    { $_[0]->{_ioref} = $_[1] }

1;
