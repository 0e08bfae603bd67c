package Crypt::Rijndael;

# Drop-in for Crypt::Rijndael 1.16: AES in the daemon (`crypto.crypt`). Like the native
# object, each encrypt/decrypt call starts again from the object's IV (set_iv); the IV is not
# advanced between calls.

use strict;
use warnings;
use Carp qw(croak);
use CPANBridge;

no warnings "once";    # $Crypt::CBC::BRIDGE is shared with Crypt::CBC, which may not be loaded

our $VERSION = '1.16';

sub MODE_ECB  () { 1 }
sub MODE_CBC  () { 2 }
sub MODE_CFB  () { 3 }
sub MODE_PCBC () { 4 }
sub MODE_OFB  () { 5 }
sub MODE_CTR  () { 6 }

my %MODE = (1 => 'ECB', 2 => 'CBC', 3 => 'CFB', 5 => 'OFB', 6 => 'CTR');

sub blocksize { 16 }
sub keysize   { 32 }

sub new {
    croak 'Usage: Crypt::Rijndael::new(class, key, mode=MODE_ECB)' if @_ < 2 || @_ > 3;
    my ($class, $key, $mode) = @_;
    $mode = MODE_ECB unless defined $mode;
    $key = '' unless defined $key;
    croak 'Wrong key length: key must be 128, 192 or 256 bits long'
        unless length($key) == 16 || length($key) == 24 || length($key) == 32;
    croak 'Illegal mode, see documentation for valid modes' unless $MODE{$mode} || $mode == MODE_PCBC;
    return bless { key => $key, mode => $mode + 0, iv => "\0" x 16 }, ref($class) || $class;
}

sub set_iv {
    my ($self, $iv) = @_;
    croak sprintf('set_iv: initial value must be the blocksize (16 bytes), but was %d bytes', length $iv)
        unless length($iv) == 16;
    $self->{iv} = $iv;
    return;
}

sub encrypt { return $_[0]->_run('encrypt', $_[1]) }
sub decrypt { return $_[0]->_run('decrypt', $_[1]) }

sub _run {
    my ($self, $dir, $data) = @_;
    $data = '' unless defined $data;
    my $m = $self->{mode};
    # Block modes need whole blocks (native says "encrypt" in both directions); the stream
    # modes CFB, OFB and CTR take a partial last block, as native does.
    croak 'encrypt: datasize not multiple of blocksize (16 bytes)'
        if length($data) % 16 && ($m == MODE_ECB || $m == MODE_CBC || $m == MODE_PCBC);
    return '' unless length $data;
    if ($m == MODE_PCBC) {
        my ($i, $r) = ($self->{iv}, '');
        for my $b (unpack '(a16)*', $data) {
            if ($dir eq 'encrypt') { $r .= my $c = _crypt('ECB', $dir, $self->{key}, '', $i ^ $b); $i = $c ^ $b }
            else { my $p = $i ^ _crypt('ECB', $dir, $self->{key}, '', $b); $r .= $p; $i = $p ^ $b }
        }
        return $r;
    }
    my $mode = $MODE{$m};
    $dir = 'encrypt' if $mode eq 'OFB' || $mode eq 'CTR';
    return _crypt($mode, $dir, $self->{key}, $mode eq 'ECB' ? '' : $self->{iv}, $data);
}

# Lets Crypt::CBC hand an ECB object's cipher to the daemon over whole buffers.
sub _bridge_spec { my $s = shift; return $s->{mode} == MODE_ECB ? [ 'AES', $s->{key} ] : undef }

sub _crypt {
    my ($mode, $dir, $key, $iv, $data) = @_;
    my $r = ($Crypt::CBC::BRIDGE ||= CPANBridge->new)->call('crypto', 'crypt',
        { cipher => 'AES', mode => $mode, direction => $dir },
        { attachment => pack('w/a* w/a* a*', $key, $iv, $data) });
    unless ($r && $r->{success}) {
        my $e = $r ? $r->{error} : 'no answer from the daemon';
        croak 'Crypt::Rijndael: ' . (ref $e eq 'HASH' ? $e->{message} : $e);
    }
    return defined $r->{attachment} ? $r->{attachment} : '';
}

1;
