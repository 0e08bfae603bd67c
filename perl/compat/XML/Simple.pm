package XML::Simple;

# Drop-in for XML::Simple 2.25. XMLin's folding and XMLout's unfolding run in the daemon (module
# `xml`, docs/protocol.md), the one implementation the raw API shares. What only Perl can do is
# done here: argument and option checks with XML::Simple's croak texts, defaults and the OO form,
# finding a file on SearchPath, reading filehandles and STDIN, ForceArray regexes, OutputFile, and
# carping the warnings the daemon returns as XML::Simple carps them.

use strict;
use warnings;
use warnings::register;
use Carp qw(croak carp);
use Config ();
use File::Basename ();
use File::Spec ();
use Scalar::Util ();
use re ();
use CPANBridge;
use CPANBridge::ReplaceFile ();
require Exporter;

our $VERSION = '2.25';
our @ISA = qw(Exporter);
our @EXPORT = qw(XMLin XMLout);
our @EXPORT_OK = qw(xml_in xml_out);
our $PREFERRED_PARSER;    # accepted for compatibility; the daemon always parses
our $_characters;         # XMLout: whether some string of the data was a character string

my %KNOWN_IN = map { $_ => 1 } qw(keyattr keeproot forcecontent contentkey noattr searchpath forcearray cache
    suppressempty parseropts grouptags nsexpand datahandler varattr variables normalisespace normalizespace
    valueattr strictmode);
my %KNOWN_OUT = map { $_ => 1 } qw(keyattr keeproot contentkey noattr rootname xmldecl outputfile noescape
    suppressempty grouptags nsexpand handler noindent attrindent nosort valueattr numericescape strictmode);
my %CACHE_SCHEMES = map { $_ => 1 } qw(storable memshare memcopy);

# Packages that said `use XML::Simple qw(:strict)`.
my %STRICT;

# Where XML::Simple's parse errors say they were raised: expat's die inside XML::Parser, whose
# location Perl appends. Scripts print $@, so the text names the same place.
my $PARSER_AT = ' at '
    . File::Spec->catfile($Config::Config{vendorarchexp} || $Config::Config{archlibexp}, 'XML', 'Parser.pm')
    . ' line 187.';

# Namespaces are XML::NamespaceSupport's business under XML::SAX::Expat; an undeclared prefix
# dies there.
my $NAMESPACES_AT = ' at '
    . File::Spec->catfile($Config::Config{vendorlibexp} || $Config::Config{privlibexp}, 'XML', 'NamespaceSupport.pm')
    . ' line 285.';

my $BRIDGE;
sub _bridge { return $BRIDGE ||= CPANBridge->new }

sub import {
    my @args = @_;
    if (grep { $_ eq ':strict' } @args) {
        $STRICT{ scalar caller } = 1;
        @args = grep { $_ ne ':strict' } @args;
    }
    @_ = @args;
    goto &Exporter::import;
}

# The strict flag of the first package up the stack that is not this one.
sub _caller_strict {
    my $level = 1;
    while (my ($package) = caller($level++)) {
        next if $package eq __PACKAGE__;
        return $STRICT{$package} ? 1 : 0;
    }
    return 0;
}

sub _key { my $k = lc shift; $k =~ s/_//g; return $k }

sub new {
    my $class = shift;
    croak 'Default options must be name=>value pairs (odd number supplied)' if @_ % 2;
    my %given = @_;
    # As XML::Simple: only the exact name 'strictmode' keeps the caller's :strict out; with
    # 'StrictMode' given, both land on one option and the hash's order decides.
    $given{strictmode} = _caller_strict() unless exists $given{strictmode};
    my %defaults;
    for my $name (keys %given) {
        my $key = _key($name);
        croak "Unrecognised option: $name" unless $KNOWN_IN{$key} || $KNOWN_OUT{$key};
        $defaults{$key} = $given{$name};
    }
    return bless { def_opt => \%defaults }, ref($class) || $class;
}

sub _object {
    return shift if ref $_[0] && Scalar::Util::blessed($_[0]) && $_[0]->isa(__PACKAGE__);
    # XML::Simple->XMLin(...): XML::Simple takes the class name for an object and dies using it.
    if (defined $_[0] && !ref $_[0] && $_[0] eq __PACKAGE__) {
        croak qq{Can't use string ("$_[0]") as a HASH ref while "strict refs" in use};
    }
    return __PACKAGE__->new;
}

# The options of one call merged over the object's defaults, with XML::Simple's own checks.
sub _options {
    my ($self, $direction, @pairs) = @_;
    croak 'Options must be name=>value pairs (odd number supplied)' if @pairs % 2;
    my $known = $direction eq 'in' ? \%KNOWN_IN : \%KNOWN_OUT;
    my %given = @pairs;
    my %opt;
    for my $name (keys %given) {
        my $key = _key($name);
        croak "Unrecognised option: $name" unless $known->{$key};
        $opt{$key} = $given{$name};
    }
    my $defaults = $self->{def_opt} || {};
    for my $key (keys %$defaults) {
        $opt{$key} = $defaults->{$key} if $known->{$key} && !exists $opt{$key};
    }

    if (exists $opt{cache}) {
        my @schemes = ref $opt{cache} ? @{ $opt{cache} } : ($opt{cache});
        for my $scheme (@schemes) {
            croak "Unsupported caching scheme: $scheme" unless $CACHE_SCHEMES{ lc $scheme };
        }
    }
    if (exists $opt{parseropts}) {
        carp "Warning: 'ParserOpts' is deprecated, contact the author if you need it" if warnings::enabled();
        delete $opt{parseropts};
    }

    my $strict = $opt{strictmode};
    if (!exists $opt{forcearray} && $strict && $direction eq 'in') {
        croak "No value specified for 'ForceArray' option in call to XMLin()";
    }
    if (exists $opt{keyattr}) {
        if (ref $opt{keyattr} eq 'HASH' && $strict && $direction eq 'in') {
            my $force = $opt{forcearray};
            my %forced = ref $force eq 'ARRAY' ? map { ref $_ ? () : ($_ => 1) } @$force : ();
            my $all = !ref $force && $force;
            for my $element (keys %{ $opt{keyattr} }) {
                croak "<$element> set in KeyAttr but not in ForceArray" unless $all || $forced{$element};
            }
        }
    }
    elsif ($strict) {
        croak "No value specified for 'KeyAttr' option in call to XML$direction()";
    }
    if ($opt{grouptags}) {
        croak "Illegal value for 'GroupTags' option - expected a hashref" unless UNIVERSAL::isa($opt{grouptags}, 'HASH');
        # With each, as XML::Simple: a croak leaves the hash's iterator where it was, and the next
        # call with the same hash goes on from there (and does not croak). Scripts see that.
        while (my ($key, $value) = each %{ $opt{grouptags} }) {
            croak "Bad value in GroupTags: '$key' => '$value'" if defined $value && $key eq $value;
        }
    }
    if ($opt{variables} && !UNIVERSAL::isa($opt{variables}, 'HASH')) {
        croak "Illegal value for 'Variables' option - expected a hashref";
    }
    for my $callback (qw(datahandler handler)) {
        croak "XML::Simple option '$callback' (a callback) not supported by CPAN Bridge" if $opt{$callback};
    }
    croak "XML::Simple option 'NSExpand' not supported by CPAN Bridge" if $opt{nsexpand};
    return \%opt;
}

# The options as the daemon takes them: Perl-only ones removed, qr// as {regex, flags}.
sub _wire_options {
    my ($opt) = @_;
    my %wire = %$opt;
    delete @wire{qw(searchpath cache outputfile)};
    if (exists $wire{forcearray}) {
        my $force = $wire{forcearray};
        if (ref $force eq 'Regexp') {
            $wire{forcearray} = [ _regex($force) ];
        }
        elsif (ref $force eq 'ARRAY') {
            $wire{forcearray} = [ map { ref $_ eq 'Regexp' ? _regex($_) : $_ } @$force ];
        }
        else {
            $wire{forcearray} = $force ? 1 : 0;
        }
    }
    return \%wire;
}

sub _regex {
    my ($pattern, $flags) = re::regexp_pattern($_[0]);
    return { regex => $pattern, flags => $flags };
}

# ---------------------------------------------------------------------------------------------
# XMLin

sub XMLin {
    my $self = &_object;
    my $target = shift;
    if (!defined $target) {
        return $self->parse_file(undef, @_);
    }
    if (!ref $target && $target eq '-') {
        my $text = do { local $/; <STDIN> };
        return $self->parse_string(\$text, @_);
    }
    if (ref $target) {
        return ref $target eq 'SCALAR' ? $self->parse_string($target, @_) : $self->parse_fh($target, @_);
    }
    return $self->parse_string(\$target, @_) if $target =~ m{<.*?>}s;
    return $self->parse_file($target, @_);
}

sub parse_file {
    my $self = &_object;
    my $file = shift;
    my $opt = $self->_options('in', @_);
    my @search = !$opt->{searchpath} ? () : ref $opt->{searchpath} ? @{ $opt->{searchpath} } : ($opt->{searchpath});
    if (!defined $file) {
        my ($base, $dir) = File::Basename::fileparse($0, qr/\.[^.]+/);
        unshift @search, $dir if $dir;
        $file = "$base.xml";
    }
    my $path = _find_file($file, @search);
    return _xml_in($opt, { path => File::Spec->rel2abs($path) });
}

sub parse_fh {
    my $self = &_object;
    my $fh = shift;
    croak "Can't use " . (defined $fh ? qq{string ("$fh")} : 'undef') . ' as a filehandle' unless ref $fh;
    my $opt = $self->_options('in', @_);
    my $text = do { local $/; <$fh> };
    return _xml_in($opt, {}, $text);
}

sub parse_string {
    my $self = &_object;
    my $string = shift;
    my $opt = $self->_options('in', @_);
    return _xml_in($opt, {}, ref $string ? $$string : $string);
}

# XML::Simple's search: a name with a directory part is taken as it is, a bare name is looked
# for on SearchPath, and without a SearchPath in the current directory.
sub _find_file {
    my ($file, @search) = @_;
    my ($name) = File::Basename::fileparse($file);
    if ($name ne $file) {
        return $file if -e $file;
    }
    else {
        for my $dir (@search) {
            my $candidate = File::Spec->catfile($dir, $file);
            return $candidate if -e $candidate;
        }
    }
    if (!@search) {
        return $file if -e $file;
        croak "File does not exist: $file";
    }
    croak "Could not find $file in ", join(':', @search);
}

sub _xml_in {
    my ($opt, $params, $text) = @_;
    $params->{options} = _wire_options($opt);
    my %att;
    if (defined $text) {
        # expat reads a character string as its UTF-8 form and a byte string as bytes.
        utf8::encode($text) if utf8::is_utf8($text);
        $att{attachment} = $text;
    }
    my $r = _bridge()->call('xml', 'xml_in', $params, \%att);
    _fail($r) unless $r->{success};
    if (warnings::enabled()) {
        carp $_ for @{ $r->{result}{warnings} || [] };
    }
    return exists $r->{result}{data} ? $r->{result}{data} : _from_tree($r->{attachment});
}

# The structure from xml.xml_in's tree form (docs/protocol.md): NUL-separated UTF-8 tokens in
# preorder, "\x01" a hash, "\x02" an array, "\x03" the end of one, "\x04" undef, "\x05" before a
# string of XML::Simple's own (the content key, '' from SuppressEmpty). The buffer is decoded as
# one character string before the split, so strings from the document are character strings,
# ASCII ones too, as expat hands them to XML::Simple; XML::Simple's own are byte strings.
sub _from_tree {
    my ($buffer) = @_;
    utf8::decode($buffer);
    utf8::upgrade($buffer);
    my @tokens = split /\0/, $buffer, -1;
    my $i = 0;
    my $build;
    $build = sub {
        my $kind = $tokens[$i++];
        if ($kind eq "\x01") {
            my %hash;
            while ((my $key = $tokens[$i++]) ne "\x03") {
                $key = _own($key) if ord($key) == 5;
                my $value = $tokens[$i];
                if (length $value == 1 && $value lt "\x06") {
                    $hash{$key} = $build->();
                }
                else {
                    $hash{$key} = $value;
                    $i++;
                }
            }
            return \%hash;
        }
        if ($kind eq "\x02") {
            my @array;
            while ((my $value = $tokens[$i]) ne "\x03") {
                if (length $value == 1 && $value lt "\x06") {
                    push @array, $build->();
                }
                else {
                    push @array, $value;
                    $i++;
                }
            }
            $i++;
            return \@array;
        }
        return undef if $kind eq "\x04";
        return _own($kind) if ord($kind) == 5;
        return $kind;
    };
    my $data = $build->();
    undef $build;    # the closure refers to itself
    return $data;
}

# A string of XML::Simple's own, without its marker: a Perl literal has no UTF-8 flag.
sub _own {
    my $string = substr($_[0], 1);
    utf8::downgrade($string, 1);
    return $string;
}

sub _fail {
    my ($r) = @_;
    my $data = ref $r->{data} eq 'HASH' ? $r->{data} : {};
    my $kind = $data->{kind} || '';
    croak "$data->{expat}$PARSER_AT\nXML::Simple called" if $kind eq 'parse';
    croak "Undeclared prefix: $data->{prefix}$NAMESPACES_AT\nXML::Simple called" if $kind eq 'prefix';
    croak $r->{error} if $kind eq 'croak';
    croak "XML::Simple: $r->{error}";
}

# ---------------------------------------------------------------------------------------------
# XMLout

sub XMLout {
    my $self = &_object;
    croak 'XMLout() requires at least one argument' unless @_;
    my $ref = shift;
    my $opt = $self->_options('out', @_);
    # KeepRoot takes the keys of the data, which must then be a hash (an array is wrapped in one).
    if ($opt->{keeproot} && !UNIVERSAL::isa($ref, 'HASH') && !UNIVERSAL::isa($ref, 'ARRAY')) {
        croak defined $ref ? qq{Can't use string ("$ref") as a HASH ref while "strict refs" in use}
                           : "Can't use an undefined value as a HASH reference";
    }
    local $XML::Simple::_characters = 0;
    my $params = { options => _wire_options($opt), xml_attachment => 1 };
    my $tree = _to_tree($ref);
    $params->{data} = _plain($ref, {}) unless defined $tree;
    my $r = _bridge()->call('xml', 'xml_out', $params, defined $tree ? { attachment => $tree } : ());
    _fail($r) unless $r->{success};
    if (warnings::enabled()) {
        carp $_ for @{ $r->{result}{warnings} || [] };
    }
    my $xml = $r->{attachment};
    $xml = '' unless defined $xml;
    utf8::decode($xml);
    # XML::Simple's text is a character string when some input was one; from byte strings only,
    # a byte string (what Data::Dumper and length on it show).
    utf8::downgrade($xml, 1) unless $XML::Simple::_characters || grep { utf8::is_utf8($_) } values %$opt;
    my $out = $opt->{outputfile};
    return $xml unless $out;
    if (ref $out) {
        require IO::Handle if UNIVERSAL::isa($out, 'GLOB') && !UNIVERSAL::can($out, 'print');
        return $out->print($xml);
    }
    return _write_file($out, $xml);
}

# Written under a temporary name and renamed (CPANBridge::ReplaceFile), so a reader never sees
# half a file. Where no file can be made beside it (a directory the job may not write to, a file
# it may), written in place as XML::Simple writes it, with its error texts.
sub _write_file {
    my ($file, $xml) = @_;
    if (-e $file && !-w _) {
        $! = 13;    # EACCES, what opening it for writing would have said
        croak "open($file): $!";
    }
    my ($temp, $target) = CPANBridge::ReplaceFile::temp_beside($file);
    my $fh;
    if (!defined $temp || !open($fh, '>', $temp)) {
        CPANBridge::ReplaceFile::discard($temp) if defined $temp;
        open($fh, '>', $file) or croak "open($file): $!";
        $temp = undef;
    }
    binmode($fh, ':utf8');
    unless (print {$fh} $xml) { my $e = $!; close $fh; CPANBridge::ReplaceFile::discard($temp) if defined $temp; $! = $e; croak "print: $!" }
    unless (close $fh) { CPANBridge::ReplaceFile::discard($temp) if defined $temp; croak "close: $!" }
    if (defined $temp && !CPANBridge::ReplaceFile::install($temp, $target)) { croak "open($file): $!" }
    return 1;
}

# The structure in the tree form (docs/protocol.md, module xml), as UTF-8 bytes; undef when a
# string holds one of the marker characters U+0000-U+0005 (then it goes as JSON). XML::Simple's
# refusals (circular data, values it cannot write) croak here with its texts.
sub _to_tree {
    my ($data) = @_;
    my @tokens;
    my $clean = 1;
    my %ancestors;
    my $walk;
    $walk = sub {
        my ($value) = @_;
        if (!ref $value) {
            if (!defined $value) { push @tokens, "\x04"; return }
            my $text = "$value";
            $clean = 0 if $text =~ /[\x00-\x05]/;
            $XML::Simple::_characters ||= utf8::is_utf8($text);
            push @tokens, $text;
            return;
        }
        my $address = Scalar::Util::refaddr($value);
        croak 'circular data structures not supported' if $ancestors{$address};
        $ancestors{$address} = 1;
        if (UNIVERSAL::isa($value, 'HASH')) {
            push @tokens, "\x01";
            for my $key (keys %$value) {
                $clean = 0 if $key =~ /[\x00-\x05]/;
                $XML::Simple::_characters ||= utf8::is_utf8($key);
                push @tokens, $key;
                $walk->($value->{$key});
            }
            push @tokens, "\x03";
        }
        elsif (UNIVERSAL::isa($value, 'ARRAY')) {
            push @tokens, "\x02";
            $walk->($_) for @$value;
            push @tokens, "\x03";
        }
        else {
            croak "Can't encode a value of type: " . ref($value);
        }
        delete $ancestors{$address};
    };
    my $ok = eval { $walk->($data); 1 };
    my $error = $@;
    undef $walk;    # the closure refers to itself
    die $error unless $ok;
    return undef unless $clean;
    my $buffer = join "\0", @tokens;
    utf8::upgrade($buffer);    # byte strings are Latin-1 characters, as XML::Simple treats them
    utf8::encode($buffer);
    return $buffer;
}

# A plain copy the wire can carry: blessed hashes and arrays as plain ones, scalars as strings.
# XML::Simple refuses what it cannot write, with these texts.
sub _plain {
    my ($value, $ancestors) = @_;
    return defined $value ? "$value" : undef unless ref $value;
    my $address = Scalar::Util::refaddr($value);
    croak 'circular data structures not supported' if $ancestors->{$address};
    local $ancestors->{$address} = 1;
    if (UNIVERSAL::isa($value, 'HASH')) {
        return { map { $_ => _plain($value->{$_}, $ancestors) } keys %$value };
    }
    if (UNIVERSAL::isa($value, 'ARRAY')) {
        return [ map { _plain($_, $ancestors) } @$value ];
    }
    croak "Can't encode a value of type: " . ref($value);
}

sub escape_value {
    my ($self, $data) = @_;
    return '' unless defined $data;
    my %entity = ('&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;');
    $data =~ s/([&<>"])/$entity{$1}/g;
    return $data;
}

*xml_in  = \&XMLin;
*xml_out = \&XMLout;

1;

__END__

=head1 NAME

XML::Simple - CPAN Bridge drop-in for XML::Simple 2.25 (XMLin / XMLout)

=head1 SYNOPSIS

    use XML::Simple;
    my $config = XMLin('config.xml', KeepRoot => 0, ForceArray => ['server']);
    my $xml    = XMLout($config, RootName => 'config', XMLDecl => 1);

    my $xs = XML::Simple->new(KeyAttr => [], ForceArray => 1);
    my $data = $xs->XMLin($string);

=head1 SUPPORTED

C<XMLin> from a file name (SearchPath, the script's directory for the default
C<< <script>.xml >>), an XML string, a scalar reference, a filehandle or C<'->' (STDIN);
C<XMLout> returning the text or writing C<OutputFile> (a name or a handle); C<xml_in>,
C<xml_out>, C<parse_string>, C<parse_file>, C<parse_fh>, C<< XML::Simple->new(%defaults) >> and
C<use XML::Simple qw(:strict)>.

Options: ForceArray (1, names, qr// patterns), KeyAttr (list or per-element hash with C<+>/C<->),
KeepRoot, ContentKey (also C<-content>), ForceContent, SuppressEmpty (1, '' or undef),
GroupTags, NormaliseSpace (0, 1, 2), ValueAttr, VarAttr, Variables, NoAttr, RootName, XMLDecl,
OutputFile, NoEscape, NoIndent, AttrIndent, NoSort, NumericEscape, StrictMode; Cache and
SearchPath are accepted (Cache parses again each time). Folding warnings are carped as
XML::Simple carps them; parse errors die with expat's message and position, as XML::Simple does.

=head1 NOT SUPPORTED / CAVEATS

=over

=item * DataHandler, Handler (SAX callbacks) and NSExpand croak "not supported by CPAN Bridge".

=item * ForceArray patterns are run by .NET's regex engine: the usual element-name patterns
(anchors, classes, alternation, C</i>) behave the same; Perl-only constructs do not.

=item * A parse error names XML::Parser's file, as the native module's error does, though no
XML::Parser is loaded.

=item * NoSort keeps the order the hash had when it was sent, which is as unspecified as
native's.

=item * The work happens in the daemon: a subclass overriding XML::Simple's internal methods
(new_hashref, sorted_keys, escape_value, hash_to_array...) changes nothing.

=back

=head1 SEE ALSO

L<XML::Simple> (the real module), docs/xml.md, docs/protocol.md (module C<xml>).

=cut
