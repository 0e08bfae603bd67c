package Crypt::DES_EDE3;

# Drop-in for Crypt::DES_EDE3 0.01: triple DES (encrypt-decrypt-encrypt, three 8-byte keys) on
# one 8-byte block per call, in the daemon as DES_EDE3.

use strict;
use warnings;
use Carp qw(croak);
use CPANBridge;

no warnings "once";    # $Crypt::CBC::BRIDGE is shared with Crypt::CBC, which may not be loaded

our $VERSION = '0.01';

sub keysize   { 24 }
sub blocksize { 8 }

sub new {
    my $class = shift;
    my $self = bless {}, ref($class) || $class;
    return $self->init(@_);
}

sub init {
    my ($self, $key) = @_;
    $key = '' unless defined $key;
    # native builds three Crypt::DES objects from the first 24 bytes; more are ignored
    croak "Invalid key" unless length($key) >= 24;
    $self->{key} = substr($key, 0, 24);
    return $self;
}

sub encrypt { return $_[0]->_run('encrypt', $_[1]) }
sub decrypt { return $_[0]->_run('decrypt', $_[1]) }

sub _run {
    my ($self, $dir, $data) = @_;
    croak 'input must be 8 bytes long' unless defined $data && length($data) == 8;
    my $r = ($Crypt::CBC::BRIDGE ||= CPANBridge->new)->call('crypto', 'crypt',
        { cipher => 'DES_EDE3', mode => 'ECB', direction => $dir },
        { attachment => pack('w/a* w/a* a*', $self->{key}, '', $data) });
    unless ($r && $r->{success}) {
        my $e = $r ? $r->{error} : 'no answer from the daemon';
        croak 'Crypt::DES_EDE3: ' . (ref $e eq 'HASH' ? $e->{message} : $e);
    }
    return $r->{attachment};
}

sub _bridge_spec { return [ 'DES_EDE3', $_[0]{key} ] }

1;
