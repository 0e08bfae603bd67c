#!/usr/bin/perl
# Constructor options, key/IV/salt derivation and headers, against the native Crypt::CBC 3.04
# (the toy block cipher of 00_unit_helper.pl on both sides): the same options must give the
# same key, IV, salt, header and ciphertext bytes, the same croak texts and the same warnings.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/00_unit_helper.pl" }
use Crypt::CBC;

plan skip_all => 'native Crypt::CBC not installed' unless have_native();

my $show = q{ join '|', map { defined $_ ? unpack('H*', $_) : 'undef' } $c->key, $c->iv, ($c->literal_key ? length $c->salt : $c->salt), $ct, $c->keysize, $c->blocksize, (ref $c->cipher || $c->cipher), $c->header_mode, $c->pbkdf };
my @derive;
for my $cipher (qw(Rijndael Crypt::Rijndael Cipher::AES Crypt::OpenSSL::AES Blowfish DES DES_EDE3)) {
    for my $pbkdf ('', qw(opensslv1 opensslv2 pbkdf2)) {
        my $pb = $pbkdf ? "-pbkdf => '$pbkdf'," : '';
        push @derive, qq{my \$c = Crypt::CBC->new(-pass => 'secret', -cipher => '$cipher', $pb -salt => 'ABCDEFGH', -nodeprecate => 1); my \$ct = \$c->encrypt('hello world'); $show};
    }
}
push @derive,
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -pbkdf => 'pbkdf2', -iter => 1000, -hasher => 'HMACSHA1', -salt => 'ABCDEFGH'); my \$ct = \$c->encrypt('x'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -pbkdf => 'pbkdf2', -iter => 3, -salt => 'ABCDEFGH'); my \$ct = \$c->encrypt('x'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -keysize => 16, -salt => 'ABCDEFGH'); my \$ct = \$c->encrypt('x' x 40); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -salt => 'ABCDEFGH', -iv => 'I' x 16); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'K' x 32, -literal_key => 1, -cipher => 'Rijndael', -iv => 'I' x 16); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'K' x 8, -pbkdf => 'none', -cipher => 'DES', -iv => 'I' x 8); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'K' x 32, -literal_key => 1, -header => 'none', -cipher => 'Rijndael', -iv => 'I' x 16); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Blowfish', -header => 'none', -salt => 'ABCDEFGH', -iv => 'I' x 8); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new({key => 'secret', cipher => 'Blowfish', salt => 'ABCDEFGH'}); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new('secret', 'Blowfish'); \$c->salt('ABCDEFGH'); my \$ct = ''; $show},
    qq{my \$c = Crypt::CBC->new(-KEY => 'secret', -Cipher => 'DES', -Salt => 'ABCDEFGH'); my \$ct = \$c->encrypt(''); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'DES', -salt => 'ABCDEFGH', -add_header => 0, -iv => 'I' x 8); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'DES', -salt => 'ABCDEFGH', -prepend_iv => 0, -iv => 'I' x 8); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Blowfish', -salt => 1); my \$ct = substr(\$c->encrypt('abc'), 0, 8); join '|', \$ct, length \$c->salt},
    # randomiv: the key is the passphrase's MD5 chain; the IV is random but travels in the header
    # (only the header, the length and the key are comparable: under randomiv's key quirk even
    # native Crypt::CBC decrypts its own ciphertext to IV-dependent garbage, random per run)
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Blowfish', -header => 'randomiv', -iv => 'I' x 8); my \$ct = \$c->encrypt('abc'); $show},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Blowfish', -header => 'randomiv'); my \$ct = \$c->encrypt('abc'); join '|', substr(\$ct, 0, 8), length \$ct, unpack('H*', \$c->key)},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael'); my \$ct = \$c->encrypt('abc'); join '|', substr(\$ct, 0, 8), length \$ct, \$c->decrypt(\$ct), length \$c->salt},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -salt => 'ABCDEFGH', -nodeprecate => 1); my \$ct = \$c->encrypt('abc'); \$c->passphrase('other'); join '|', defined(\$c->key) ? 1 : 0, \$c->passphrase, unpack('H*', \$c->encrypt('abc'))},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -salt => 'ABCDEFGH'); \$c->set_initialization_vector('J' x 16); join '|', \$c->get_initialization_vector, unpack('H*', \$c->encrypt('abc'))},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael'); \$c->set_initialization_vector('J' x 15)},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -salt => 'ABCDEFGH'); my \$h = \$c->encrypt_hex('hex me'); join '|', \$h, \$c->decrypt_hex(\$h)},
    qq{my \$c = Crypt::CBC->new(-key => 'secret', -cipher => 'Rijndael', -salt => 'ABCDEFGH'); ref(\$c->padding) . '|' . \$c->keysize(16) . '|' . \$c->keysize},
    qq{Crypt::CBC->random_bytes(0)},
    qq{length Crypt::CBC->random_bytes(12)},
    qq{length Crypt::CBC->_get_random_bytes(5)},
    qq{Crypt::CBC->filehandle(-pass => 'x')};

my @errors = map { "Crypt::CBC->new($_); 'made'" } (
    q{-key => 'k', -bogus => 1},
    q{-key => 'k', -regenerate_key => 0},
    q{-cipher => 'Rijndael'},
    q{-key => 'k', -cipher => 'NoSuchCipher'},
    q{-key => 'k', -cipher => 'Rijndael', -header => 'weird'},
    q{-key => 'k', -cipher => 'Rijndael', -padding => 'weird'},
    q{-key => 'k', -cipher => 'Rijndael', -padding => sub { $_[0] }},
    q{-key => 'k', -cipher => 'Rijndael', -salt => 'short'},
    q{-key => 'k', -cipher => 'Rijndael', -iv => 'short'},
    q{-key => 'k', -cipher => 'Rijndael', -literal_key => 1},
    q{-key => 'K' x 32, -cipher => 'Rijndael', -literal_key => 1, -header => 'salt'},
    q{-key => 'k', -cipher => 'Rijndael', -header => 'randomiv'},
    q{-key => 'k', -cipher => 'Blowfish', -header => 'randomiv', -pbkdf => 'pbkdf2'},
    q{-key => 'K' x 8, -cipher => 'DES', -pbkdf => 'none'},
    q{-key => 'k', -cipher => 'Rijndael', -chain_mode => 'xyz'},
    q{-key => 'k', -cipher => 'Rijndael', -iter => -2},
    q{-key => 'k', -cipher => 'Rijndael', -pbkdf => 'pbkdf2', -iter => 'abc'},
    q{-key => 'k', -cipher => 'Rijndael', -keysize => 16, -literal_key => 1},
);
push @errors,
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Rijndael'); $c->start('x')},
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Rijndael'); $c->crypt('x')},
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Rijndael'); $c->decrypt('garbage data here')},
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Blowfish', -header => 'randomiv'); $c->decrypt('Salted__12345678abcdefgh')},
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Rijndael', -padding => 'none', -salt => 'ABCDEFGH'); $c->encrypt('abc')},
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Rijndael', -padding => 'rijndael_compat', -nodeprecate => 1); $c->encrypt('abc')},
    # a failed header match leaves the salt undefined, so the next encrypt with a fixed salt croaks
    q{my $c = Crypt::CBC->new(-key => 'k', -cipher => 'Rijndael', -salt => 'ABCDEFGH', -nodeprecate => 1); eval { $c->decrypt('nope') }; $c->encrypt('x')};

compare_cases([ @derive, @errors ]);
done_testing;
