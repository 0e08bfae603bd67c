#!/usr/bin/perl
# Through a real daemon: the same cases as native Crypt::CBC with the real Crypt::Rijndael,
# Blowfish, DES and DES_EDE3 must give the same bytes (fixed salt/IV), and the raw modules
# must encipher as the native ones.
use strict;
use warnings;
use Test::More;
use FindBin ();
BEGIN { require "$FindBin::Bin/00_unit_helper.pl" }
use BridgeTest;
use Crypt::CBC;

plan skip_all => 'native Crypt::CBC not installed' unless have_native();
start_daemon();
undef $Crypt::CBC::BRIDGE;    # the real daemon, not the stand-in

my @cases;
my $all = q{(join '', map { chr } 0 .. 255)};
for my $cipher (qw(Rijndael Crypt::Cipher::AES Blowfish DES DES_EDE3)) {
    for my $pbkdf (qw(opensslv1 opensslv2 pbkdf2)) {
        for my $data ("''", "'a'", "'exactly16bytes!!'", $all, "$all x 100") {
            push @cases, qq{my \$c = Crypt::CBC->new(-pass => 'pass phrase', -cipher => '$cipher', -pbkdf => '$pbkdf', -salt => 'saltsalt', -iter => 100, -nodeprecate => 1);
                my \$ct = \$c->encrypt($data); my \$pt = \$c->decrypt(\$ct); unpack('H*', Digest::MD5::md5(\$ct)) . '|' . length(\$ct) . '|' . (\$pt eq $data ? 'ok' : 'bad')};
        }
    }
    for my $mode (qw(cfb ofb)) {
        push @cases, qq{my \$c = Crypt::CBC->new(-pass => 'pw', -cipher => '$cipher', -chain_mode => '$mode', -salt => 'saltsalt', -nodeprecate => 1);
            my \$ct = \$c->encrypt($all . 'tail'); unpack('H*', \$ct) . '|' . unpack('H*', \$c->decrypt(\$ct))};
    }
    push @cases, qq{my \$c = Crypt::CBC->new(-pass => 'pw', -cipher => '$cipher', -salt => 'saltsalt', -nodeprecate => 1); my \$ct = \$c->encrypt('wrong key test'); Crypt::CBC->new(-pass => 'other', -cipher => '$cipher')->decrypt(\$ct)};
}
# AutoKit's pattern (legacy-usage.md section 2): a literal-looking key, Rijndael, hex both ways
push @cases, q{my $c = Crypt::CBC->new(-key => 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu', -cipher => 'Rijndael', -salt => '12345678');
    my $h = unpack('H*', $c->encrypt('db_password=s3cr3t')); $h . '|' . $c->decrypt(pack('H*', $h))};
push @cases, q{my $c = Crypt::CBC->new(-key => 'K' x 32, -literal_key => 1, -cipher => 'Rijndael', -iv => 'I' x 16, -header => 'none'); $c->encrypt('literal key and iv')};
# randomiv decryption derives its key from a random IV natively (a native bug), so only the
# header and length are stable
push @cases, q{my $c = Crypt::CBC->new(-key => 'secret', -cipher => 'Blowfish', -header => 'randomiv'); my $ct = $c->encrypt('old style'); $c->decrypt($ct); substr($ct, 0, 8) . '|' . length $ct};

# raw modules
for my $m ([ 'Crypt::Rijndael', 'K' x 32, 16 ], [ 'Crypt::Blowfish', 'K' x 20, 8 ], [ 'Crypt::DES', 'K' x 8, 8 ], [ 'Crypt::DES_EDE3', 'ABCDEFGHIJKLMNOPQRSTUVWX', 8 ]) {
    my ($class, $key, $bs) = @$m;
    push @cases, qq{require $class; my \$o = $class->new('$key'); my \$c = \$o->encrypt('B' x $bs); unpack('H*', \$c) . '|' . \$o->decrypt(\$c) . '|' . $class->blocksize . '|' . $class->keysize};
}
for my $mode (qw(MODE_ECB MODE_CBC MODE_CFB MODE_OFB MODE_CTR)) {
    push @cases, qq{require Crypt::Rijndael; my \$o = Crypt::Rijndael->new('k' x 16, Crypt::Rijndael::$mode()); \$o->set_iv('i' x 16); my \$c = \$o->encrypt($all); unpack('H*', \$c) . '|' . (\$o->decrypt(\$c) eq $all ? 'ok' : 'bad')};
}
push @cases,
    q{require Crypt::Rijndael; Crypt::Rijndael->new('k' x 16)->encrypt('short')},
    q{require Crypt::Blowfish; Crypt::Blowfish->new('k' x 16)->encrypt('short')},
    q{require Crypt::DES; Crypt::DES->new('k' x 7)},
    q{require Crypt::Rijndael; Crypt::Rijndael->new('k' x 16, Crypt::Rijndael::MODE_CBC())->set_iv('x')};

compare_cases(\@cases, 1);
done_testing;
