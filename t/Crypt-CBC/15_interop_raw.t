#!/usr/bin/perl
# Interop, the raw block-cipher modules old code uses directly: Crypt::Rijndael (new($key, MODE),
# set_iv, ECB/CBC/CFB/OFB/CTR, 128/192/256-bit keys), Crypt::Blowfish, Crypt::DES and
# Crypt::DES_EDE3 (one block each way): the same bytes as Debian's modules, the same deaths
# (wrong key or data length). Natively also the FIPS-197 and classic known answers, as a check of
# the cases themselves.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use CryptDiff;

my ($nok, $why) = native_ok();
plan skip_all => $why unless $nok;

my @cases;
my $raw = sub { my ($id, %c) = @_; push @cases, { id => $id, op => 'raw', %c } };
my $data64 = join '', map { chr(($_ * 7 + 3) & 255) } 0 .. 63;
for my $ks (16, 24, 32) {
    my $key = join '', map { chr } 0 .. $ks - 1;
    for my $mode (qw(MODE_ECB MODE_CBC MODE_CFB MODE_OFB MODE_CTR)) {
        for my $dir (qw(encrypt decrypt)) {
            $raw->("Rijndael $ks $mode $dir", class => 'Crypt::Rijndael', key_hex => hexs($key), mode => $mode,
                   ($mode eq 'MODE_ECB' ? () : (iv_hex => hexs($IV16))), dir => $dir, data_hex => hexs($data64));
        }
        $raw->("Rijndael $ks $mode no set_iv", class => 'Crypt::Rijndael', key_hex => hexs($key), mode => $mode,
               dir => 'encrypt', data_hex => hexs($data64));
        # Native 1.16 takes a partial block in the stream modes (CFB, OFB, CTR).
        $raw->("Rijndael $ks $mode 15 bytes", class => 'Crypt::Rijndael', key_hex => hexs($key), mode => $mode,
               ($mode eq 'MODE_ECB' ? () : (iv_hex => hexs($IV16))), dir => 'encrypt', data_hex => hexs('x' x 15));
    }
}
$raw->("Rijndael default mode", class => 'Crypt::Rijndael', key_hex => hexs('k' x 16), dir => 'encrypt', data_hex => hexs($data64));
$raw->("Rijndael key of 10", class => 'Crypt::Rijndael', key_hex => hexs('k' x 10), dir => 'encrypt', data_hex => hexs($data64));
$raw->("Rijndael empty", class => 'Crypt::Rijndael', key_hex => hexs('k' x 16), mode => 'MODE_CBC', dir => 'encrypt', data => '');
# FIPS-197 appendix C.1 (AES-128) and C.3 (AES-256).
$raw->("FIPS-197 C.1", class => 'Crypt::Rijndael', key_hex => '000102030405060708090a0b0c0d0e0f', mode => 'MODE_ECB',
       dir => 'encrypt', data_hex => '00112233445566778899aabbccddeeff', kat => '69c4e0d86a7b0430d8cdb78070b4c55a');
$raw->("FIPS-197 C.3", class => 'Crypt::Rijndael', key_hex => '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
       mode => 'MODE_ECB', dir => 'encrypt', data_hex => '00112233445566778899aabbccddeeff', kat => '8ea2b7ca516745bfeafc49904b496089');
for my $kl (4, 8, 16, 56) {
    my $key = substr(join('', map { chr(17 * $_ & 255) } 1 .. 56), 0, $kl);
    $raw->("Blowfish key $kl $_", class => 'Crypt::Blowfish', key_hex => hexs($key), dir => $_, data_hex => hexs('Blowfish')) for qw(encrypt decrypt);
}
$raw->("Blowfish 16 bytes", class => 'Crypt::Blowfish', key_hex => hexs('k' x 8), dir => 'encrypt', data_hex => hexs('x' x 16));
$raw->("Blowfish key 60", class => 'Crypt::Blowfish', key_hex => hexs('k' x 60), dir => 'encrypt', data_hex => hexs('x' x 8));
# Eric Young's Blowfish vector: key 0000000000000000, plaintext 0000000000000000.
$raw->("Blowfish KAT", class => 'Crypt::Blowfish', key_hex => '0000000000000000', dir => 'encrypt', data_hex => '0000000000000000',
       kat => '4ef997456198dd78');
for my $k ('0123456789abcdef', '133457799bbcdff1', 'fedcba9876543210') {
    $raw->("DES key $k $_", class => 'Crypt::DES', key_hex => $k, dir => $_, data_hex => '0123456789abcdef') for qw(encrypt decrypt);
}
# The classic worked example: key 133457799BBCDFF1, plaintext 0123456789ABCDEF.
$raw->("DES KAT", class => 'Crypt::DES', key_hex => '133457799bbcdff1', dir => 'encrypt', data_hex => '0123456789abcdef',
       kat => '85e813540f0ab405');
$raw->("DES key of 7", class => 'Crypt::DES', key_hex => hexs('k' x 7), dir => 'encrypt', data_hex => hexs('x' x 8));
$raw->("DES 9 bytes", class => 'Crypt::DES', key_hex => hexs('k' x 8), dir => 'encrypt', data_hex => hexs('x' x 9));
for my $k (hexs(join '', map { chr(3 * $_ + 1) } 0 .. 23)) {
    $raw->("DES_EDE3 $_", class => 'Crypt::DES_EDE3', key_hex => $k, dir => $_, data_hex => '0123456789abcdef') for qw(encrypt decrypt);
}
$raw->("DES_EDE3 key of 16", class => 'Crypt::DES_EDE3', key_hex => hexs('k' x 16), dir => 'encrypt', data_hex => '0123456789abcdef');

my $native = compare_all(\@cases, 'raw');
for my $c (grep { $_->{kat} } @cases) {
    is($native->{ $c->{id} }{out}, $c->{kat}, "native known answer: $c->{id}");
}
my $ok = grep { !defined $native->{ $_->{id} }{died} } @cases;
note("native: $ok of " . scalar(@cases) . " raw cases ran without dying");
done_testing;
