package Crypt::CBC;

# Drop-in for Crypt::CBC 3.04. Everything a script can observe (options, key/IV derivation,
# headers, padding, buffering, warnings, croak texts) is computed here in core Perl; only the
# block cipher itself runs in the daemon (`crypto.crypt`), over whole buffers, so that
# megabytes are not enciphered in pure Perl. See docs/protocol.md, module `crypto`.

use strict;
use warnings;
no warnings 'uninitialized';
use Carp qw(croak carp);
use Digest::MD5 ();
use Digest::SHA ();
use CPANBridge;

our $VERSION = '3.04';
our $BRIDGE;    # shared with Crypt::Rijndael/Blowfish/DES/DES_EDE3

my $DEFAULT_ITER = 10_000;

my %VALID = map { $_ => 1 } qw(pass key cipher keysize chain_mode pbkdf nodeprecate iter hasher
    header iv salt padding literal_key pcbc add_header generate_key prepend_iv);

# Class name (after native's "Crypt::" munging) => [daemon cipher, keysize, blocksize, name
# native's cipher() reports]. IDEA's CPAN module lives in package IDEA, hence its name.
my %KNOWN = (
    'Crypt::Rijndael'     => [ 'AES',      32, 16, 'Crypt::Rijndael' ],
    'Crypt::Cipher::AES'  => [ 'AES',      32, 16, 'Crypt::Cipher::AES' ],
    'Crypt::OpenSSL::AES' => [ 'AES',      32, 16, 'Crypt::OpenSSL::AES' ],
    'Crypt::Blowfish'     => [ 'Blowfish', 56, 8,  'Crypt::Blowfish' ],
    'Crypt::DES'          => [ 'DES',      8,  8,  'Crypt::DES' ],
    'Crypt::DES_EDE3'     => [ 'DES_EDE3', 24, 8,  'Crypt::DES_EDE3' ],
    'Crypt::IDEA'         => [ 'IDEA',     16, 8,  'IDEA' ],
);

sub _bridge { return $BRIDGE ||= CPANBridge->new }

# One daemon round trip for a whole buffer. Shared by the raw cipher modules.
sub _daemon_crypt {
    my ($cipher, $mode, $dir, $key, $iv, $data) = @_;
    my $r = _bridge()->call('crypto', 'crypt', { cipher => $cipher, mode => $mode, direction => $dir },
                            { attachment => pack('w/a* w/a* a*', $key, $iv, $data) });
    unless ($r && $r->{success}) {
        my $e = $r ? $r->{error} : 'no answer from the daemon';
        $e = $e->{message} if ref $e eq 'HASH';
        croak "Crypt::CBC: $e";
    }
    my $out = $r->{attachment};
    return defined $out ? $out : '';
}

# ---------------------------------------------------------------------------------------------
# Construction

sub new {
    my $class = shift;
    my $o = _options(@_);
    for my $k (keys %$o) {
        croak "'$k' is not a recognized argument" unless $VALID{$k};
    }

    my ($cipher, $engine) = _cipher($o);
    my $header = _header_mode($o);
    my ($ks, $bs) = _sizes($cipher, $engine, $o);

    # key material
    my $pass = $o->{pass} || $o->{key};
    if ($o->{cipher} && ref $o->{cipher}) {
        carp 'Both a key and a pre-initialized Crypt::* object were passed. The key will be ignored'
            if defined $pass;
        $pass ||= '';
    }
    croak 'Please provide an encryption/decryption passphrase using -pass or -key' unless defined $pass;
    my $key = $o->{literal_key} ? $pass : undef;
    my $salt = $o->{salt};
    my $random_salt = !(defined $salt && $salt ne '1');
    croak 'Argument to -salt must be exactly 8 bytes long'
        if defined $salt && length $salt != 8 && $salt ne '1';
    my $iv = $o->{iv};
    undef $pass if $o->{literal_key};

    my $padding = _padding($bs, $o);

    my $pbkdf = $o->{pbkdf} || ($o->{literal_key} ? 'none' : $header eq 'randomiv' ? 'randomiv' : 'opensslv1');
    my $iter = $o->{iter} || $DEFAULT_ITER;
    $iter =~ /[\d_]+/ && $iter >= 1 or croak '-iterations argument must be greater than or equal to 1';

    my $chain = $o->{chain_mode} ? $o->{chain_mode} : $o->{pcbc} ? 'pcbc' : 'cbc';

    $key ||= $pass if $pbkdf eq 'none';
    my $literal_key = defined $key;
    croak "Initialization vector must be exactly $bs bytes long when using the $cipher cipher"
        if defined $iv && length($iv) != $bs;
    croak "invalid cipher block chain mode: $chain" unless $chain =~ /^(?:cbc|pcbc|cfb|ofb|ctr)\z/;
    croak "If specified by -literal_key, then the key length must be equal to the chosen cipher's key length of $ks bytes"
        if defined $key && length($key) != $ks;
    if ($header eq 'salt') {
        croak 'Cannot use salt-based key generation if literal key is specified' if $literal_key;
    }
    elsif ($header eq 'randomiv') {
        croak 'Cannot encrypt using a non-8 byte blocksize cipher when using randomiv header mode'
            unless $bs == 8;
    }
    croak "If a key derivation function (-pbkdf) of 'none' is provided, a literal key and iv must be provided"
        if $pbkdf eq 'none' && (!defined $key || !defined $iv);
    croak "If a -header mode of 'randomiv' is provided, then the -pbkdf key derivation function must be 'randomiv' or undefined"
        if $header eq 'randomiv' && $pbkdf ne 'randomiv';
    if ($pbkdf !~ /^(?:none|opensslv1|opensslv2|pbkdf2|randomiv)\z/) {
        # Native loads Crypt::CBC::PBKDF::<name> and passes on require's own complaint.
        local $@;
        eval "use Crypt::CBC::PBKDF::$pbkdf; 1" or croak "Could not load $pbkdf: $@";
        croak "Could not load $pbkdf: not a key derivation function this drop-in knows";
    }

    return bless {
        cipher => $cipher, engine => $engine, passphrase => $pass, key => $key, iv => $iv,
        salt => $salt, padding => $padding, blocksize => $bs, keysize => $ks,
        header_mode => $header, literal_key => $literal_key, literal_iv => defined $iv,
        chain_mode => $chain, make_random_salt => $random_salt, make_random_iv => !defined $iv,
        pbkdf => $pbkdf, iter => $iter, hasher => $o->{hasher}, nodeprecate => $o->{nodeprecate},
    }, $class;
}

sub _options {
    return { %{ $_[0] } } if ref $_[0] eq 'HASH';
    if (defined $_[0] && $_[0] =~ /^-[a-zA-Z_]{1,20}$/) {
        my %tmp = @_;
        my %o;
        while (my ($k, $v) = each %tmp) { $k =~ s/^-//; $o{ lc $k } = $v }
        return \%o;
    }
    return { key => $_[0], cipher => $_[1] };
}

# Returns (what cipher() reports, engine). The engine is either [daemon cipher name, key] data
# for the daemon, or an object the script gave us / a class we could not map, used per block.
sub _cipher {
    my $o = shift;
    my $c = $o->{cipher} || 'Crypt::Cipher::AES';
    if (ref $c) {
        if (ref($c) =~ /^Crypt::(?:Rijndael|Blowfish|DES|DES_EDE3)\z/ && $c->can('_bridge_spec')) {
            my $spec = $c->_bridge_spec;
            return ($c, { object => $c, daemon => $spec->[0], key => $spec->[1] }) if $spec;
        }
        return ($c, { object => $c });
    }
    $c = "Crypt::$c" unless $c =~ /^Crypt::/;
    if (my $k = $KNOWN{$c}) {
        return ($k->[3], { daemon => $k->[0], class => $c, ks => $k->[1], bs => $k->[2] });
    }
    $c->can('encrypt') or eval "require $c; 1" or croak "Couldn't load $c: $@";
    $c =~ s/^Crypt::// unless $c->can('keysize');
    return ($c, { class => $c });
}

sub _header_mode {
    my $o = shift;
    my $h = $o->{header};
    $h ||= 'none' if exists $o->{prepend_iv} && !$o->{prepend_iv};
    $h ||= 'none' if exists $o->{add_header} && !$o->{add_header};
    $h ||= 'none' if $o->{literal_key} || (exists $o->{pbkdf} && $o->{pbkdf} eq 'none');
    $h ||= 'salt';
    croak "Invalid -header mode '$h'" unless $h =~ /^(?:none|salt|randomiv)\z/;
    return $h;
}

sub _sizes {
    my ($cipher, $engine, $o) = @_;
    my $src = $engine->{object} || $engine->{class};
    my $ks = $o->{keysize} || $engine->{ks} || eval { $src->keysize } || eval { $src->max_keysize }
        or croak "Cannot derive keysize from $cipher";
    my $bs = $engine->{bs} || eval { $src->blocksize } or croak "$cipher did not provide a blocksize";
    return ($ks, $bs);
}

my %PADDING = (
    none => \&_no_padding, null => \&_null_padding, space => \&_space_padding,
    oneandzeroes => \&_oneandzeroes_padding, rijndael_compat => \&_rijndael_compat,
    standard => \&_standard_padding,
);

sub _padding {
    my ($bs, $o) = @_;
    my $p = $o->{padding} || 'standard';
    if (ref $p eq 'CODE') {
        for my $i (1 .. $bs - 1) {
            my $got = length($p->(' ' x $i, $bs, 'e'));
            croak "padding method callback does not behave properly: expected $bs bytes back, got $got bytes back."
                unless $got == $bs;
        }
        return $p;
    }
    return $PADDING{$p}
        || croak "'$p' padding not supported.  See perldoc Crypt::CBC for instructions on creating your own.";
}

# ---------------------------------------------------------------------------------------------
# Whole-value and streaming API

sub encrypt {
    my ($self, $data) = @_;
    $self->start('encrypting');
    my $r = $self->crypt($data);
    return $r . $self->finish;
}

sub decrypt {
    my ($self, $data) = @_;
    $self->start('decrypting');
    my $r = $self->crypt($data);
    return $r . $self->finish;
}

sub encrypt_hex { my ($self, $data) = @_; return join '', unpack 'H*', $self->encrypt($data) }
sub decrypt_hex { my ($self, $data) = @_; return $self->decrypt(pack 'H*', $data) }

sub start {
    my ($self, $op) = @_;
    croak 'Specify <e>ncryption or <d>ecryption' unless $op =~ /^[ed]/i;
    delete $self->{civ};
    $self->{buffer} = '';
    $self->{decrypt} = $op =~ /^d/i ? 1 : '';
    $self->_deprecation_warning;
    return;
}

sub _deprecation_warning {
    my $self = shift;
    return if $self->{nodeprecate} || $self->{decrypt};
    my $p = $self->{pbkdf};
    carp <<"END" if $p =~ /^(?:opensslv1|randomiv)\z/;
WARNING: The key derivation method "$p" is deprecated. Using -pbkdf=>'pbkdf2' would be better.
Pass -nodeprecate=>1 to inhibit this message.
END
}

sub _needs_padding {
    my $self = shift;
    return $self->{chain_mode} =~ /^p?cbc\z/ && $self->{padding} != \&_no_padding;
}

sub crypt {
    my ($self, $data) = @_;
    croak 'crypt() called without a preceding start()' unless exists $self->{buffer};
    $data = '' unless defined $data;
    if (utf8::is_utf8($data)) {
        # The native module works on the string's internal bytes (its XS ciphers see UTF-8 for
        # a character string, wide or Latin-1 upgraded); encrypt those same bytes.
        $data = "$data";
        utf8::encode($data);
    }
    my $d = $self->{decrypt};
    # undef, not '', when nothing comes out after the first call: native's return, which
    # scripts concatenating under -w see as "uninitialized"
    my $result;
    unless ($self->{civ}) {
        $result = $d ? $self->_init_from_stream(\$data) : $self->_init_from_options;
    }
    $self->{buffer} .= $data;
    my $bs = $self->{blocksize};
    if ($self->_needs_padding && length($data) % $bs) {
        croak "When using no padding, plaintext size must be a multiple of $bs"
            if $self->{padding} == \&_no_padding;
        croak "When using rijndael_compat padding, plaintext size must be a multiple of $bs"
            if $self->{padding} == \&_rijndael_compat;
    }
    my $len = length $self->{buffer};
    return $result if $len < $bs;
    # Whole blocks go now; decrypting keeps the last block back for finish() to unpad.
    my $take = $len - $len % $bs;
    $take -= $bs if $d && $take == $len;
    return $result unless $take;
    my $chunk = substr($self->{buffer}, 0, $take, '');
    my $out = $self->_chain($chunk);
    return defined $result ? $result . $out : $out;
}

sub finish {
    my $self = shift;
    my $bs = $self->{blocksize};
    my $block = $self->{buffer};
    if (length $block == 0 && $self->{padding} == \&_rijndael_compat) {
        delete @$self{qw(civ buffer)};
        return '';
    }
    $self->{civ} ||= '';
    my $result = '';
    if ($self->{decrypt}) {
        $result = $self->_chain($block, 1);
        $result = $self->{padding}->($result, $bs, 'd') if $self->_needs_padding;
    }
    else {
        $block = $self->{padding}->($block, $bs, 'e') if $self->_needs_padding;
        $result = $self->_chain($block, 1) unless length $block == 0 && !$self->_needs_padding;
    }
    delete @$self{qw(civ buffer)};
    return defined $result ? $result : '';
}

# Runs the chaining mode over $data (whole blocks, except possibly the last one when $last),
# carrying the chaining value in {civ} across calls.
sub _chain {
    my ($self, $data, $last) = @_;
    my $bs = $self->{blocksize};
    my $mode = $self->{chain_mode};
    my $dir = $self->{decrypt} ? 'decrypt' : 'encrypt';
    my $iv = $self->{civ};
    my $e = $self->{engine};

    # A partial or empty final block behaves as native's per-block code does with Perl's
    # string xor (the shorter operand is extended with NULs).
    my $n = length $data;
    if ($mode eq 'cfb') {
        $data .= "\0" x ($bs - $n % $bs) if $n % $bs || $n == 0;
    }
    elsif ($mode eq 'cbc' || $mode eq 'pcbc') {
        return $self->_short_cbc_block($data) if $n % $bs || $n == 0;
    }
    elsif ($n == 0) {
        return '';
    }
    return $self->_chain_per_block($data, $mode) if !$e->{daemon} || $mode eq 'pcbc';

    if ($mode eq 'ofb' || $mode eq 'ctr') {
        my $out = _daemon_crypt($e->{daemon}, uc $mode, 'encrypt', $self->{_key}, $iv, $data);
        if ($mode eq 'ofb') {
            # the keystream's last whole block is the next feedback value
            my $full = $n - $n % $bs;
            $self->{civ} = substr($data, $full - $bs, $bs) ^ substr($out, $full - $bs, $bs) if $full;
        }
        else {
            $self->{civ} = _add_counter($iv, int(($n + $bs - 1) / $bs));
        }
        return $out;
    }
    my $out = _daemon_crypt($e->{daemon}, uc $mode, $dir, $self->{_key}, $iv, $data);
    # CBC and CFB feed back the last ciphertext block
    $self->{civ} = substr($dir eq 'encrypt' ? $out : $data, -$bs);
    return $out;
}

# Native CBC over an empty or short last block: encrypting xors the IV with the short string
# (Perl extends the shorter operand with NULs) and enciphers that; decrypting hands the short
# string to the block cipher, which answers as the real modules do. Only reached with
# -padding => 'none', null padding or damaged ciphertext, so its rarity does not matter.
my %SHORT_INPUT = (
    'Crypt::Rijndael'     => 'encrypt: datasize not multiple of blocksize (16 bytes)',
    'Crypt::OpenSSL::AES' => 'encrypt: datasize not multiple of blocksize (16 bytes)',
    'Crypt::Cipher::AES'  => 'FATAL: input size not equal to blocksize (16)',
);

sub _short_cbc_block {
    my ($self, $data) = @_;
    my $e = $self->{engine};
    return $self->_chain_per_block($data, $self->{chain_mode}) unless $e->{daemon} && !$e->{object};
    my $bs = $self->{blocksize};
    my $iv = $self->{civ};
    if ($self->{decrypt}) {
        my $aes = $SHORT_INPUT{ $e->{class} };
        # the AES modules decrypt '' to '', leaving the IV as the "plaintext"
        return $iv if $aes && length $data == 0 && $self->{chain_mode} eq 'cbc';
        croak $aes || 'input must be 8 bytes long';
    }
    my $x = $iv ^ $data;
    my $out = $self->_ecb('encrypt', $x);
    $self->{civ} = $out;
    $self->{civ} ^= $data if $self->{chain_mode} eq 'pcbc';
    return $out;
}

sub _ecb {
    my ($self, $dir, $data) = @_;
    my $e = $self->{engine};
    return _daemon_crypt($e->{daemon}, 'ECB', $dir, $self->{_key}, '', $data) if $e->{daemon};
    my $obj = $self->{crypt};
    my $bs = $self->{blocksize};
    return join '', map { $obj->$dir($_) } unpack("(a$bs)*", $data);
}

# PCBC and ciphers we could not hand to the daemon: native's per-block algorithms.
sub _chain_per_block {
    my ($self, $data, $mode) = @_;
    my $bs = $self->{blocksize};
    my $dec = $self->{decrypt};
    my $i = $self->{civ};
    my $r = '';
    my $enc = sub { $self->_ecb('encrypt', $_[0]) };
    # native hands finish()'s last block to the cipher even when it is empty
    for my $b (length $data ? unpack("(a$bs)*", $data) : ('')) {
        if ($mode eq 'cbc') {
            if ($dec) { $r .= $i ^ $self->_ecb('decrypt', $b); $i = $b }
            else      { $r .= $i = $enc->($i ^ $b) }
        }
        elsif ($mode eq 'pcbc') {
            if ($dec) { $r .= $i = $i ^ $self->_ecb('decrypt', $b); $i ^= $b }
            else      { $r .= $i = $enc->($i ^ $b); $i ^= $b }
        }
        elsif ($mode eq 'cfb') {
            my $c = $b ^ $enc->($i);
            $r .= $c;
            $i = $dec ? $b : $c;
        }
        elsif ($mode eq 'ofb') {
            my $c = $b ^ ($i = $enc->($i));
            $r .= substr($c, 0, length $b);
        }
        else {
            my $c = $b ^ $enc->($i);
            $r .= substr($c, 0, length $b);
            $i = _add_counter($i, 1);
        }
    }
    $self->{civ} = $i;
    return $r;
}

sub _add_counter {
    my ($iv, $n) = @_;
    my @b = unpack 'C*', $iv;
    for (my $k = $#b; $k >= 0 && $n; $k--) {
        my $s = $b[$k] + ($n % 256);
        $n = int($n / 256) + ($s > 255 ? 1 : 0);
        $b[$k] = $s % 256;
    }
    return pack 'C*', @b;
}

# ---------------------------------------------------------------------------------------------
# Key, IV and salt

sub _init_from_options {
    my $self = shift;
    $self->{salt} = _random_bytes(8) if $self->{make_random_salt};
    $self->set_key_and_iv;
    $self->{civ} = $self->{iv};
    my $result = '';
    if ($self->{header_mode} eq 'salt') {
        $result = "Salted__$self->{salt}";
    }
    elsif ($self->{header_mode} eq 'randomiv') {
        $result = "RandomIV$self->{iv}";
        undef $self->{salt};
    }
    croak 'key and/or iv are missing' unless defined $self->{key} && defined $self->{civ};
    $self->_make_cipher;
    return $result;
}

sub _init_from_stream {
    my ($self, $in) = @_;
    my $h = $self->{header_mode};
    if ($h eq 'none') {
        $self->{salt} ||= _random_bytes(8);
        $self->set_key_and_iv;
    }
    elsif ($h eq 'salt') {
        ($self->{salt}) = $$in =~ /^Salted__(.{8})/s;
        croak "Ciphertext does not begin with a valid header for 'salt' header mode"
            unless defined $self->{salt};
        substr($$in, 0, 16) = '';
        my ($k, $i) = $self->_derive($self->{salt}, $self->{passphrase});
        $self->{key} = $k unless $self->{literal_key};
        $self->{iv} = $i unless $self->{literal_iv};
    }
    else {
        ($self->{iv}) = $$in =~ /^RandomIV(.{8})/s;
        croak "Ciphertext does not begin with a valid header for 'randomiv' header mode"
            unless defined $self->{iv};
        croak "randomiv header mode cannot be used securely when decrypting with a >8 byte block cipher.\n"
            unless $self->{blocksize} == 8;
        (undef, $self->{key}) = $self->_derive(undef, $self->{passphrase});
        substr($$in, 0, 16) = '';
    }
    $self->{civ} = $self->{iv};
    croak 'Could not derive key or iv from cipher stream, and you did not specify these values in new()'
        unless $self->{key} && $self->{civ};
    $self->_make_cipher;
    return '';
}

# What the real modules' new() accepts (a -keysize override or randomiv's decryption key can
# break it), and their croak texts.
my %KEY_CHECK = (
    'Crypt::Rijndael'     => [ sub { $_[0] == 16 || $_[0] == 24 || $_[0] == 32 }, 'Wrong key length: key must be 128, 192 or 256 bits long' ],
    'Crypt::OpenSSL::AES' => [ sub { $_[0] == 16 || $_[0] == 24 || $_[0] == 32 }, 'Wrong key length: key must be 128, 192 or 256 bits long' ],
    'Crypt::Cipher::AES'  => [ sub { $_[0] == 16 || $_[0] == 24 || $_[0] == 32 }, 'FATAL: cipher setup failed: Invalid key size.' ],
    'Crypt::Blowfish'     => [ sub { $_[0] >= 8 && $_[0] <= 56 }, 'Invalid length key' ],
    'Crypt::DES'          => [ sub { $_[0] == 8 }, 'Invalid key' ],
    'Crypt::DES_EDE3'     => [ sub { $_[0] >= 24 }, 'Invalid key' ],
);

sub _make_cipher {
    my $self = shift;
    my $e = $self->{engine};
    if ($e->{object}) {
        $self->{crypt} = $e->{object};
        $self->{_key} = $e->{key};
        return;
    }
    if ($e->{daemon}) {
        my $k = $self->{key};
        my $check = $KEY_CHECK{ $e->{class} };
        croak $check->[1] if $check && !$check->[0]->(length $k);
        # Crypt::DES_EDE3 reads the first 24 bytes of a longer key
        $k = substr($k, 0, 24) if $e->{class} eq 'Crypt::DES_EDE3';
        $self->{_key} = $k;
        return;
    }
    $self->{crypt} = $e->{class}->new($self->{key})
        or croak "Could not create $self->{cipher} object: $@";
}

sub set_key_and_iv {
    my $self = shift;
    if (!$self->{literal_key}) {
        my ($key, $iv) = $self->_derive($self->{salt}, $self->{passphrase});
        $self->{key} = $key;
        $self->{iv} = $iv if $self->{make_random_iv};
    }
    else {
        $self->{iv} = _random_bytes($self->{blocksize}) if $self->{make_random_iv};
    }
    length $self->{salt} == 8 or croak 'Salt must be exactly 8 bytes long';
    length $self->{iv} == $self->{blocksize} or croak "IV must be exactly $self->{blocksize} bytes long";
}

# (key, iv) from salt and passphrase by the object's -pbkdf.
sub _derive {
    my ($self, $salt, $pass) = @_;
    my ($kl, $il) = ($self->{keysize}, $self->{blocksize});
    my $p = $self->{pbkdf};
    my $m;
    if ($p eq 'opensslv1' || $p eq 'opensslv2') {
        my $h = $p eq 'opensslv1' ? \&Digest::MD5::md5 : \&Digest::SHA::sha256;
        my ($d, $data) = ('', '');
        while (length $data < $kl + $il) { $d = $h->($d . $pass . $salt); $data .= $d }
        $m = $data;
    }
    elsif ($p eq 'pbkdf2') {
        $m = _pbkdf2($self->{hasher}, $self->{iter}, $salt, $pass, $kl + $il);
    }
    elsif ($p eq 'randomiv') {
        $m = Digest::MD5::md5($pass);
        $m .= Digest::MD5::md5($m) while length $m < $kl;
        substr($m, $kl) = '';
        $m .= _random_bytes($il);
    }
    else {
        length($pass) == $kl or croak "For selected cipher, the key must be exactly $kl bytes long";
        $m = $pass;
    }
    return (substr($m, 0, $kl), substr($m, $kl, $il));
}

my %HMAC = (
    HMACSHA1 => \&Digest::SHA::hmac_sha1,     HMACSHA2 => \&Digest::SHA::hmac_sha256,
    HMACSHA224 => \&Digest::SHA::hmac_sha224, HMACSHA256 => \&Digest::SHA::hmac_sha256,
    HMACSHA384 => \&Digest::SHA::hmac_sha384, HMACSHA512 => \&Digest::SHA::hmac_sha512,
);

# PBKDF2 (RFC 2898) as Crypt::PBKDF2 computes it; -hasher is a Crypt::PBKDF2 hash class name
# or an object with generate($data, $key).
sub _pbkdf2 {
    my ($hc, $iter, $salt, $pass, $len) = @_;
    my $prf;
    if (ref $hc) {
        $prf = sub { $hc->generate($_[0], $_[1]) };
    }
    else {
        my $name = defined $hc && $hc ne '' ? $hc : 'HMACSHA2';
        $name =~ s/^\+?(?:Crypt::PBKDF2::Hash::)?//;
        my $f = $HMAC{$name} or croak "Could not load pbkdf2: hash class '$hc' is not available";
        $prf = $f;
    }
    $iter =~ tr/_//d;
    my $out = '';
    for (my $i = 1; length $out < $len; $i++) {
        my $u = $prf->($salt . pack('N', $i), $pass);
        my $t = $u;
        for (2 .. $iter) { $u = $prf->($u, $pass); $t ^= $u }
        $out .= $t;
    }
    return substr($out, 0, $len);
}

sub random_bytes {
    my $self = shift;
    my $n = shift or croak 'usage: random_bytes($byte_length)';
    return _random_bytes($n);
}

# native's internal name; some scripts call it
sub _get_random_bytes { return _random_bytes($_[1]) }

# Crypt::FileHandle (pure Perl) works on top of us if a host has it; native warns the load
# failure and croaks.
sub filehandle {
    my $self = shift;
    unless (eval 'use Crypt::FileHandle; 1') {
        warn $@;
        croak 'Optional Crypt::FileHandle module must be installed to use the filehandle() method';
    }
    return Crypt::FileHandle->new(ref $self ? $self : $self->new(@_));
}

sub _random_bytes {
    my $n = shift;
    my $r;
    if (open my $fh, '<:raw', '/dev/urandom') { read $fh, $r, $n; close $fh }
    $r = pack 'C*', map { rand 256 } 1 .. $n unless defined $r && length $r == $n;
    return $r;
}

# ---------------------------------------------------------------------------------------------
# Paddings (native's semantics, including their quirks on garbage input)

sub _standard_padding {
    my ($b, $bs, $d) = @_;
    if ($d eq 'd') {
        my $pad = unpack 'C', substr($b, -1);
        return substr($b, 0, $bs - $pad);
    }
    my $pad = $bs - length $b;
    return $b . pack('C*', ($pad) x $pad);
}

sub _space_padding {
    my ($b, $bs, $d) = @_;
    if ($d eq 'd') { $b =~ s/ *\z//s }
    else           { $b .= ' ' x ($bs - length $b) }
    return $b;
}

sub _no_padding { return $_[0] }

sub _null_padding {
    my ($b, $bs, $d) = @_;
    return unless length $b;
    if ($d eq 'd') { $b =~ s/\0*\z//s; return $b }
    return $b . ("\0" x ($bs - length($b) % $bs));
}

sub _oneandzeroes_padding {
    my ($b, $bs, $d) = @_;
    if ($d eq 'd') { $b =~ s/\x80\0*\z//s; return $b }
    return $b . "\x80" . ("\0" x ($bs - length($b) - 1));
}

sub _rijndael_compat {
    my ($b, $bs, $d) = @_;
    return unless length $b;
    if ($d eq 'd') { $b =~ s/\x80\0*\z//s; return $b }
    return $b . "\x80" . ("\0" x ($bs - length($b) % $bs - 1));
}

# ---------------------------------------------------------------------------------------------
# Accessors

sub get_initialization_vector { return $_[0]->iv }

sub set_initialization_vector {
    my ($self, $iv) = @_;
    my $bs = $self->{blocksize};
    croak "Initialization vector must be $bs bytes in length" unless length($iv) == $bs;
    return $self->iv($iv);
}

sub salt { my $s = shift; my $d = $s->{salt}; $s->{salt} = shift if @_; return $d }
sub iv   { my $s = shift; my $d = $s->{iv};   $s->{iv} = shift if @_;   return $d }
sub key  { my $s = shift; my $d = $s->{key};  $s->{key} = shift if @_;  return $d }

sub passphrase {
    my $s = shift;
    my $d = $s->{passphrase};
    if (@_) { undef $s->{key}; undef $s->{iv}; $s->{passphrase} = shift }
    return $d;
}

sub keysize { my $s = shift; $s->{keysize} = shift if @_; return $s->{keysize} }

sub cipher      { $_[0]{cipher} }
sub padding     { $_[0]{padding} }
sub blocksize   { $_[0]{blocksize} }
sub pcbc        { $_[0]{pcbc} }
sub header_mode { $_[0]{header_mode} }
sub literal_key { $_[0]{literal_key} }
sub nodeprecate { $_[0]{nodeprecate} }
sub pbkdf       { $_[0]{pbkdf} }
sub chain_mode  { $_[0]{chain_mode} || 'cbc' }

1;
