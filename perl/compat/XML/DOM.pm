package XML::DOM;

# CPAN Bridge drop-in for XML::DOM 1.46. The daemon (module xml_dom) parses the document and hands
# it back as flat records; the DOM itself is built here from plain Perl objects, so navigation and
# editing cost no round trip and toString/printToFile write what XML::DOM writes. xql queries go
# to the daemon as XPath 1.0 over a serialised copy of the document (cached until it changes).
# Core Perl only.

use strict;
use warnings;
# XML::DOM itself runs without warnings: undef values and the like pass silently there, so they
# must here too (a script's stderr is compared byte for byte).
no warnings qw(uninitialized recursion once);

use Carp ();
use CPANBridge;
use CPANBridge::ReplaceFile ();
use Exporter ();
use Scalar::Util ();

our $VERSION = '1.46';
our @ISA = ('Exporter');

sub UNKNOWN_NODE                () { 0 }
sub ELEMENT_NODE                () { 1 }
sub ATTRIBUTE_NODE              () { 2 }
sub TEXT_NODE                   () { 3 }
sub CDATA_SECTION_NODE          () { 4 }
sub ENTITY_REFERENCE_NODE       () { 5 }
sub ENTITY_NODE                 () { 6 }
sub PROCESSING_INSTRUCTION_NODE () { 7 }
sub COMMENT_NODE                () { 8 }
sub DOCUMENT_NODE               () { 9 }
sub DOCUMENT_TYPE_NODE          () { 10 }
sub DOCUMENT_FRAGMENT_NODE      () { 11 }
sub NOTATION_NODE               () { 12 }
sub ELEMENT_DECL_NODE           () { 13 }
sub ATT_DEF_NODE                () { 14 }
sub XML_DECL_NODE               () { 15 }
sub ATTLIST_DECL_NODE           () { 16 }

our @EXPORT = qw(UNKNOWN_NODE ELEMENT_NODE ATTRIBUTE_NODE TEXT_NODE CDATA_SECTION_NODE
                 ENTITY_REFERENCE_NODE ENTITY_NODE PROCESSING_INSTRUCTION_NODE COMMENT_NODE DOCUMENT_NODE
                 DOCUMENT_TYPE_NODE DOCUMENT_FRAGMENT_NODE NOTATION_NODE ELEMENT_DECL_NODE ATT_DEF_NODE
                 XML_DECL_NODE ATTLIST_DECL_NODE);

our @NodeNames = qw(UNKNOWN_NODE ELEMENT_NODE ATTRIBUTE_NODE TEXT_NODE CDATA_SECTION_NODE
                    ENTITY_REFERENCE_NODE ENTITY_NODE PROCESSING_INSTRUCTION_NODE COMMENT_NODE DOCUMENT_NODE
                    DOCUMENT_TYPE_NODE DOCUMENT_FRAGMENT_NODE NOTATION_NODE ELEMENT_DECL_NODE ATT_DEF_NODE
                    XML_DECL_NODE ATTLIST_DECL_NODE);

# XML::DOM's switches. SafeMode off skips the checks that raise DOMExceptions.
our $SafeMode = 1;
our $IgnoreReadOnly = 0;
# How an element without children is written: 0 <a/>, 1 <a></a>, 2 <a />.
our $TagStyle = sub { 0 };
# Set while the document is serialised for xql (see XML::DOM::Document::_query_handle).
our $_QueryCopy = 0;

sub setTagCompression { $TagStyle = shift }

my $ALLOW_RESERVED = 1;
sub allowReservedNames    { $ALLOW_RESERVED = $_[0] ? 1 : 0 }
sub getAllowReservedNames { $ALLOW_RESERVED }

# An XML 1.0 Name (the character classes of the recommendation, Perl character semantics).
my $NAME_START = 'A-Za-z_:\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{2FF}\x{370}-\x{37D}\x{37F}-\x{1FFF}'
               . '\x{200C}-\x{200D}\x{2070}-\x{218F}\x{2C00}-\x{2FEF}\x{3001}-\x{D7FF}\x{F900}-\x{FDCF}'
               . '\x{FDF0}-\x{FFFD}\x{10000}-\x{EFFFF}';
my $NAME_RE = qr/\A[$NAME_START][$NAME_START\-.0-9\x{B7}\x{300}-\x{36F}\x{203F}-\x{2040}]*\z/;

sub isValidName {
    my ($name) = @_;
    return 0 unless defined $name && $name =~ $NAME_RE;
    return 0 if !$ALLOW_RESERVED && $name =~ /\Axml/i;
    return 1;
}

my %TEXT_ESCAPES = ('<' => '&lt;', '>' => '&gt;', '&' => '&amp;', '"' => '&quot;', "'" => '&apos;');

# Text and attribute values are written with < & > " escaped (XML::DOM's choice), ' left as is.
sub encodeText {
    my ($str, $chars) = @_;
    return undef unless defined $str;
    $chars = '<&>"' unless defined $chars;
    $str =~ s/([\Q$chars\E])|(]]>)/defined $1 ? $TEXT_ESCAPES{$1} : ']]&gt;'/egs;
    return $str;
}

sub encodeAttrValue { return encodeText($_[0], '"&<>') }

sub encodeComment {
    my ($str) = @_;
    return undef unless defined $str;
    $str =~ s/--/&#45;&#45;/g;
    return $str;
}

sub encodeCDATA {
    my ($str) = @_;
    $str =~ s/]]>/]]&gt;/g;
    return $str;
}

sub encodeProcessingInstruction {
    my ($str) = @_;
    $str =~ s/\?>/?&gt;/g;
    return $str;
}

# The process's one bridge connection (lazy: loading XML::DOM costs nothing until a parse).
my $BRIDGE;
sub _bridge { return $BRIDGE ||= CPANBridge->new }

# A daemon call that must succeed; on failure, the error as a reply hash for the caller to word.
sub _call {
    my ($function, $params, $attachment) = @_;
    my $r = _bridge()->call('xml_dom', $function, $params, defined $attachment ? { attachment => $attachment } : ());
    return $r if $r && $r->{success};
    return { failed => 1, error => ($r ? $r->{error} : 'no answer from the CPAN Bridge daemon'),
             data => ($r ? $r->{data} : undef), code => ($r ? $r->{code} : undef) };
}

sub _error_text {
    my ($r) = @_;
    my $e = $r->{error};
    $e = $e->{message} if ref $e eq 'HASH';
    return defined $e ? $e : 'unknown error';
}

######################################################################
package XML::DOM::DOMException;

use overload '""' => \&stringify, fallback => 1;

our @ISA = ('Exporter');
our @EXPORT = qw(INDEX_SIZE_ERR DOMSTRING_SIZE_ERR HIERARCHY_REQUEST_ERR WRONG_DOCUMENT_ERR
                 INVALID_CHARACTER_ERR NO_DATA_ALLOWED_ERR NO_MODIFICATION_ALLOWED_ERR NOT_FOUND_ERR
                 NOT_SUPPORTED_ERR INUSE_ATTRIBUTE_ERR);

sub UNKNOWN_ERR                 () { 0 }
sub INDEX_SIZE_ERR              () { 1 }
sub DOMSTRING_SIZE_ERR          () { 2 }
sub HIERARCHY_REQUEST_ERR       () { 3 }
sub WRONG_DOCUMENT_ERR          () { 4 }
sub INVALID_CHARACTER_ERR       () { 5 }
sub NO_DATA_ALLOWED_ERR         () { 6 }
sub NO_MODIFICATION_ALLOWED_ERR () { 7 }
sub NOT_FOUND_ERR               () { 8 }
sub NOT_SUPPORTED_ERR           () { 9 }
sub INUSE_ATTRIBUTE_ERR         () { 10 }

our @ErrorNames = qw(UNKNOWN_ERR INDEX_SIZE_ERR DOMSTRING_SIZE_ERR HIERARCHY_REQUEST_ERR WRONG_DOCUMENT_ERR
                     INVALID_CHARACTER_ERR NO_DATA_ALLOWED_ERR NO_MODIFICATION_ALLOWED_ERR NOT_FOUND_ERR
                     NOT_SUPPORTED_ERR INUSE_ATTRIBUTE_ERR);

sub new {
    my ($class, $code, $message) = @_;
    my $self = bless { Code => $code }, $class;
    $self->{Message} = $message if defined $message;
    return $self;
}

sub getCode    { $_[0]{Code} }
sub getName    { $ErrorNames[ $_[0]{Code} ] }
sub getMessage { $_[0]{Message} }

sub stringify {
    my ($self) = @_;
    no warnings 'uninitialized';
    return "XML::DOM::DOMException(Code=" . $self->getCode . ", Name=" . $self->getName
         . ", Message=" . $self->getMessage . ")";
}

######################################################################
package XML::DOM::NodeList;

# A blessed array, as XML::DOM's: scripts may walk @$list directly.
sub new     { bless [], $_[0] }
sub item    { $_[0][ $_[1] ] }
sub getLength { scalar @{ $_[0] } }
sub dispose { my $self = shift; $_->dispose for @$self; @$self = () }
sub setOwnerDocument { my ($self, $doc) = @_; $_->setOwnerDocument($doc) for @$self }

our $EMPTY = XML::DOM::NodeList->new;

######################################################################
package XML::DOM::NamedNodeMap;

# A blessed hash keyed by name (as XML::DOM's, scripts reach in with ->{name}); the order of
# insertion lives under a key no XML name can be.
my $ORDER = "\0order";

sub new {
    my ($class, %args) = @_;
    return bless { $ORDER => { Values => XML::DOM::NodeList->new, Doc => $args{Doc}, Parent => $args{Parent} } },
        $class;
}

sub getNamedItem { $_[1] eq $ORDER ? undef : $_[0]{ $_[1] } }

sub setNamedItem {
    my ($self, $node) = @_;
    my $props = $self->{$ORDER};
    my $name = $node->getNodeName;
    if ($XML::DOM::SafeMode) {
        Carp::croak(XML::DOM::DOMException->new(XML::DOM::DOMException::WRONG_DOCUMENT_ERR))
            if defined $props->{Doc} && $node->{Doc} != $props->{Doc};
        Carp::croak(XML::DOM::DOMException->new(XML::DOM::DOMException::INUSE_ATTRIBUTE_ERR))
            if defined $node->{UsedIn};
    }
    my $values = $props->{Values};
    my $prev = $self->{$name};
    $self->{$name} = $node;
    $node->{UsedIn} = $self;
    Scalar::Util::weaken($node->{UsedIn});
    if (defined $prev) {
        delete $prev->{UsedIn};
        for my $i (0 .. $#$values) {
            if ($values->[$i] == $prev) { $values->[$i] = $node; last }
        }
    } else {
        push @$values, $node;
    }
    XML::DOM::Node::_touch($props->{Parent});
    return $prev;
}

sub removeNamedItem {
    my ($self, $name) = @_;
    my $node = $name eq $ORDER ? undef : $self->{$name};
    Carp::croak(XML::DOM::DOMException->new(XML::DOM::DOMException::NOT_FOUND_ERR)) unless defined $node;
    delete $node->{UsedIn};
    delete $self->{$name};
    my $values = $self->{$ORDER}{Values};
    @$values = grep { $_ != $node } @$values;
    XML::DOM::Node::_touch($self->{$ORDER}{Parent});
    return $node;
}

sub item      { $_[0]{$ORDER}{Values}[ $_[1] ] }
sub getLength { scalar @{ $_[0]{$ORDER}{Values} } }
sub getValues { $_[0]{$ORDER}{Values} }
sub getProperty { $_[0]{$ORDER}{ $_[1] } }
sub isReadOnly { 0 }

sub cloneNode {
    my ($self, $deep) = @_;
    my $map = XML::DOM::NamedNodeMap->new(Doc => $self->{$ORDER}{Doc});
    for my $attr (@{ $self->getValues }) {
        my $copy = $attr->cloneNode($deep);
        $map->{ $copy->getNodeName } = $copy;
        $copy->{UsedIn} = $map;
        Scalar::Util::weaken($copy->{UsedIn});
        push @{ $map->{$ORDER}{Values} }, $copy;
    }
    return $map;
}

sub setParentNode { $_[0]{$ORDER}{Parent} = $_[1] }

sub setOwnerDocument {
    my ($self, $doc) = @_;
    $self->{$ORDER}{Doc} = $doc;
    $_->setOwnerDocument($doc) for @{ $self->getValues };
}

sub dispose {
    my ($self) = @_;
    delete $_->{UsedIn} for @{ $self->getValues };
    %$self = ();
}

sub toString {
    my ($self) = @_;
    return join '', map { ' ' . $_->toString } @{ $self->getValues };
}

######################################################################
package XML::DOM::Node;

our @ISA = ('XML::DOM');

sub _exception {
    my ($code, $message) = @_;
    # croak from the public method's caller, where XML::DOM's croak points
    local $Carp::CarpLevel = $Carp::CarpLevel + 1;
    Carp::croak(XML::DOM::DOMException->new($code, $message));
}

# Marks the owning document changed (xql re-sends it on the next query).
sub _touch {
    my ($node) = @_;
    my $doc = $node && $node->{Doc};
    $doc->{Generation}++ if $doc;
}

sub getNodeType     { XML::DOM::UNKNOWN_NODE }
sub getNodeTypeName { $XML::DOM::NodeNames[ $_[0]->getNodeType ] }
sub getParentNode   { $_[0]{Parent} }
sub getOwnerDocument { $_[0]{Doc} }
sub getNodeValue    { undef }
sub setNodeValue    { }
sub getAttributes   { undef }
sub isElementNode   { 0 }
sub isTextNode      { 0 }
sub isDocumentFragmentNode { 0 }
sub isReadOnly      { 0 }
sub isHidden        { 0 }

sub getChildNodes {
    my $kids = $_[0]{C};
    return wantarray ? (defined $kids ? @$kids : ()) : (defined $kids ? $kids : $XML::DOM::NodeList::EMPTY);
}

sub hasChildNodes { my $kids = $_[0]{C}; return defined $kids && @$kids > 0 }
sub getFirstChild { my $kids = $_[0]{C}; return $kids ? $kids->[0] : undef }
sub getLastChild  { my $kids = $_[0]{C}; return $kids ? $kids->[-1] : undef }

sub getChildIndex {
    my ($self, $node) = @_;
    my $kids = $self->{C} or return -1;
    for my $i (0 .. $#$kids) { return $i if $kids->[$i] == $node }
    return -1;
}

sub getChildAtIndex { my $kids = $_[0]{C}; return $kids ? $kids->[ $_[1] ] : undef }

sub getPreviousSibling {
    my ($self) = @_;
    my $parent = $self->{Parent} or return undef;
    my $i = $parent->getChildIndex($self);
    return $i > 0 ? $parent->{C}[ $i - 1 ] : undef;
}

sub getNextSibling {
    my ($self) = @_;
    my $parent = $self->{Parent} or return undef;
    my $i = $parent->getChildIndex($self);
    return $parent->{C}[ $i + 1 ];
}

sub isAncestor {
    my ($self, $node) = @_;
    while (defined $node) {
        return 1 if $self == $node;
        $node = $node->{Parent};
    }
    return 0;
}

sub rejectChild { 1 }

# The nodes a node (or a fragment's children) brings, checked as XML::DOM checks them.
sub _incoming {
    my ($self, $node) = @_;
    my @nodes = $node->isDocumentFragmentNode ? @{ $node->{C} } : ($node);
    for my $n (@nodes) {
        _exception(XML::DOM::DOMException::WRONG_DOCUMENT_ERR, 'nodes belong to different documents')
            if ($self->{Doc} || 0) != ($n->{Doc} || 0);
        _exception(XML::DOM::DOMException::HIERARCHY_REQUEST_ERR, 'node is ancestor of parent node')
            if $n->isAncestor($self);
        _exception(XML::DOM::DOMException::HIERARCHY_REQUEST_ERR, 'bad node type')
            if $self->rejectChild($n);
    }
    return @nodes;
}

sub _adopt {
    my ($self, $node) = @_;
    my $old = $node->{Parent};
    if (defined $old) {
        my $i = $old->getChildIndex($node);
        splice @{ $old->{C} }, $i, 1 if $i >= 0;
        _touch($old);
    }
    $node->{Parent} = $self;
}

sub appendChild {
    my ($self, $node) = @_;
    my @nodes = $XML::DOM::SafeMode ? $self->_incoming($node)
              : ($node->isDocumentFragmentNode ? @{ $node->{C} } : ($node));
    @nodes = @nodes;    # a fragment's list empties as its nodes move
    for my $n (@nodes) { $self->_adopt($n) }
    push @{ $self->{C} }, @nodes;
    _touch($self);
    return $node;
}

sub insertBefore {
    my ($self, $node, $ref) = @_;
    return $self->appendChild($node) unless $ref;
    my @nodes = $self->_incoming($node);
    _exception(XML::DOM::DOMException::NOT_FOUND_ERR, 'reference node not found')
        if $self->getChildIndex($ref) == -1;
    for my $n (@nodes) { $self->_adopt($n) }
    my $i = $self->getChildIndex($ref);
    splice @{ $self->{C} }, $i, 0, @nodes;
    _touch($self);
    return $node;
}

sub replaceChild {
    my ($self, $node, $ref) = @_;
    my @nodes = $self->_incoming($node);
    _exception(XML::DOM::DOMException::NOT_FOUND_ERR, 'reference node not found')
        if $self->getChildIndex($ref) == -1;
    for my $n (@nodes) { $self->_adopt($n) }
    my $i = $self->getChildIndex($ref);
    splice @{ $self->{C} }, $i, 1, @nodes;
    delete $ref->{Parent};
    _touch($self);
    return $ref;
}

sub removeChild {
    my ($self, $node) = @_;
    my $i = $self->getChildIndex($node);
    _exception(XML::DOM::DOMException::NOT_FOUND_ERR, 'reference node not found') if $i == -1;
    splice @{ $self->{C} }, $i, 1;
    delete $node->{Parent};
    _touch($self);
    return $node;
}

# Appends text, joining it to a Text node that ends the children (XML::DOM's helper).
sub addText {
    my ($self, $text) = @_;
    my $last = $self->{C} && $self->{C}[-1];
    if ($last && $last->isTextNode) {
        $last->appendData($text);
        return $last;
    }
    my $node = XML::DOM::Text->new($self->{Doc}, $text);
    $self->appendChild($node);
    return $node;
}

# The same for CDATA: joined to a CDATASection that ends the children.
sub addCDATA {
    my ($self, $text) = @_;
    my $last = $self->{C} && $self->{C}[-1];
    if ($last && $last->getNodeType == XML::DOM::CDATA_SECTION_NODE) {
        $last->appendData($text);
        return $last;
    }
    my $node = XML::DOM::CDATASection->new($self->{Doc}, $text);
    $self->appendChild($node);
    return $node;
}

sub removeChildNodes {
    my ($self) = @_;
    my $kids = $self->{C} or return;
    delete $_->{Parent} for @$kids;
    @$kids = ();
    _touch($self);
}

sub getElementsByTagName {
    my ($self, $name, $recurse, $list) = @_;
    $recurse = 1 unless defined $recurse;
    $list = (wantarray ? [] : XML::DOM::NodeList->new) unless defined $list;
    return unless defined $self->{C};
    my @stack = ([ $self->{C}, 0 ]);
    # preorder, iteratively: deep documents do not recurse Perl's stack
    while (@stack) {
        my $top = $stack[-1];
        my ($kids, $i) = @$top;
        if ($i > $#$kids) { pop @stack; next }
        $top->[1]++;
        my $kid = $kids->[$i];
        next unless defined $kid->{TagName};    # elements are the nodes with a tag name
        push @$list, $kid if $name eq '*' || $name eq $kid->{TagName};
        push @stack, [ $kid->{C}, 0 ] if $recurse && $kid->{C} && @{ $kid->{C} };
    }
    return wantarray ? @$list : $list;
}

sub normalize {
    my ($self) = @_;
    my $kids = $self->{C} or return;
    my @out;
    for my $kid (@$kids) {
        if ($kid->getNodeType == XML::DOM::TEXT_NODE) {
            if (@out && $out[-1]->getNodeType == XML::DOM::TEXT_NODE) {
                $out[-1]{Data} .= $kid->{Data};
                delete $kid->{Parent};
                next;
            }
            if ($kid->{Data} eq '') { delete $kid->{Parent}; next }
        } elsif ($kid->isElementNode) {
            $kid->normalize;
        }
        push @out, $kid;
    }
    @$kids = @out;
    _touch($self);
}

sub cloneChildren {
    my ($self, $node, $deep) = @_;
    return unless $deep && defined $self->{C};
    for my $kid (@{ $node->{C} }) {
        my $copy = $kid->cloneNode($deep);
        $copy->{Parent} = $self;
        push @{ $self->{C} }, $copy;
    }
}

sub setOwnerDocument {
    my ($self, $doc) = @_;
    $self->{Doc} = $doc;
    if ($self->{C}) { $_->setOwnerDocument($doc) for @{ $self->{C} } }
}

sub dispose {
    my ($self) = @_;
    delete $self->{Parent};
    if (defined $self->{C}) {
        $self->{C}->dispose;
        delete $self->{C};
    }
    delete $self->{Doc};
}

sub toString {
    my ($self) = @_;
    my $out = '';
    $self->_print(\$out);
    return $out;
}

# XML::DOM's print(FILEHANDLE-like object with ->print).
sub print {
    my ($self, $fh) = @_;
    $fh->print($self->toString);
}

sub printToFileHandle {
    my ($self, $fh) = @_;
    print {$fh} $self->toString;
}

sub printToFile {
    my ($self, $file) = @_;
    my $encoding = $self->getXMLDecl()->getEncoding();
    my $text = $self->toString;
    no warnings 'uninitialized';
    my $layer = ">:encoding($encoding)";
    # FileHandle as XML::DOM opens it, so a missing or unknown encoding warns and fails with the
    # same words. Unlike XML::DOM, which writes in place, the text replaces the file only once
    # complete (CPANBridge::ReplaceFile); where no file can be made beside it, in place as natively.
    require FileHandle;
    my ($temp, $target) = CPANBridge::ReplaceFile::temp_beside($file);
    if (!defined $temp) {
        my $fh = FileHandle->new($file, $layer) || Carp::croak("printToFile - can't open output file $file");
        $fh->print($text);
        $fh->close;
        return;
    }
    my $fh = FileHandle->new($temp, $layer);
    if (!$fh) {
        CPANBridge::ReplaceFile::discard($temp);
        # XML::DOM leaves an empty file behind here (it truncates before the layer fails); a new
        # name gets that empty file too, an existing file keeps its content.
        if (!-e $target && open(my $empty, '>', $target)) { close $empty }
        Carp::croak("printToFile - can't open output file $file");
    }
    my $ok = $fh->print($text);
    $ok = $fh->close && $ok;
    CPANBridge::ReplaceFile::discard($temp) unless $ok;
    $ok &&= CPANBridge::ReplaceFile::install($temp, $target);
    Carp::croak("printToFile - can't write output file $file: $!") unless $ok;
    return 1;
}

# The element path from the document (element-child indexes), or undef when detached.
sub _element_path {
    my ($node) = @_;
    my @path;
    while (1) {
        my $parent = $node->{Parent};
        return undef unless $parent;
        my $n = 0;
        for my $kid (@{ $parent->{C} }) {
            last if $kid == $node;
            $n++ if $kid->isElementNode;
        }
        unshift @path, $n;
        return \@path if $parent->getNodeType == XML::DOM::DOCUMENT_NODE;
        $node = $parent;
    }
}

sub _element_at {
    my ($doc, $path) = @_;
    my $node = $doc;
    for my $want (@$path) {
        my $n = 0;
        my $found;
        for my $kid (@{ $node->{C} }) {
            next unless $kid->isElementNode;
            if ($n++ == $want) { $found = $kid; last }
        }
        return undef unless $found;
        $node = $found;
    }
    return $node;
}

# XML::XQL's query on a node, answered as XPath 1.0 by the daemon: the list of results (nodes of
# this document, or plain values).
sub xql {
    my ($self, $query) = @_;
    Carp::croak('Usage: $node->xql($query)') unless defined $query;
    my $doc = $self->getNodeType == XML::DOM::DOCUMENT_NODE ? $self : $self->{Doc};
    my $context = $self;
    $context = $context->{UsedIn} ? $context->{UsedIn}->getProperty('Parent') : undef
        if $context && $context->getNodeType == XML::DOM::ATTRIBUTE_NODE;
    $context = $context->{Parent} while $context && !$context->isElementNode
                                        && $context->getNodeType != XML::DOM::DOCUMENT_NODE;
    my $path = !$context ? undef : $context == $doc ? [] : _element_path($context);
    Carp::croak('xql: the node is not part of its document (append it first)') unless $doc && $path;

    my $r = XML::DOM::_call('xql', { document => $doc->_query_handle, context => $path, query => "$query" });
    if ($r->{failed} && ($r->{code} || '') eq 'E_HANDLE') {
        # the daemon's copy is gone (a new connection, a restarted daemon): send it again, once
        delete $doc->{Query};
        $r = XML::DOM::_call('xql', { document => $doc->_query_handle, context => $path, query => "$query" });
    }
    Carp::croak(XML::DOM::_error_text($r)) if $r->{failed};
    my @out;
    for my $hit (@{ $r->{result}{results} }) {
        my $k = $hit->{k};
        if (!defined $k) { push @out, $hit->{v}; next }
        if ($k eq 'd') { push @out, $doc; next }
        my $owner = _element_at($doc, $hit->{p});
        if (!$owner) { push @out, $hit->{v}; next }
        if ($k eq 'e') { push @out, $owner; next }
        if ($k eq 'a') {
            my $attr = $owner->getAttributeNode($hit->{n});
            push @out, defined $attr ? $attr : $hit->{v};
            next;
        }
        push @out, _nth_of_kind($owner, $k, $hit->{i}) || $hit->{v};
    }
    return @out;
}

# The i-th comment / PI / text run among a node's children (a run of adjacent Text and CDATA
# nodes is one text node to XPath; its first node stands for it).
sub _nth_of_kind {
    my ($parent, $kind, $rank) = @_;
    my $n = -1;
    my $in_run = 0;
    for my $kid (@{ $parent->{C} || [] }) {
        my $t = $kid->getNodeType;
        my $k = $t == XML::DOM::COMMENT_NODE ? 'c'
              : $t == XML::DOM::PROCESSING_INSTRUCTION_NODE ? 'p'
              : ($t == XML::DOM::TEXT_NODE || $t == XML::DOM::CDATA_SECTION_NODE) ? 't' : '';
        if ($k eq 't') {
            next if $in_run;
            next if $t == XML::DOM::TEXT_NODE && $kid->{Data} eq '';
            $in_run = 1;
        } else {
            $in_run = 0;
        }
        next unless $k eq $kind;
        return $kid if ++$n == $rank;
    }
    return undef;
}

######################################################################
package XML::DOM::Attr;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name, $value, $specified) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INVALID_CHARACTER_ERR, "bad Attr name [$name]")
        if $XML::DOM::SafeMode && !XML::DOM::isValidName($name);
    my $self = bless { Doc => $doc, Name => $name }, $class;
    if (defined $value) {
        $self->{Value} = $value;
        $self->{Specified} = defined $specified ? $specified : 1;
    } else {
        $self->{Specified} = 0;
    }
    return $self;
}

sub getNodeType  { XML::DOM::ATTRIBUTE_NODE }
sub isSpecified  { $_[0]{Specified} }
sub getName      { $_[0]{Name} }
sub getNodeName  { $_[0]{Name} }
sub getValue     { defined $_[0]{Value} ? $_[0]{Value} : '' }
sub getNodeValue { $_[0]->getValue }
sub setNodeValue { $_[0]->setValue($_[1]) }

sub setValue {
    my ($self, $value) = @_;
    $self->{Value} = $value;
    $self->{Specified} = 1;
    XML::DOM::Node::_touch($self);
}

sub getChildNodes {
    my ($self) = @_;
    my $list = XML::DOM::NodeList->new;
    push @$list, XML::DOM::Text->new($self->{Doc}, $self->getValue) if defined $self->{Value};
    return wantarray ? @$list : $list;
}

sub cloneNode {
    my ($self) = @_;
    my $copy = bless { Doc => $self->{Doc}, Name => $self->{Name}, Value => $self->{Value},
                       Specified => $self->{Specified} }, ref $self;
    return $copy;
}

sub _print {
    my ($self, $out) = @_;
    $$out .= $self->{Name} . '="' . XML::DOM::encodeAttrValue($self->getValue) . '"';
}

######################################################################
package XML::DOM::Element;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INVALID_CHARACTER_ERR, "bad Element TagName [$name]")
        if $XML::DOM::SafeMode && !XML::DOM::isValidName($name);
    return bless { Doc => $doc, TagName => $name, C => XML::DOM::NodeList->new }, $class;
}

sub getNodeType   { XML::DOM::ELEMENT_NODE }
sub getTagName    { $_[0]{TagName} }
sub getNodeName   { $_[0]{TagName} }
sub isElementNode { 1 }

sub setTagName {
    my ($self, $name) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INVALID_CHARACTER_ERR, "bad Element TagName [$name]")
        unless XML::DOM::isValidName($name);
    $self->{TagName} = $name;
    XML::DOM::Node::_touch($self);
}

sub getAttributes {
    my ($self) = @_;
    return $self->{A} ||= XML::DOM::NamedNodeMap->new(Doc => $self->{Doc}, Parent => $self);
}

sub getAttributeNode {
    my ($self, $name) = @_;
    return undef unless defined $self->{A};
    return $self->{A}->getNamedItem($name);
}

sub getAttribute {
    # the hot path of attribute look-ups: straight into the map, no method calls
    my $map = $_[0]{A} or return '';
    my $attr = $map->{ $_[1] };
    return '' unless defined $attr && ref $attr ne 'HASH';
    return defined $attr->{Value} ? $attr->{Value} : '';
}

sub setAttribute {
    my ($self, $name, $value) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INVALID_CHARACTER_ERR, "bad Attr Name [$name]")
        unless XML::DOM::isValidName($name);
    my $node = $self->getAttributes->{$name};
    if (defined $node) {
        $node->setValue($value);
    } else {
        $self->{A}->setNamedItem(XML::DOM::Attr->new($self->{Doc}, $name, $value));
    }
    return;
}

sub setAttributeNode {
    my ($self, $node) = @_;
    my $map = $self->getAttributes;
    if ($XML::DOM::SafeMode) {
        XML::DOM::Node::_exception(XML::DOM::DOMException::WRONG_DOCUMENT_ERR, 'nodes belong to different documents')
            if ($self->{Doc} || 0) != ($node->{Doc} || 0);
        XML::DOM::Node::_exception(XML::DOM::DOMException::INUSE_ATTRIBUTE_ERR,
                                   'Attr is already used by another Element')
            if defined $node->{UsedIn} && $node->{UsedIn} != $map;
    }
    my $name = $node->getNodeName;
    my $other = $map->{$name};
    $map->removeNamedItem($name) if defined $other;
    $map->setNamedItem($node);
    return $other;
}

sub removeAttributeNode {
    my ($self, $node) = @_;
    my $map = $self->{A};
    XML::DOM::Node::_exception(XML::DOM::DOMException::NOT_FOUND_ERR) unless defined $map;
    my $current = $map->getNamedItem($node->getNodeName);
    XML::DOM::Node::_exception(XML::DOM::DOMException::NOT_FOUND_ERR)
        unless defined $current && $current == $node;
    return undef unless $node->isSpecified;
    $map->removeNamedItem($node->getNodeName);
    my $default = $self->_default_attr($node->getNodeName);
    $map->setNamedItem($default) if $default;
    return $node;
}

sub removeAttribute {
    my ($self, $name) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::NOT_FOUND_ERR) unless defined $self->{A};
    my $node = $self->{A}->getNamedItem($name);
    $self->removeAttributeNode($node) if defined $node;
    return;
}

sub getDefaultAttrValue { $_[0]->_default_attr($_[1]) }

# The DTD's default for an attribute of this element, as an unspecified Attr.
sub _default_attr {
    my ($self, $name) = @_;
    my $doctype = $self->{Doc} && $self->{Doc}{Doctype} or return undef;
    my $decl = $doctype->getAttlistDecl($self->{TagName}) or return undef;
    my $def = $decl->getAttDef($name) or return undef;
    return undef unless defined $def->{Default};
    return XML::DOM::Attr->new($self->{Doc}, $name, $def->{Default}, 0);
}

sub rejectChild {
    my $t = $_[1]->getNodeType;
    return !($t == XML::DOM::TEXT_NODE || $t == XML::DOM::ENTITY_REFERENCE_NODE
             || $t == XML::DOM::PROCESSING_INSTRUCTION_NODE || $t == XML::DOM::COMMENT_NODE
             || $t == XML::DOM::CDATA_SECTION_NODE || $t == XML::DOM::ELEMENT_NODE);
}

sub cloneNode {
    my ($self, $deep) = @_;
    my $copy = bless { Doc => $self->{Doc}, TagName => $self->{TagName}, C => XML::DOM::NodeList->new }, ref $self;
    if (defined $self->{A}) {
        $copy->{A} = $self->{A}->cloneNode(1);
        $copy->{A}->setParentNode($copy);
    }
    $copy->cloneChildren($self, $deep);
    return $copy;
}

sub setOwnerDocument {
    my ($self, $doc) = @_;
    $self->SUPER::setOwnerDocument($doc);
    $self->{A}->setOwnerDocument($doc) if defined $self->{A};
}

sub dispose {
    my ($self) = @_;
    $self->{A}->dispose if defined $self->{A};
    delete $self->{A};
    $self->SUPER::dispose;
}

sub _print {
    my ($self, $out) = @_;
    my $name = $self->{TagName};
    $$out .= "<$name";
    if (defined $self->{A}) {
        for my $attr (@{ $self->{A}->getValues }) {
            next unless $attr->{Specified} || $XML::DOM::_QueryCopy;
            $$out .= ' ' . $attr->{Name} . '="' . XML::DOM::encodeAttrValue($attr->getValue) . '"';
        }
    }
    my $kids = $self->{C};
    if (@$kids) {
        $$out .= '>';
        $_->_print($out) for @$kids;
        $$out .= "</$name>";
        return;
    }
    my $style = $XML::DOM::TagStyle->($name, $self);
    $$out .= !$style ? '/>' : $style == 1 ? "></$name>" : ' />';
}

######################################################################
package XML::DOM::CharacterData;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $data) = @_;
    return bless { Doc => $doc, Data => $data }, $class;
}

sub getData      { $_[0]{Data} }
sub getNodeValue { $_[0]{Data} }
sub setNodeValue { $_[0]->setData($_[1]) }
sub getLength    { length $_[0]{Data} }

sub setData {
    my ($self, $data) = @_;
    $self->{Data} = $data;
    XML::DOM::Node::_touch($self);
}

sub appendData {
    my ($self, $data) = @_;
    $self->{Data} .= $data;
    XML::DOM::Node::_touch($self);
}

sub _check_offset {
    my ($self, $offset, $count) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INDEX_SIZE_ERR, "bad offset [$offset]")
        if $offset < 0 || $offset >= length $self->{Data};
    XML::DOM::Node::_exception(XML::DOM::DOMException::INDEX_SIZE_ERR, "negative count [$count]")
        if defined $count && $count < 0;
}

sub substringData {
    my ($self, $offset, $count) = @_;
    $self->_check_offset($offset, $count);
    return substr($self->{Data}, $offset, $count);
}

sub insertData {
    my ($self, $offset, $data) = @_;
    $self->_check_offset($offset);
    substr($self->{Data}, $offset, 0) = $data;
    XML::DOM::Node::_touch($self);
}

sub deleteData {
    my ($self, $offset, $count) = @_;
    $self->_check_offset($offset, $count);
    substr($self->{Data}, $offset, $count) = '';
    XML::DOM::Node::_touch($self);
}

sub replaceData {
    my ($self, $offset, $count, $data) = @_;
    $self->_check_offset($offset, $count);
    substr($self->{Data}, $offset, $count) = $data;
    XML::DOM::Node::_touch($self);
}

sub cloneNode {
    my ($self) = @_;
    return bless { Doc => $self->{Doc}, Data => $self->{Data} }, ref $self;
}

######################################################################
package XML::DOM::Text;

our @ISA = ('XML::DOM::CharacterData');

sub getNodeType { XML::DOM::TEXT_NODE }
sub getNodeName { '#text' }
sub isTextNode  { 1 }

sub splitText {
    my ($self, $offset) = @_;
    my $data = $self->getData;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INDEX_SIZE_ERR, "bad offset [$offset]")
        if $offset < 0 || $offset >= length $data;
    my $rest = XML::DOM::Text->new($self->{Doc}, substr($data, $offset));
    $self->{Data} = substr($data, 0, $offset);
    my $parent = $self->{Parent};
    if ($parent) {
        my $next = $self->getNextSibling;
        $parent->insertBefore($rest, $next);
    }
    return $rest;
}

sub _print { ${ $_[1] } .= XML::DOM::encodeText($_[0]{Data}, '<&>"') }

######################################################################
package XML::DOM::Comment;

our @ISA = ('XML::DOM::CharacterData');

sub getNodeType { XML::DOM::COMMENT_NODE }
sub getNodeName { '#comment' }

sub _print {
    my $comment = XML::DOM::encodeComment($_[0]{Data});
    ${ $_[1] } .= "<!--$comment-->";
}

######################################################################
package XML::DOM::CDATASection;

our @ISA = ('XML::DOM::CharacterData');

sub getNodeType { XML::DOM::CDATA_SECTION_NODE }
sub getNodeName { '#cdata-section' }

sub _print { ${ $_[1] } .= '<![CDATA[' . XML::DOM::encodeCDATA($_[0]{Data}) . ']]>' }

######################################################################
package XML::DOM::ProcessingInstruction;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $target, $data) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::INVALID_CHARACTER_ERR, "bad PI Target [$target]")
        if $XML::DOM::SafeMode && !XML::DOM::isValidName($target);
    return bless { Doc => $doc, Target => $target, Data => $data }, $class;
}

sub getNodeType  { XML::DOM::PROCESSING_INSTRUCTION_NODE }
sub getNodeName  { $_[0]{Target} }
sub getTarget    { $_[0]{Target} }
sub getData      { $_[0]{Data} }
sub getNodeValue { $_[0]{Data} }
sub setNodeValue { $_[0]->setData($_[1]) }

sub setData {
    my ($self, $data) = @_;
    $self->{Data} = $data;
    XML::DOM::Node::_touch($self);
}

sub cloneNode { my ($self) = @_; return bless { %$self, Parent => undef }, ref $self }

sub _print {
    my ($self, $out) = @_;
    $$out .= '<?' . $self->{Target} . ' ' . XML::DOM::encodeProcessingInstruction($self->{Data}) . '?>';
}

######################################################################
package XML::DOM::DocumentFragment;

our @ISA = ('XML::DOM::Node');

sub new { my ($class, $doc) = @_; return bless { Doc => $doc, C => XML::DOM::NodeList->new }, $class }

sub getNodeType { XML::DOM::DOCUMENT_FRAGMENT_NODE }
sub getNodeName { '#document-fragment' }
sub isDocumentFragmentNode { 1 }
{ no warnings "once"; *rejectChild = \&XML::DOM::Element::rejectChild; }

sub cloneNode {
    my ($self, $deep) = @_;
    my $copy = XML::DOM::DocumentFragment->new($self->{Doc});
    $copy->cloneChildren($self, $deep);
    return $copy;
}

sub _print { my ($self, $out) = @_; $_->_print($out) for @{ $self->{C} } }

######################################################################
package XML::DOM::EntityReference;

# A reference left unexpanded (NoExpand): written back as &name;.
our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name, $parameter, $no_expand) = @_;
    return bless { Doc => $doc, EntityName => $name, Parameter => $parameter ? 1 : 0, NoExpand => $no_expand ? 1 : 0 },
        $class;
}

sub getNodeType       { XML::DOM::ENTITY_REFERENCE_NODE }
sub getNodeName       { $_[0]{EntityName} }
sub getEntityName     { $_[0]{EntityName} }
sub isParameterEntity { $_[0]{Parameter} }
sub cloneNode         { my ($self) = @_; return bless { %$self, Parent => undef }, ref $self }

sub getData {
    my ($self) = @_;
    my $mark = $self->{Parameter} ? '%' : '&';
    return "$mark$self->{EntityName};" if $self->{NoExpand};
    my $value = $self->{Doc} ? $self->{Doc}->expandEntity($self->{EntityName}) : undef;
    return defined $value ? $value : "$mark$self->{EntityName};";
}

sub _print { ${ $_[1] } .= ($_[0]{Parameter} ? '%' : '&') . $_[0]{EntityName} . ';' }

######################################################################
package XML::DOM::XMLDecl;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $version, $encoding, $standalone) = @_;
    return bless { Doc => $doc, Version => $version, Encoding => $encoding, Standalone => $standalone }, $class;
}

sub getNodeType   { XML::DOM::XML_DECL_NODE }
sub getVersion    { $_[0]{Version} }
sub getEncoding   { $_[0]{Encoding} }
sub getStandalone { $_[0]{Standalone} }
sub setVersion    { $_[0]{Version} = $_[1]; XML::DOM::Node::_touch($_[0]) }
sub setEncoding   { $_[0]{Encoding} = $_[1]; XML::DOM::Node::_touch($_[0]) }
sub setStandalone { $_[0]{Standalone} = $_[1]; XML::DOM::Node::_touch($_[0]) }
sub cloneNode     { my ($self) = @_; return bless { %$self }, ref $self }

sub _print {
    my ($self, $out) = @_;
    my $standalone = $self->{Standalone};
    $standalone = $standalone ? 'yes' : 'no' if defined $standalone;
    $$out .= '<?xml';
    $$out .= qq( version="$self->{Version}") if defined $self->{Version};
    $$out .= qq( encoding="$self->{Encoding}") if defined $self->{Encoding};
    $$out .= qq( standalone="$standalone") if defined $standalone;
    $$out .= '?>';
}

######################################################################
package XML::DOM::Entity;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name, $value, $sysid, $pubid, $ndata, $parameter) = @_;
    return bless { Doc => $doc, NotationName => $name, Value => $value, SysId => $sysid, PubId => $pubid,
                   Ndata => $ndata, Parameter => $parameter ? 1 : 0 }, $class;
}

sub getNodeType       { XML::DOM::ENTITY_NODE }
sub getNodeName       { $_[0]{NotationName} }
sub getPubId          { $_[0]{PubId} }
sub getSysId          { $_[0]{SysId} }
sub getNotationName   { $_[0]{NotationName} }
sub getValue          { $_[0]{Value} }
sub getNdata          { $_[0]{Ndata} }
sub isParameterEntity { $_[0]{Parameter} }
sub cloneNode         { my ($self) = @_; return bless { %$self, Parent => undef }, ref $self }

sub _print {
    my ($self, $out) = @_;
    $$out .= '<!ENTITY ' . ($self->{Parameter} ? '% ' : '') . $self->{NotationName};
    my $value = $self->{Value};
    $$out .= ' ' . ($value =~ /"/ ? "'$value'" : qq("$value")) if defined $value;
    if (defined $self->{PubId}) { $$out .= qq( PUBLIC "$self->{PubId}") }
    elsif (defined $self->{SysId}) { $$out .= ' SYSTEM' }
    $$out .= qq( "$self->{SysId}") if defined $self->{SysId};
    $$out .= " NDATA $self->{Ndata}" if defined $self->{Ndata};
    $$out .= '>';
}

######################################################################
package XML::DOM::Notation;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name, $base, $sysid, $pubid) = @_;
    return bless { Doc => $doc, Name => $name, Base => $base, SysId => $sysid, PubId => $pubid }, $class;
}

sub getNodeType { XML::DOM::NOTATION_NODE }
sub getNodeName { $_[0]{Name} }
sub getName     { $_[0]{Name} }
sub getBase     { $_[0]{Base} }
sub getSysId    { $_[0]{SysId} }
sub getPubId    { $_[0]{PubId} }
sub cloneNode   { my ($self) = @_; return bless { %$self }, ref $self }

sub _print {
    my ($self, $out) = @_;
    $$out .= "<!NOTATION $self->{Name} ";
    $$out .= qq( PUBLIC "$self->{PubId}") if defined $self->{PubId};
    $$out .= qq( SYSTEM "$self->{SysId}") if defined $self->{SysId};
    $$out .= '>';
}

######################################################################
package XML::DOM::ElementDecl;

our @ISA = ('XML::DOM::Node');

sub new { my ($class, $doc, $name, $model) = @_; return bless { Doc => $doc, Name => $name, Model => $model }, $class }

sub getNodeType { XML::DOM::ELEMENT_DECL_NODE }
sub getNodeName { $_[0]{Name} }
sub getName     { $_[0]{Name} }
sub getModel    { $_[0]{Model} }
sub setModel    { $_[0]{Model} = $_[1] }
sub cloneNode   { my ($self) = @_; return bless { %$self, Parent => undef }, ref $self }
sub _print      { ${ $_[1] } .= "<!ELEMENT $_[0]{Name} $_[0]{Model}>" }

######################################################################
package XML::DOM::AttDef;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name, $type, $default, $fixed) = @_;
    my $self = bless { Doc => $doc, Name => $name, Type => $type }, $class;
    if (defined $default) {
        if ($default eq '#REQUIRED') { $self->{Required} = 1 }
        elsif ($default eq '#IMPLIED') { $self->{Implied} = 1 }
        else { $self->{Default} = $default }
    }
    $self->{Fixed} = 1 if $fixed;
    return $self;
}

sub getNodeType { XML::DOM::ATT_DEF_NODE }
sub getNodeName { $_[0]{Name} }
sub getName     { $_[0]{Name} }
sub getType     { $_[0]{Type} }
sub isFixed     { $_[0]{Fixed} }
sub isRequired  { $_[0]{Required} }
sub isImplied   { $_[0]{Implied} }
sub getDefault  { defined $_[0]{Default} ? XML::DOM::Attr->new($_[0]{Doc}, $_[0]{Name}, $_[0]{Default}, 0) : undef }
sub cloneNode   { my ($self) = @_; return bless { %$self }, ref $self }

sub getDefaultString {
    my ($self) = @_;
    return '#REQUIRED' if $self->{Required};
    return '#IMPLIED' if $self->{Implied};
    return defined $self->{Default} ? "'" . XML::DOM::encodeAttrValue($self->{Default}) . "'" : undef;
}

sub _print {
    my ($self, $out) = @_;
    $$out .= "$self->{Name} $self->{Type}";
    $$out .= ' #FIXED' if $self->{Fixed};
    if ($self->{Required}) { $$out .= ' #REQUIRED' }
    elsif ($self->{Implied}) { $$out .= ' #IMPLIED' }
    elsif (defined $self->{Default}) { $$out .= " '" . XML::DOM::encodeAttrValue($self->{Default}) . "'" }
}

######################################################################
package XML::DOM::AttlistDecl;

our @ISA = ('XML::DOM::Node');

sub new { my ($class, $doc, $name) = @_; return bless { Doc => $doc, Name => $name, Defs => [] }, $class }

sub getNodeType { XML::DOM::ATTLIST_DECL_NODE }
sub getNodeName { $_[0]{Name} }
sub getName     { $_[0]{Name} }
sub getAttDef   { my ($self, $name) = @_; for (@{ $self->{Defs} }) { return $_ if $_->{Name} eq $name } undef }

sub addAttDef {
    my ($self, $def) = @_;
    return if $self->getAttDef($def->{Name});    # the first declaration binds
    push @{ $self->{Defs} }, $def;
}

sub cloneNode {
    my ($self) = @_;
    return bless { %$self, Parent => undef, Defs => [ map { $_->cloneNode } @{ $self->{Defs} } ] }, ref $self;
}

sub _print {
    my ($self, $out) = @_;
    my @defs = @{ $self->{Defs} };
    $$out .= "<!ATTLIST $self->{Name}";
    if (@defs == 1) {
        $$out .= ' ';
        $defs[0]->_print($out);
    } else {
        for my $def (@defs) {
            $$out .= "\n  ";
            $def->_print($out);
        }
    }
    $$out .= '>';
}

######################################################################
package XML::DOM::DocumentType;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class, $doc, $name, $sysid, $pubid) = @_;
    return bless { Doc => $doc, Name => $name, SysId => $sysid, PubId => $pubid, Entities => [], Notations => [],
                   C => XML::DOM::NodeList->new }, $class;
}

sub getNodeType { XML::DOM::DOCUMENT_TYPE_NODE }
sub getNodeName { $_[0]{Name} }
sub getName     { $_[0]{Name} }
sub getSysId    { $_[0]{SysId} }
sub getPubId    { $_[0]{PubId} }
sub setName     { $_[0]{Name} = $_[1] }
sub setSysId    { $_[0]{SysId} = $_[1] }
sub setPubId    { $_[0]{PubId} = $_[1] }
sub isReadOnly  { 1 }

sub getEntity {
    my ($self, $name) = @_;
    for (@{ $self->{Entities} }) { return $_ if $_->{NotationName} eq $name && !$_->{Parameter} }
    return undef;
}

sub getEntities {
    my ($self) = @_;
    my $map = XML::DOM::NamedNodeMap->new(Doc => $self->{Doc});
    for my $e (@{ $self->{Entities} }) { $map->{ $e->{NotationName} } ||= $e; push @{ $map->getValues }, $e }
    return $map;
}

sub getNotations {
    my ($self) = @_;
    my $map = XML::DOM::NamedNodeMap->new(Doc => $self->{Doc});
    for my $n (@{ $self->{Notations} }) { $map->{ $n->{Name} } ||= $n; push @{ $map->getValues }, $n }
    return $map;
}

sub addEntity {
    my ($self, $entity) = @_;
    for (@{ $self->{Entities} }) {
        return if $_->{NotationName} eq $entity->{NotationName} && $_->{Parameter} == $entity->{Parameter};
    }
    push @{ $self->{Entities} }, $entity;
}

sub getAttlistDecl {
    my ($self, $name) = @_;
    for (@{ $self->{C} }) { return $_ if $_->getNodeType == XML::DOM::ATTLIST_DECL_NODE && $_->{Name} eq $name }
    return undef;
}

sub getElementDecl {
    my ($self, $name) = @_;
    for (@{ $self->{C} }) { return $_ if $_->getNodeType == XML::DOM::ELEMENT_DECL_NODE && $_->{Name} eq $name }
    return undef;
}

sub _add_decl {
    my ($self, $node) = @_;
    $node->{Parent} = $self;
    push @{ $self->{C} }, $node;
}

sub cloneNode {
    my ($self) = @_;
    my $copy = XML::DOM::DocumentType->new($self->{Doc}, $self->{Name}, $self->{SysId}, $self->{PubId});
    $copy->{Entities} = [ map { $_->cloneNode } @{ $self->{Entities} } ];
    $copy->{Notations} = [ map { $_->cloneNode } @{ $self->{Notations} } ];
    $copy->_add_decl($_->cloneNode) for @{ $self->{C} };
    return $copy;
}

sub _print {
    my ($self, $out) = @_;
    $$out .= "<!DOCTYPE $self->{Name}";
    if (defined $self->{PubId}) {
        no warnings 'uninitialized';
        $$out .= qq( PUBLIC "$self->{PubId}" "$self->{SysId}");
    } elsif (defined $self->{SysId}) {
        $$out .= qq( SYSTEM "$self->{SysId}");
    }
    my @parts = (@{ $self->{Entities} }, @{ $self->{Notations} }, @{ $self->{C} });
    if (@parts) {
        $$out .= " [\n";
        for my $part (@parts) {
            $$out .= ' ';
            $part->_print($out);
            $$out .= "\n";
        }
        $$out .= ']';
    }
    $$out .= '>';
}

######################################################################
package XML::DOM::Document;

our @ISA = ('XML::DOM::Node');

sub new {
    my ($class) = @_;
    my $self = bless { C => XML::DOM::NodeList->new, Generation => 0 }, $class;
    # as XML::DOM: the document points to itself, getOwnerDocument still answers undef
    $self->{Doc} = $self;
    return $self;
}

sub getNodeType      { XML::DOM::DOCUMENT_NODE }
sub getNodeName      { '#document' }
sub getOwnerDocument { undef }
sub getDoctype       { $_[0]{Doctype} }
sub getXMLDecl       { $_[0]{XmlDecl} }
sub setXMLDecl       { $_[0]{XmlDecl} = $_[1]; XML::DOM::Node::_touch($_[0]) }
sub expandEntity {
    my ($self, $name) = @_;
    my $entity = $self->getEntity($name) or return undef;
    return $entity->getValue;
}
sub getImplementation { $XML::DOM::DOMImplementation::Singleton }

sub getDocumentElement {
    my ($self) = @_;
    for my $kid (@{ $self->{C} }) { return $kid if $kid->isElementNode }
    return undef;
}

sub createElement  { XML::DOM::Element->new($_[0], $_[1]) }
sub createTextNode { XML::DOM::Text->new($_[0], $_[1]) }
sub createComment  { XML::DOM::Comment->new($_[0], $_[1]) }
sub createCDATASection { XML::DOM::CDATASection->new($_[0], $_[1]) }
sub createAttribute { my ($self, $name, $value, $specified) = @_; XML::DOM::Attr->new($self, $name, $value, $specified) }
sub createProcessingInstruction { XML::DOM::ProcessingInstruction->new($_[0], $_[1], $_[2]) }
sub createDocumentFragment { XML::DOM::DocumentFragment->new($_[0]) }
sub createXMLDecl { my $self = shift; XML::DOM::XMLDecl->new($self, @_) }
sub createDocumentType { my $self = shift; XML::DOM::DocumentType->new($self, @_) }
sub createEntityReference { my $self = shift; XML::DOM::EntityReference->new($self, @_) }

sub rejectChild {
    my $t = $_[1]->getNodeType;
    return !($t == XML::DOM::ELEMENT_NODE || $t == XML::DOM::PROCESSING_INSTRUCTION_NODE
             || $t == XML::DOM::COMMENT_NODE || $t == XML::DOM::DOCUMENT_TYPE_NODE);
}

sub _second_element {
    my ($self, $node) = @_;
    my @nodes = $node->isDocumentFragmentNode ? @{ $node->{C} } : ($node);
    return (grep { $_->isElementNode } @nodes) && defined $self->getDocumentElement;
}

sub appendChild {
    my ($self, $node) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::HIERARCHY_REQUEST_ERR, 'document can have only one Element')
        if $self->_second_element($node);
    return $self->SUPER::appendChild($node);
}

sub insertBefore {
    my ($self, $node, $ref) = @_;
    XML::DOM::Node::_exception(XML::DOM::DOMException::HIERARCHY_REQUEST_ERR, 'document can have only one Element')
        if $self->_second_element($node);
    return $self->SUPER::insertBefore($node, $ref);
}

sub replaceChild {
    my ($self, $node, $ref) = @_;
    my $root = $self->getDocumentElement;
    XML::DOM::Node::_exception(XML::DOM::DOMException::HIERARCHY_REQUEST_ERR, 'document can have only one Element')
        if $node->isElementNode && defined $root && $root != $ref;
    return $self->SUPER::replaceChild($node, $ref);
}

sub removeChild {
    my ($self, $node) = @_;
    my $removed = $self->SUPER::removeChild($node);
    delete $self->{Doctype} if $self->{Doctype} && $self->{Doctype} == $node;
    return $removed;
}

sub removeDoctype {
    my ($self) = @_;
    my $doctype = $self->{Doctype} or return undef;
    $self->removeChild($doctype);
    return $doctype;
}

sub setDoctype {
    my ($self, $doctype) = @_;
    if ($self->{Doctype}) { $self->replaceChild($doctype, $self->{Doctype}) }
    else { $self->appendChild($doctype) }
    $self->{Doctype} = $doctype;
}

sub getEntity {
    my ($self, $name) = @_;
    return $self->{Doctype} ? $self->{Doctype}->getEntity($name) : undef;
}

sub cloneNode {
    my ($self, $deep) = @_;
    my $copy = XML::DOM::Document->new;
    if ($deep) {
        for my $kid (@{ $self->{C} }) {
            my $k = $kid->cloneNode($deep);
            $k->setOwnerDocument($copy);
            $k->{Parent} = $copy;
            push @{ $copy->{C} }, $k;
            $copy->{Doctype} = $k if $kid->getNodeType == XML::DOM::DOCUMENT_TYPE_NODE;
        }
    }
    $copy->{XmlDecl} = $self->{XmlDecl}->cloneNode if $self->{XmlDecl};
    $copy->{XmlDecl}{Doc} = $copy if $copy->{XmlDecl};
    return $copy;
}

sub _print {
    my ($self, $out) = @_;
    if (defined $self->{XmlDecl}) {
        $self->{XmlDecl}->_print($out);
        $$out .= "\n";
    }
    for my $kid (@{ $self->{C} }) {
        $kid->_print($out);
        $$out .= "\n";
    }
}

# The daemon's copy of this document for xql, sent again only after a change.
sub _query_handle {
    my ($self) = @_;
    my $q = $self->{Query};
    return $q->{handle} if $q && $q->{generation} == $self->{Generation};
    $self->_close_query;
    # defaulted attributes written out too: XQL sees them, as it sees every Attr of an element
    my $xml = do { local $XML::DOM::_QueryCopy = 1; $self->toString };
    utf8::encode($xml);
    my $r = XML::DOM::_call('load', {}, $xml);
    Carp::croak(XML::DOM::_error_text($r)) if $r->{failed};
    $self->{Query} = { handle => $r->{result}{document}, generation => $self->{Generation} };
    return $self->{Query}{handle};
}

sub _close_query {
    my ($self) = @_;
    my $q = delete $self->{Query} or return;
    XML::DOM::_call('close', { document => $q->{handle} }) if ${^GLOBAL_PHASE} ne 'DESTRUCT';
}

sub dispose {
    my ($self) = @_;
    $self->_close_query;
    $self->SUPER::dispose;
    delete $self->{XmlDecl};
    delete $self->{Doctype};
}

sub DESTROY {
    my ($self) = @_;
    local ($@, $!, $?);
    eval { $self->_close_query } if $self->{Query} && ${^GLOBAL_PHASE} ne 'DESTRUCT';
}

######################################################################
package XML::DOM::DOMImplementation;

our $Singleton = bless \my $impl, 'XML::DOM::DOMImplementation';

sub hasFeature {
    my ($self, $feature, $version) = @_;
    return uc($feature) eq 'XML' && ($version eq '1.0' || $version eq '');
}

######################################################################
package XML::DOM::Parser;

# XML::DOM's parser (XML::Parser with the Dom style); the options it acts on here: KeepCDATA,
# NoExpand and ErrorContext.
sub new {
    my ($class, %args) = @_;
    return bless { %args }, ref $class || $class;
}

sub parse {
    my ($self, $source, %more) = @_;
    # expat's parse of a string leaves errno alone, and a script dying of a parse error exits
    # with it: whatever runs here, the caller's $! is put back before returning or dying
    my $errno = $! + 0;
    my %opts = (%$self, %more);
    my $bytes;
    if (ref $source && (ref $source eq 'GLOB' || Scalar::Util::reftype($source) eq 'GLOB' || eval { $source->can('read') })) {
        local $/;
        $bytes = readline $source;
        $bytes = '' unless defined $bytes;
    } else {
        $bytes = defined $source ? "$source" : '';
    }
    # expat reads the string's bytes as Perl stores them: a character string is its UTF-8 form
    utf8::encode($bytes) if utf8::is_utf8($bytes);
    # external entities in a string resolve against the script's working directory
    require Cwd;
    my $cwd = Cwd::getcwd();
    my $params = _options(\%opts);
    $params->{base} = $cwd if defined $cwd;
    return $self->_build(XML::DOM::_call('parse', $params, $bytes), $errno, \%opts, \$bytes);
}

sub parsefile {
    my ($self, $file, %more) = @_;
    my %opts = (%$self, %more);
    Carp::croak("Couldn't parsefile [$file]: URLs are not supported by CPAN Bridge")
        if $file =~ /^(https?|ftp|wais|gopher|file):/;
    # the open error exactly as XML::Parser words it, with this process's errno
    open(my $fh, '<', $file) or Carp::croak("Couldn't open $file:\n$!");
    close $fh;
    # a directory opens but does not read, which is where expat gives up
    if (-d $file) {
        require Errno;
        $! = Errno::EISDIR();    # what the failed read leaves behind
        die 'read error at ' . __FILE__ . ' line ' . __LINE__ . ".\n";
    }
    require File::Spec;
    my $path = File::Spec->rel2abs($file);
    # XML::Parser's read of a file ends with errno cleared, parse error or not
    return $self->_build(XML::DOM::_call('parse', { file => $path, as_given => $file, %{ _options(\%opts) } }), 0, \%opts,
                         sub { open(my $in, '<:raw', $path) or return ''; local $/; my $b = <$in>; $b });
}

# The parser options the daemon acts on.
sub _options {
    my ($opts) = @_;
    return { keep_cdata => $opts->{KeepCDATA} ? \1 : \0, no_expand => $opts->{NoExpand} ? \1 : \0 };
}

my $RS = "\x1E";
my $US = "\x1F";
my $ABSENT = "\x1D";

# Builds the DOM from the daemon's records (docs/protocol.md, "Module xml_dom").
sub _build {
    my ($self, $r, $errno, $opts, $document) = @_;
    if ($r->{failed}) {
        my $data = $r->{data} || {};
        my $e = XML::DOM::_error_text($r);
        if (defined $opts->{ErrorContext} && defined $data->{line} && $document) {
            my $bytes = ref $document eq 'CODE' ? $document->() : $$document;
            $e .= ":\n" . _in_context($bytes, $data->{line}, $data->{column}, $opts->{ErrorContext});
        }
        $! = $errno if defined $errno;
        # the encoding map XML::Parser looked for and did not find
        if (($data->{reason} || '') eq 'encoding') { require Errno; $! = Errno::ENOENT() }
        # expat's own text, where XML::Parser dies with it (no "<FH> line N" added: the
        # position is the document's, not the script's last read)
        die $e . ' at ' . __FILE__ . ' line ' . __LINE__ . ".\n" if ($data->{reason} || '') =~ /\A(?:parse|encoding)\z/;
        Carp::croak($e);
    }
    my $records = $r->{attachment};
    $records = '' unless defined $records;
    utf8::decode($records);

    my $doc = XML::DOM::Document->new;
    my $node = $doc;
    my ($doctype, $last_cdata);
    my @prolog;
    for my $record (split /$RS/o, $records) {
        my $kind = substr($record, 0, 1);
        if ($kind eq 'T') {
            my $t = bless { Doc => $doc, Data => substr($record, 2), Parent => $node }, 'XML::DOM::Text';
            push @{ $node->{C} }, $t;
        } elsif ($kind eq 'E') {
            my ($k, $name, @attrs) = split /$US/o, $record, -1;
            my $el = bless { Doc => $doc, TagName => $name, C => bless([], 'XML::DOM::NodeList'), Parent => $node },
                'XML::DOM::Element';
            if (@attrs) {
                my $map = XML::DOM::NamedNodeMap->new(Doc => $doc, Parent => $el);
                my $values = $map->getValues;
                while (@attrs) {
                    my ($an, $av, $spec) = splice @attrs, 0, 3;
                    my $attr = bless { Doc => $doc, Name => $an, Value => $av, Specified => $spec ? 1 : 0,
                                       UsedIn => $map }, 'XML::DOM::Attr';
                    Scalar::Util::weaken($attr->{UsedIn});
                    $map->{$an} = $attr;
                    push @$values, $attr;
                }
                $el->{A} = $map;
            }
            push @{ $node->{C} }, $el;
            $node = $el;
        } elsif ($kind eq '/') {
            $node = $node->{Parent};
        } elsif ($kind eq 'R') {
            push @{ $node->{C} }, bless { Doc => $doc, EntityName => substr($record, 2), Parameter => 0, NoExpand => 1,
                                          Parent => $node }, 'XML::DOM::EntityReference';
        } elsif ($kind eq 'C') {
            $last_cdata = bless { Doc => $doc, Data => substr($record, 2), Parent => $node }, 'XML::DOM::CDATASection';
            push @{ $node->{C} }, $last_cdata;
        } elsif ($kind eq '+') {
            $last_cdata->{Data} .= substr($record, 2);
        } elsif ($kind eq '#') {
            push @{ $node->{C} }, bless { Doc => $doc, Data => substr($record, 2), Parent => $node }, 'XML::DOM::Comment';
        } elsif ($kind eq '?') {
            my (undef, $target, $data) = _fields($record);
            push @{ $node->{C} }, bless { Doc => $doc, Target => $target, Data => $data, Parent => $node },
                'XML::DOM::ProcessingInstruction';
        } elsif ($kind eq 'X') {
            my (undef, $version, $encoding, $standalone) = _fields($record);
            $standalone = $standalone eq 'yes' ? 1 : '' if defined $standalone;
            $doc->{XmlDecl} = XML::DOM::XMLDecl->new($doc, $version, $encoding, $standalone);
        } elsif ($kind eq 'D') {
            my (undef, $name, $sysid, $pubid) = _fields($record);
            $doctype = XML::DOM::DocumentType->new($doc, $name, $sysid, $pubid);
            $doctype->{Parent} = $doc;
            $doc->{Doctype} = $doctype;
            # XML::DOM puts the DOCTYPE first among the document's children
            unshift @{ $doc->{C} }, $doctype;
        } elsif ($kind eq 'N') {
            my (undef, @f) = _fields($record);
            $doctype->addEntity(XML::DOM::Entity->new($doc, @f[0 .. 4], $f[5]));
        } elsif ($kind eq 'O') {
            my (undef, $name, $sysid, $pubid) = _fields($record);
            push @{ $doctype->{Notations} }, XML::DOM::Notation->new($doc, $name, undef, $sysid, $pubid);
        } elsif ($kind eq 'L') {
            my (undef, $name, $model) = _fields($record);
            $doctype->_add_decl(XML::DOM::ElementDecl->new($doc, $name, $model)) unless $doctype->getElementDecl($name);
        } elsif ($kind eq 'A') {
            my (undef, $element, $name, $type, $default, $fixed) = _fields($record);
            my $decl = $doctype->getAttlistDecl($element);
            unless ($decl) {
                $decl = XML::DOM::AttlistDecl->new($doc, $element);
                $doctype->_add_decl($decl);
            }
            $decl->addAttDef(XML::DOM::AttDef->new($doc, $name, $type, $default, $fixed eq '1'));
        }
    }
    $! = $errno if defined $errno;
    return $doc;
}

# XML::Parser's ErrorContext: the lines around the error, and under the error line a marker
# pointing at the column.
sub _in_context {
    my ($bytes, $line, $column, $around) = @_;
    my @lines = split /\n/, $bytes;
    my $first = $line - $around < 1 ? 1 : $line - $around;
    my $last = $line + $around > @lines ? scalar @lines : $line + $around;
    my $text = '';
    for my $n ($first .. $last) {
        $text .= $lines[ $n - 1 ] . "\n";
        $text .= ('=' x ($column - 1)) . "^\n" if $n == $line;
    }
    return $text;
}

sub _fields { return map { $_ eq $ABSENT ? undef : $_ } split /$US/o, $_[0], -1 }

1;

__END__

=head1 NAME

XML::DOM - CPAN Bridge drop-in for XML::DOM 1.46 (DOM Level 1 over the bridge daemon's parser)

=head1 SYNOPSIS

 use XML::DOM;
 my $doc = XML::DOM::Parser->new->parsefile('/etc/app/config.xml');
 my ($node) = $doc->getElementsByTagName('server');
 $node->setAttribute(port => 8080);
 my $host = ( $doc->xql('//server/@host') )[0];
 $doc->printToFile('/etc/app/config.xml');
 $doc->dispose;

=head1 DESCRIPTION

The daemon's C<xml_dom> module parses (System.Xml, expat-worded errors); the document is then a
tree of plain Perl objects with XML::DOM's classes and methods, so scripts edit it locally and
C<toString>/C<printToFile> write what XML::DOM writes. See docs/xml.md for what differs.

=head1 LIMITATIONS

ParseParamEnt/ExpandParamEnt, ProtocolEncoding and XML::Parser handlers are not supported;
xql is XPath 1.0 with XQL's 0-based subscripts and $op$ operators rewritten (docs/xml.md).

=cut
