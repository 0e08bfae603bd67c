package XML::XPath::Node;

# Nodes of a document that lives in the cpanbridge daemon. A node carries what the daemon
# described (type, name, value, prefix, namespace URI, attributes of an element), so names,
# values and attributes need no round trip; children, parent, an element's text and toString ask
# the daemon.

use strict;
use warnings;
use Exporter ();
use Carp ();
use Scalar::Util ();

our @ISA = ('Exporter');
our $VERSION = '1.48';

sub UNKNOWN_NODE ()                { 0 }
sub ELEMENT_NODE ()                { 1 }
sub ATTRIBUTE_NODE ()              { 2 }
sub TEXT_NODE ()                   { 3 }
sub CDATA_SECTION_NODE ()          { 4 }
sub ENTITY_REFERENCE_NODE ()       { 5 }
sub ENTITY_NODE ()                 { 6 }
sub PROCESSING_INSTRUCTION_NODE () { 7 }
sub COMMENT_NODE ()                { 8 }
sub DOCUMENT_NODE ()               { 9 }
sub DOCUMENT_TYPE_NODE ()          { 10 }
sub DOCUMENT_FRAGMENT_NODE ()      { 11 }
sub NOTATION_NODE ()               { 12 }
sub ELEMENT_DECL_NODE ()           { 13 }
sub ATT_DEF_NODE ()                { 14 }
sub XML_DECL_NODE ()               { 15 }
sub ATTLIST_DECL_NODE ()           { 16 }
sub NAMESPACE_NODE ()              { 17 }

our @EXPORT = qw(UNKNOWN_NODE ELEMENT_NODE ATTRIBUTE_NODE TEXT_NODE CDATA_SECTION_NODE ENTITY_REFERENCE_NODE
                 ENTITY_NODE PROCESSING_INSTRUCTION_NODE COMMENT_NODE DOCUMENT_NODE DOCUMENT_TYPE_NODE
                 DOCUMENT_FRAGMENT_NODE NOTATION_NODE ELEMENT_DECL_NODE ATT_DEF_NODE XML_DECL_NODE
                 ATTLIST_DECL_NODE NAMESPACE_NODE);
our %EXPORT_TAGS = (node_keys => [@EXPORT]);

my %CLASS = (1 => 'Element', 2 => 'Attribute', 3 => 'Text', 7 => 'PI', 8 => 'Comment', 17 => 'Namespace');

# A node object from the daemon's descriptor [type, id, name, value, prefix, uri, extra].
sub _make {
    my ($doc, $desc, $parent) = @_;
    my ($type, $id, $name, $value, $prefix, $uri, $extra) = @$desc;
    # XML::XPath reaches its root only through parent links, which hold the unwrapped ElementImpl
    my $class = 'XML::XPath::Node::' . ($type == 1 && !defined $name ? 'ElementImpl' : $CLASS{$type} || 'Text');
    # A node met again is the same Perl object, as in the native tree ($a == $b, hash keys). The
    # root is only ever reached through parent links, as its unwrapped ElementImpl.
    my $key = $class eq 'XML::XPath::Node::ElementImpl' ? "i$id" : $id;
    my $node = $id ? $doc->{nodes}{$key} : undef;
    if ($node) {
        @$node{qw(n v p u)} = ($name, $value, $prefix, $uri);
        $node->{g} = $doc->{gen};
    }
    else {
        $node = bless { d => $doc, i => $id, k => $key, g => $doc->{gen}, t => $type, n => $name, v => $value, p => $prefix,
                        u => $uri }, $class;
        if ($id) {
            $doc->{nodes}{$key} = $node;
            Scalar::Util::weaken($doc->{nodes}{$key});
        }
    }
    if ($type == 1) {
        my $attrs = $extra || [];
        delete $node->{attr_nodes} if $node->{a} && _attr_key($node->{a}) ne _attr_key($attrs);
        $node->{a} = $attrs;
    }
    elsif ($type == 2) {
        $node->{pi} = $extra;
        _link_parent($node, $parent) if $parent;
    }
    return $node;
}

# The native tree's parent links hold the unwrapped ElementImpl of an element: another object
# than the one a child axis gives, kept apart here the same way.
sub _impl {
    my ($node) = @_;
    return $node unless ref $node eq 'XML::XPath::Node::Element';
    my $doc = $node->{d};
    my $key = "i$node->{i}";
    my $impl = $doc->{nodes}{$key};
    if (!$impl) {
        $impl = bless { map { ($_ => $node->{$_}) } qw(d i t n v p u a) }, 'XML::XPath::Node::ElementImpl';
        $impl->{k} = $key;
        $doc->{nodes}{$key} = $impl;
        Scalar::Util::weaken($doc->{nodes}{$key});
    }
    else {
        $impl->{$_} = $node->{$_} for qw(n v p u a);
    }
    return $impl;
}

# After setNodeText the document differs from what a node was told; it asks again, once.
sub _fresh {
    my ($self) = @_;
    my $doc = $self->{d};
    return $self if !$self->{i} || ($self->{g} || 0) == $doc->{gen};
    my $r = $doc->call('node', { nodes => [0 + $self->{i}], get => 'self' });
    my ($type, $id, $name, $value, $prefix, $uri, $extra) = @{ $r->{values}[0] };
    @$self{qw(n v p u g)} = ($name, $value, $prefix, $uri, $doc->{gen});
    if ($type == 1) {
        my $attrs = $extra || [];
        delete $self->{attr_nodes} if _attr_key($self->{a}) ne _attr_key($attrs);
        $self->{a} = $attrs;
    }
    return $self;
}

# The root as XML::XPath's parser hands it out (the wrapped Element; every other way to the root
# gives its ElementImpl).
sub _wrapper {
    my ($impl) = @_;
    my $doc = $impl->{d};
    my $node = $doc->{nodes}{ $impl->{i} };
    if (!$node) {
        $node = bless { map { ($_ => $impl->{$_}) } qw(d i t n v p u a g) }, 'XML::XPath::Node::Element';
        $node->{k} = $impl->{i};
        $doc->{nodes}{ $impl->{i} } = $node;
        Scalar::Util::weaken($doc->{nodes}{ $impl->{i} });
    }
    return $node;
}

sub _attr_key { join "\0", map { @$_[0 .. 2] } @{ $_[0] } }

sub _same {
    my ($a, $b) = @_;
    return ref $a && ref $b && UNIVERSAL::isa($a, __PACKAGE__) && UNIVERSAL::isa($b, __PACKAGE__)
        && $a->{d} && $b->{d} && $a->{d} == $b->{d} && $a->{i} == $b->{i} && $a->{i} != 0;
}

my %ENTITY = ('"' => '&quot;', '>' => '&gt;', '<' => '&lt;', "'" => '&apos;', '&' => '&amp;');

sub _nothing { return undef }

sub XMLescape {
    my ($str, $default) = @_;
    return undef unless defined $str;
    $default = '' unless defined $default;
    my $class = join '', map { quotemeta } split //, $default;
    if (length $class) {
        $str =~ s/([$class])|(\]\]>)/defined $1 ? $ENTITY{$1} : ']]&gt;'/ges;
    }
    else {
        # XML::XPath's pattern breaks without characters to escape: "]]>" is dropped, with a warning
        $str =~ s/\]\]>/_nothing()/ge;
    }
    return $str;
}

# One daemon call about this node; string values and serializations are kept until the
# document changes (setNodeText).
sub _ask {
    my ($self, $get) = @_;
    my $doc = $self->{d};
    my $cache = $self->{cache} ||= {};
    return $cache->{$get} if exists $cache->{$get} && $cache->{gen} == $doc->{gen};
    my $r = $doc->call('node', { nodes => [0 + $self->{i}], get => $get });
    if (($cache->{gen} || 0) != $doc->{gen} || !defined $cache->{gen}) {
        %$cache = (gen => $doc->{gen});
    }
    return $cache->{$get} = $r->{values}[0];
}

# What _ask would fetch for each of many nodes, in one daemon call per document, put into their
# caches: a node set's text (to_literal, "" overloading) costs one round trip, not one per node.
sub _prefetch {
    my ($get, @nodes) = @_;
    my (%docs, %want);
    for my $node (@nodes) {
        my ($doc, $cache) = ($node->{d}, $node->{cache});
        next if $cache && exists $cache->{$get} && $cache->{gen} == $doc->{gen};
        $docs{$doc} = $doc;
        push @{ $want{$doc} }, $node;
    }
    for my $key (keys %want) {
        my ($doc, $list) = ($docs{$key}, $want{$key});
        next if @$list < 2;    # one node: _ask asks when it is needed
        my $r = $doc->call('node', { nodes => [ map { 0 + $_->{i} } @$list ], get => $get });
        for my $k (0 .. $#$list) {
            my $cache = $list->[$k]{cache} ||= {};
            %$cache = (gen => $doc->{gen}) if !defined $cache->{gen} || $cache->{gen} != $doc->{gen};
            $cache->{$get} = $r->{values}[$k];
        }
    }
    return;
}

sub getNodeType { UNKNOWN_NODE }
sub isElementNode { }
sub isAttributeNode { }
sub isNamespaceNode { }
sub isTextNode { }
sub isProcessingInstructionNode { }
sub isPINode { }
sub isCommentNode { }
sub getNodeValue { return }
sub getValue { shift->getNodeValue(@_) }
sub getName { }
sub getData { }
sub getChildNodes { return wantarray ? () : [] }
sub getChildNode { return }
sub getFirstChild { return }
sub getLastChild { return }
sub getAttribute { return }
sub getAttributes { return wantarray ? () : [] }
sub getAttributeNodes { shift->getAttributes(@_) }
sub getAttributeNode { return }
sub getNamespaceNodes { return wantarray ? () : [] }
sub getNamespaces { return wantarray ? () : [] }
sub getNamespace { return }
sub getLocalName { return }
sub string_value { return }
sub dispose { }

sub DESTROY {
    my ($self) = @_;
    my $nodes = $self->{d} && $self->{d}{nodes};
    delete $nodes->{ $self->{k} } if $nodes && $self->{i};
}

# XML::XPath's nodes answer a method their class lacks with this croak.
our $AUTOLOAD;
sub AUTOLOAD {
    my $self = $_[0];
    (my $method = $AUTOLOAD) =~ s/.*:://;
    my $class = ref($self) || $self;
    $class .= 'Impl' unless $class =~ /Impl\z/;
    Carp::croak("No such method $method in $class");
}

# A node taken from its parent's children or attributes knows its parent without asking the
# daemon; the link is weak (the parent holds the child), and hands out the parent's ElementImpl.
sub _link_parent {
    my ($node, $parent) = @_;
    $node->{parent} = $parent;
    Scalar::Util::weaken($node->{parent});
}

sub getParentNode {
    my ($self) = @_;
    return _impl($self->{parent}) if $self->{parent};
    my $desc = $self->_ask('parent');
    return undef unless $desc;
    return _impl(_make($self->{d}, $desc));
}

sub getRootNode {
    my ($self) = @_;
    return $self->{d}->root;
}

sub _siblings {
    my ($self) = @_;
    my $parent = $self->getParentNode or return;
    my @kids = $parent->getChildNodes;
    for my $i (0 .. $#kids) {
        return (\@kids, $i) if $kids[$i]{i} == $self->{i};
    }
    return;
}

sub getPreviousSibling {
    my ($self) = @_;
    my ($kids, $i) = $self->_siblings or return;
    return $i > 0 ? $kids->[$i - 1] : undef;
}

sub getNextSibling {
    my ($self) = @_;
    my ($kids, $i) = $self->_siblings or return;
    return $kids->[$i + 1];
}

sub to_number { XML::XPath::Number->new(shift->string_value) }

sub find {
    my ($node, $path) = @_;
    return XML::XPath->new->find($path, $node);
}

sub findvalue {
    my ($node, $path) = @_;
    return XML::XPath->new->findvalue($path, $node);
}

sub findnodes {
    my ($node, $path) = @_;
    return XML::XPath->new->findnodes($path, $node);
}

sub findnodes_as_string {
    my ($node, $path) = @_;
    return XML::XPath->new->findnodes_as_string($path, $node);
}

sub matches {
    my ($node, $path, $context) = @_;
    return XML::XPath->new->matches($node, $path, $context);
}

sub toString { '' }

# The native tree's editing methods: the daemon keeps the tree, and these are not bridged.
for my $method (qw(appendChild removeChild insertBefore insertAfter appendAttribute removeAttribute setAttribute
                   setAttributeNode appendNamespace setNodeValue setValue appendText to_sax)) {
    no strict 'refs';
    *{$method} = sub { Carp::croak(ref($_[0]) . "::$method is not supported by CPAN Bridge (use \$xp->setNodeText)") };
}

package XML::XPath::Node::Element;
our @ISA = ('XML::XPath::Node');
BEGIN { XML::XPath::Node->import }

sub getNodeType { XML::XPath::Node::ELEMENT_NODE }
sub isElementNode { 1 }
sub getPrefix { $_[0]->{p} }
sub getName { $_[0]->{n} }
sub getTagName { shift->getName(@_) }

sub getLocalName {
    my $local = $_[0]->{n};
    $local =~ s/.*://;
    return $local;
}

sub getChildNodes {
    my ($self) = @_;
    my $kids = $self->{kids_gen} && $self->{kids_gen} == $self->{d}{gen} + 1 ? $self->{kids} : undef;
    if (!$kids) {
        $kids = [ map { XML::XPath::Node::_make($self->{d}, $_) } @{ $self->_ask('children') } ];
        XML::XPath::Node::_link_parent($_, $self) for @$kids;
        $self->{kids} = $kids;
        $self->{kids_gen} = $self->{d}{gen} + 1;
    }
    return wantarray ? @$kids : [@$kids];
}

sub getChildNode {
    my ($self, $pos) = @_;
    my @kids = $self->getChildNodes;
    return if $pos < 1 || $pos > @kids;
    return $kids[$pos - 1];
}

sub getFirstChild { my @k = $_[0]->getChildNodes; return unless @k; $k[0] }
sub getLastChild  { my @k = $_[0]->getChildNodes; return unless @k; $k[-1] }

sub getAttributes {
    my ($self) = @_;
    $self->_fresh;
    my $attrs = $self->{attr_nodes} ||= [ map { XML::XPath::Node::_make($self->{d}, [2, @$_[0 .. 4], $self->{i}], $self) } @{ $self->{a} } ];
    return wantarray ? @$attrs : $attrs;
}

sub getAttributeNode {
    my ($self, $name) = @_;
    for my $attr ($self->getAttributes) {
        return $attr if $attr->getName eq $name;
    }
    return;
}

sub getAttribute {
    my ($self, $name) = @_;
    $self->_fresh;
    for my $a (@{ $self->{a} }) {
        return $a->[2] if $a->[1] eq $name;
    }
    # natively a one-element list (undef) in list context, which keeps hash lists aligned
    return undef;
}

sub getNamespace {
    my ($self, $prefix) = @_;
    my $own = (defined $self->{p} && length $self->{p}) ? $self->{p} : '#default';
    $prefix ||= $own;
    return XML::XPath::Node::_make($self->{d}, [17, 0, $prefix, $self->{u}]) if $prefix eq $own && defined $self->{u};
    return if $prefix eq $own;
    my $set = XML::XPath->new->find("namespace::*[name()='" . ($prefix eq '#default' ? '' : $prefix) . "']", $self);
    return $set->size ? $set->get_node(1) : undef;
}

sub string_value {
    my ($self) = @_;
    return $self->_ask('string_value');
}

sub toString {
    my ($self, $norecurse) = @_;
    return $self->_ask('xml');
}

sub getExpandedName { warn "Expanded name not implemented for ", ref($_[0]), "\n"; return }

package XML::XPath::Node::ElementImpl;
our @ISA = ('XML::XPath::Node::Element');

package XML::XPath::Node::Attribute;
our @ISA = ('XML::XPath::Node');

sub getNodeType { XML::XPath::Node::ATTRIBUTE_NODE }
sub isAttributeNode { 1 }
sub getPrefix { $_[0]->{p} }
sub getName { $_[0]->{n} }
sub getLocalName { my $l = $_[0]->{n}; $l =~ s/.*://; $l }
sub getNodeValue { $_[0]->_fresh->{v} }
sub getData { $_[0]->_fresh->{v} }
sub string_value { $_[0]->_fresh->{v} }
sub toString { ' ' . $_[0]->{n} . '="' . XML::XPath::Node::XMLescape($_[0]->_fresh->{v}, '"&><') . '"' }

sub getParentNode {
    my ($self) = @_;
    return XML::XPath::Node::_impl($self->{parent}) if $self->{parent};
    return $self->SUPER::getParentNode;
}

sub getNamespace {
    my ($self, $prefix) = @_;
    $prefix ||= $self->{p};
    my $parent = $self->getParentNode or return;
    return $parent->getNamespace($prefix);
}

package XML::XPath::Node::Text;
our @ISA = ('XML::XPath::Node');

sub getNodeType { XML::XPath::Node::TEXT_NODE }
sub isTextNode { 1 }
sub getNodeValue { $_[0]->_fresh->{v} }
sub getData { $_[0]->_fresh->{v} }
sub string_value { $_[0]->_fresh->{v} }
sub toString { XML::XPath::Node::XMLescape($_[0]->_fresh->{v}, '<&') }

package XML::XPath::Node::Comment;
our @ISA = ('XML::XPath::Node');

sub getNodeType { XML::XPath::Node::COMMENT_NODE }
sub isCommentNode { 1 }
sub getNodeValue { $_[0]->{v} }
sub getData { $_[0]->{v} }
sub string_value { $_[0]->{v} }
sub toString { my $d = $_[0]->{v}; $d =~ s/--/&#45;&#45;/g; "<!--$d-->" }

package XML::XPath::Node::PI;
our @ISA = ('XML::XPath::Node');

sub getNodeType { XML::XPath::Node::PROCESSING_INSTRUCTION_NODE }
sub isPINode { 1 }
sub isProcessingInstructionNode { 1 }
sub getTarget { $_[0]->{n} }
sub getData { $_[0]->{v} }
sub string_value { $_[0]->{v} }
sub toString { '<?' . $_[0]->{n} . ' ' . XML::XPath::Node::XMLescape($_[0]->{v}, '>') . '?>' }

package XML::XPath::Node::Namespace;
our @ISA = ('XML::XPath::Node');

sub getNodeType { XML::XPath::Node::NAMESPACE_NODE }
sub isNamespaceNode { 1 }
sub getPrefix { $_[0]->{n} }
sub getExpanded { $_[0]->{v} }
sub getValue { $_[0]->{v} }
sub getData { $_[0]->{v} }
sub string_value { $_[0]->{v} }

sub toString {
    my ($self) = @_;
    return '' unless defined $self->{v};
    my $s = $self->{n} eq '#default' ? ' xmlns="' : ' xmlns:' . $self->{n} . '="';
    return $s . XML::XPath::Node::XMLescape($self->{v}, '"&<') . '"';
}

package XML::XPath::Node;

1;
