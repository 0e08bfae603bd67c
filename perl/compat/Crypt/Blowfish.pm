package Crypt::Blowfish;

# Drop-in for Crypt::Blowfish 2.14: one 8-byte block per call, enciphered by the daemon
# (`crypto.crypt`). Crypt::CBC hands whole buffers to the daemon instead of calling this per
# block (see _bridge_spec).

use strict;
use warnings;
use Carp qw(croak);
use CPANBridge;

no warnings "once";    # $Crypt::CBC::BRIDGE is shared with Crypt::CBC, which may not be loaded

our $VERSION = '2.14';

sub blocksize { 8 }
sub keysize   { 0 }
sub min_keysize { 8 }
sub max_keysize { 56 }

sub new {
    croak "Usage: Crypt::Blowfish::new(new Blowfish key)" unless @_ == 2;
    my ($class, $key) = @_;
    $key = '' unless defined $key;
    croak 'Invalid length key' unless length($key) >= 8 && length($key) <= 56;
    return bless { key => $key }, ref($class) || $class;
}

sub encrypt {
    croak "Usage: Crypt::Blowfish::encrypt(encrypt data[8 bytes])" unless @_ == 2;
    return $_[0]->_run('encrypt', $_[1]);
}

sub decrypt {
    croak "Usage: Crypt::Blowfish::decrypt(decrypt data[8 bytes])" unless @_ == 2;
    return $_[0]->_run('decrypt', $_[1]);
}

sub _run {
    my ($self, $dir, $data) = @_;
    croak 'input must be 8 bytes long' unless defined $data && length($data) == 8;
    my $r = ($Crypt::CBC::BRIDGE ||= CPANBridge->new)->call('crypto', 'crypt',
        { cipher => 'Blowfish', mode => 'ECB', direction => $dir },
        { attachment => pack('w/a* w/a* a*', $self->{key}, '', $data) });
    unless ($r && $r->{success}) {
        my $e = $r ? $r->{error} : 'no answer from the daemon';
        croak 'Crypt::Blowfish: ' . (ref $e eq 'HASH' ? $e->{message} : $e);
    }
    return $r->{attachment};
}

sub _bridge_spec { return [ 'Blowfish', $_[0]{key} ] }

1;
