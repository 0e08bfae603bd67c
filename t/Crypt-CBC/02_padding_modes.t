#!/usr/bin/perl
# Paddings, chaining modes, streaming buffers and decrypting damaged input, against the native
# Crypt::CBC 3.04 with the toy block cipher of 00_unit_helper.pl on both sides: results,
# croak texts and warnings must be the same bytes.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/00_unit_helper.pl" }
use Crypt::CBC;

plan skip_all => 'native Crypt::CBC not installed' unless have_native();

my @cases;
my $new = q{Crypt::CBC->new(-key => 'secret', -salt => 'ABCDEFGH', -nodeprecate => 1, %s)};
my @lengths = (0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33);

for my $cipher (qw(Rijndael Blowfish)) {
    for my $pad (qw(standard oneandzeroes rijndael_compat null space none)) {
        for my $n (@lengths) {
            my $c = sprintf $new, "-cipher => '$cipher', -padding => '$pad'";
            # data with trailing NULs, spaces and 0x80 shows what each unpadding strips
            my $data = qq{substr("ab\\x80\\0 " x 10, 0, $n)};
            push @cases, qq{my \$c = $c; my \$ct = \$c->encrypt($data); my \$pt = \$c->decrypt(\$ct); unpack('H*', \$ct) . '|' . unpack('H*', \$pt)};
        }
    }
}
push @cases,
    sprintf(q{my $c = %s; my $ct = $c->encrypt('abcdefg'); unpack('H*', $ct) . '|' . $c->decrypt($ct)},
        sprintf $new, q{-cipher => 'Rijndael', -padding => sub { my ($b, $bs, $d) = @_; $d eq 'd' ? substr($b, 0, index($b, '#')) : $b . '#' x ($bs - length $b) }});

for my $mode (qw(cfb ofb pcbc)) {
    for my $n (0, 5, 8, 16, 21, 32, 40) {
        for my $cipher (qw(Rijndael DES)) {
            my $c = sprintf $new, "-cipher => '$cipher', -chain_mode => '$mode'";
            push @cases, qq{my \$c = $c; my \$ct = \$c->encrypt(join '', map { chr } 0 .. $n - 1); my \$pt = \$c->decrypt(\$ct); unpack('H*', \$ct) . '|' . unpack('H*', \$pt)};
        }
    }
}
push @cases, sprintf q{my $c = %s; my $ct = $c->encrypt('pcbc old style'); unpack('H*', $ct) . '|' . $c->decrypt($ct)},
    sprintf $new, q{-cipher => 'Blowfish', -pcbc => 1};

# Streaming in odd chunk sizes: every crypt() return value, in both directions.
for my $chunk (1, 3, 7, 16, 17, 100) {
    for my $cipher (qw(Rijndael DES_EDE3)) {
        my $c = sprintf $new, "-cipher => '$cipher'";
        push @cases, qq{my \$c = $c; my \$data = join '', map { chr(\$_ % 256) } 0 .. 299; my \@parts;
            \$c->start('encrypting'); push \@parts, \$c->crypt(\$_) for unpack('(a$chunk)*', \$data); push \@parts, \$c->finish;
            my \$ct = join '', \@parts; my \@back;
            \$c->start('decrypting'); push \@back, \$c->crypt(\$_) for unpack('(a$chunk)*', \$ct); push \@back, \$c->finish;
            join '|', (map { unpack 'H*', \$_ } \@parts, \@back), (join('', \@back) eq \$data ? 'same' : 'differs')};
    }
}

# Decrypting damaged input and with the wrong key: native returns garbage or croaks; so must we.
my $ct = q{Crypt::CBC->new(-key => 'secret', -salt => 'ABCDEFGH', -nodeprecate => 1, -cipher => '%s')->encrypt('attack at dawn, attack at dusk')};
for my $cipher (qw(Rijndael Blowfish DES)) {
    my $enc = sprintf $ct, $cipher;
    push @cases,
        qq{Crypt::CBC->new(-key => 'wrong', -cipher => '$cipher')->decrypt($enc)},
        qq{Crypt::CBC->new(-key => 'wrong', -cipher => '$cipher', -padding => 'oneandzeroes')->decrypt($enc)},
        qq{Crypt::CBC->new(-key => 'secret', -cipher => '$cipher')->decrypt(substr($enc, 0, 16))},
        qq{Crypt::CBC->new(-key => 'secret', -cipher => '$cipher')->decrypt(substr($enc, 0, 16) . 'x' x 16)},
        qq{Crypt::CBC->new(-key => 'secret', -cipher => '$cipher')->decrypt(substr($enc, 0, 40))},
        qq{Crypt::CBC->new(-key => 'secret', -cipher => '$cipher')->decrypt('Salted_')};
}

# A cipher object as -cipher: the key is ignored with a warning, the object does the work.
push @cases,
    q{require Crypt::Rijndael; my $k = Crypt::Rijndael->new('K' x 32); my $c = Crypt::CBC->new(-cipher => $k, -key => 'ignored', -salt => 'ABCDEFGH', -nodeprecate => 1); my $ct = $c->encrypt('object cipher'); unpack('H*', $ct) . '|' . $c->decrypt($ct) . '|' . $c->keysize},
    q{require Crypt::Blowfish; my $k = Crypt::Blowfish->new('K' x 16); my $c = Crypt::CBC->new(-cipher => $k, -salt => 'ABCDEFGH', -nodeprecate => 1); my $ct = $c->encrypt('object cipher'); unpack('H*', $ct) . '|' . $c->decrypt($ct) . '|' . $c->keysize};

compare_cases(\@cases);
done_testing;
