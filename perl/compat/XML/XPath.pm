package XML::XPath;

# Drop-in for XML::XPath 1.48 on hosts without CPAN: the document is parsed once by the cpanbridge
# daemon (module `xpath`, docs/protocol.md) and queried there with XPath 1.0; results come back as
# XML::XPath's own classes (NodeSet, Literal, Number, Boolean, nodes) with the same methods and
# overloading. Like the native module, the document is parsed at the first query, not in new().

use strict;
use warnings;

our $VERSION = '1.48';
our $Namespaces = 1;
our $ParseParamEnt = 1;
our $Debug = 0;
our $SafeMode = 0;

use Carp ();
use Cwd ();
use POSIX ();
use File::Spec ();
use XML::XPath::Node ();
use XML::XPath::NodeSet ();
use XML::XPath::Literal ();
use XML::XPath::Number ();
use XML::XPath::Boolean ();
use XML::XPath::XMLParser ();

my @OPTIONS = qw(filename parser xml ioref context);

sub new {
    my $proto = shift;
    my $class = ref($proto) || $proto;
    my %args;
    if (@_ == 1) {
        my $source = $_[0];
        if ($source =~ m{<.*?>}s) { $args{xml} = $source }
        elsif (ref $source)       { $args{ioref} = $source }
        elsif ($source eq '-')    { $args{ioref} = \*STDIN }
        else                      { $args{filename} = $source }
    }
    else {
        %args = ref($_[0]) eq 'HASH' ? %{ $_[0] } : @_;
    }
    if ($args{filename} && (!-e $args{filename} || !-r $args{filename})) {
        die "Cannot open file '$args{filename}'";
    }
    my %self = map { ("_$_" => $args{$_}) } @OPTIONS;
    $self{namespaces} = {};
    return bless \%self, $class;
}

# The parsed document: parsed on first use, as XML::XPath parses on the first find().
sub _root {
    my ($self) = @_;
    my $context = $self->{_context};
    return $context if defined $context;
    my $doc = XML::XPath::Document->parse($self);
    # as natively, the context kept is the parser's wrapped root, not the ElementImpl '/' gives
    $self->{_context} = XML::XPath::Node::_wrapper($doc->root);
    return $self->{_context};
}

sub _namespaces {
    my ($self) = @_;
    return %{ $self->{namespaces} } ? (namespaces => { %{ $self->{namespaces} } }) : ();
}

sub _query {
    my ($self, $path, $context, $want) = @_;
    $context = $self->_root unless defined $context;
    Carp::croak('XML::XPath: the context is not a node of a document parsed by XML::XPath')
        unless ref $context && UNIVERSAL::isa($context, 'XML::XPath::Node') && $context->{d};
    my $doc = $context->{d};
    # ids go as JSON numbers whatever Perl did to the scalar (JSON::XS sends a stringified one as a string)
    my $result = $doc->call('find', { path => "$path", context => 0 + $context->{i}, want => $want, $self->_namespaces });
    my $answer = $doc->result($result);
    # the native parent and ancestor axes hand out the nodes' unwrapped ...Impl objects
    if (ref $answer eq 'XML::XPath::NodeSet' && $path =~ m{(?:\.\.|\bparent::|\bancestor::)[^/]*\z}) {
        $_ = XML::XPath::Node::_impl($_) for @$answer;
    }
    return $answer;
}

sub find {
    my ($self, $path, $context) = @_;
    die "No path to find" unless $path;
    return $self->_query($path, $context, 'nodes');
}

sub findnodes {
    my ($self, $path, $context) = @_;
    my $results = $self->find($path, $context);
    if ($results->isa('XML::XPath::NodeSet')) {
        return wantarray ? $results->get_nodelist : $results;
    }
    return wantarray ? () : XML::XPath::NodeSet->new();
}

sub matches {
    my ($self, $node, $path, $context) = @_;
    my @nodes = $self->findnodes($path, $context);
    return 1 if grep { XML::XPath::Node::_same($node, $_) } @nodes;
    return;
}

sub findnodes_as_string {
    my ($self, $path, $context) = @_;
    die "No path to find" unless $path;
    my $results = $self->_query($path, $context, 'xml');
    return $results if !ref $results;
    return XML::XPath::Node::XMLescape($results->value);
}

sub findvalue {
    my ($self, $path, $context) = @_;
    die "No path to find" unless $path;
    return $self->_query($path, $context, 'value');
}

sub exists {
    my ($self, $path, $context) = @_;
    $path = '/' unless defined $path;
    die "No path to find" unless $path;
    my $size = $self->_query($path, $context, 'size');
    return ref $size ? 0 : $size ? 1 : 0;
}

sub getNodeAsXML {
    my ($self, $node_path) = @_;
    $node_path = '/' unless defined $node_path;
    return $node_path->toString if ref $node_path;
    return $self->findnodes_as_string($node_path);
}

sub getNodeText {
    my ($self, $node_path) = @_;
    return $node_path->string_value if ref $node_path;
    return $self->findvalue($node_path);
}

sub setNodeText {
    my ($self, $node_path, $new_text) = @_;
    my $root = $self->_root;
    my $r = $root->{d}->call('set_text', { path => "$node_path", text => defined $new_text ? "$new_text" : '', $self->_namespaces });
    $root->{d}->changed;
    return $r->{done} ? 1 : undef;
}

sub createNode {
    Carp::croak('XML::XPath::createNode is not supported by CPAN Bridge');
}

sub set_namespace {
    my ($self, $prefix, $expanded) = @_;
    $self->{namespaces}{$prefix} = $expanded;
}

sub clear_namespaces { $_[0]->{namespaces} = {} }

sub get_filename { $_[0]->{_filename} }
sub set_filename { $_[0]->{_filename} = $_[1] }
sub get_parser   { $_[0]->{_parser} }
sub set_parser   { $_[0]->{_parser} = $_[1] }
sub get_xml      { $_[0]->{_xml} }
sub set_xml      { $_[0]->{_xml} = $_[1] }
sub get_ioref    { $_[0]->{_ioref} }
sub set_ioref    { $_[0]->{_ioref} = $_[1] }
sub get_context  { $_[0]->{_context} }
sub set_context  { $_[0]->{_context} = $_[1] }

sub cleanup { }

# ---- the daemon's document ------------------------------------------------------------------

package XML::XPath::Document;

# One parsed document in the daemon. Nodes and the XML::XPath object hold it; the daemon's copy
# goes when the last of them does.

use strict;
use warnings;
use CPANBridge;

my $BRIDGE;
sub bridge { return $BRIDGE ||= CPANBridge->new }

sub parse {
    my ($class, $xp) = @_;
    my (%params, $bytes);
    if (defined(my $file = $xp->{_filename})) {
        $params{filename} = File::Spec->rel2abs($file);
    }
    elsif (defined $xp->{_xml} && length $xp->{_xml}) {
        $bytes = $xp->{_xml};
    }
    elsif (defined(my $fh = $xp->{_ioref})) {
        local $/;
        $bytes = <$fh>;
        $bytes = '' unless defined $bytes;
    }
    else {
        $bytes = '';
    }
    # a DOCTYPE's relative SYSTEM file is found from the working directory, as expat finds it
    $params{base} = Cwd::getcwd() if defined $bytes;
    if (defined $bytes && utf8::is_utf8($bytes)) {
        # expat reads Perl's internal bytes, which are UTF-8 for a character string
        utf8::encode($bytes);
    }
    my $r = bridge()->call('xpath', 'parse', \%params, defined $bytes ? { attachment => $bytes } : ());
    _fail($r) unless $r->{success};
    my $self = bless { h => $r->{result}{doc}, pid => $$, gen => 0 }, $class;
    $self->{root_desc} = $r->{result}{root};
    return $self;
}

sub root {
    my ($self) = @_;
    return XML::XPath::Node::_make($self, $self->{root_desc});
}

sub _fail {
    my ($r) = @_;
    my $e = $r->{error};
    $e = 'no answer from the cpanbridge daemon' unless defined $e;
    # the native module's own messages (expat's parse errors) are died with unchanged; a
    # missing DTD file leaves ENOENT in $! natively (so a script dying of it exits with 2)
    if (($r->{code} || '') eq 'E_NATIVE') {
        $! = ref $r->{data} eq 'HASH' && defined $r->{data}{missing} ? POSIX::ENOENT() : 0;
        Carp::croak($e);
    }
    die "XML::XPath: $e";
}

sub call {
    my ($self, $function, $params) = @_;
    $params->{doc} = $self->{h};
    my $r = bridge()->call('xpath', $function, $params);
    _fail($r) unless $r->{success};
    return $r->{result};
}

sub changed { $_[0]->{gen}++ }

# A find's answer as XML::XPath's result classes.
sub result {
    my ($self, $r) = @_;
    my $type = $r->{type};
    if ($type eq 'nodeset') {
        my $set = XML::XPath::NodeSet->new;
        @$set = map { XML::XPath::Node::_make($self, $_) } @{ $r->{nodes} };
        return $set;
    }
    return XML::XPath::Literal->new($r->{value}) if $type eq 'literal';
    return XML::XPath::Number->new($r->{value}) if $type eq 'number';
    return $r->{value} ? XML::XPath::Boolean->True : XML::XPath::Boolean->False if $type eq 'boolean';
    return $r->{value} if $type eq 'xml' || $type eq 'size';
    die "XML::XPath: the daemon answered a find with type '$type'";
}

sub DESTROY {
    my ($self) = @_;
    return if ${^GLOBAL_PHASE} eq 'DESTRUCT' || $$ != $self->{pid} || !$BRIDGE;
    local ($@, $!, $?);
    eval { $BRIDGE->call('xpath', 'close', { doc => $self->{h} }) };
}

1;

__END__

=head1 NAME

XML::XPath - CPAN Bridge drop-in for XML::XPath 1.48 (documents parsed and queried in the cpanbridge daemon)

=head1 SYNOPSIS

    use XML::XPath;
    my $xp = XML::XPath->new(filename => 'config.xml');
    for my $server ($xp->find('/config/server[@role="db"]')->get_nodelist) {
        printf "%s %s\n", $server->getAttribute('name'), $server->find('@port');
    }
    print $xp->findvalue('/config/version'), "\n";

=head1 SUPPORTED

C<new(filename|xml|ioref|context)> (and the one-argument form), C<find>, C<findnodes> (list and
scalar context), C<findvalue>, C<findnodes_as_string>, C<exists>, C<matches>, C<getNodeText>,
C<setNodeText>, C<getNodeAsXML>, C<set_namespace>, C<clear_namespaces>, the get_/set_ accessors;
XML::XPath::NodeSet, ::Literal, ::Number, ::Boolean with their methods and overloading; nodes
(::Node::Element, ::Attribute, ::Text, ::Comment, ::PI, ::Namespace) with the reading methods and
C<find>/C<findnodes>/C<findvalue> relative to the node. Parse errors are expat's messages with
their context lines, as XML::Parser gives them.

=head1 NOT SUPPORTED / CAVEATS

Tree editing through node methods (appendChild, setAttribute, ...), createNode, the C<parser>
option (the daemon parses), C<< $node->to_sax >>, XPath variables. C<matches()> uses .NET's
regular expressions. XPath syntax errors are reported with .NET's wording. A prefix bound to
different URIs in different parts of a document resolves to its first binding. A document
parsed before fork() cannot be queried in the child. DTDs named by http URLs are not fetched.
See docs/xml.md.

=head1 SEE ALSO

L<XML::XPath> (the real module), docs/xml.md, docs/protocol.md (module C<xpath>).

=cut
