#!/usr/bin/perl
# Interop with `openssl enc` (OpenSSL 3), natively and bridged: the same bytes for a given salt
# (-md md5 = Crypt::CBC's opensslv1; -pbkdf2 = its pbkdf2 with the defaults of 3.04: 10,000
# iterations of HMAC-SHA256, which are also openssl's), -K/-iv = a literal key and IV, and
# each way round with random salts: openssl encrypts, Crypt::CBC decrypts, and back.
#
# OpenSSL 3 writes no "Salted__" header when the salt is given with -S: the fixed-salt cases
# compare the bytes after Crypt::CBC's 16-byte header (and the header itself with the salt).
use strict;
use warnings;
use Test::More;
use File::Temp ();
use BridgeTest;
use CryptDiff;

my ($nok, $why) = native_ok();
plan skip_all => $why unless $nok;
my ($ost, $over) = run_cmd(['openssl', 'version']);
plan skip_all => 'no openssl (apt-get install openssl)' if $ost != 0;
my ($bok, $bwhy) = bridge_ok();

my $dir = File::Temp::tempdir('cbt-ossl-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $n = 0;
sub openssl {
    my ($args, $in) = @_;
    my $f = "$dir/in" . ++$n;
    open my $fh, '>:raw', $f or die $!;
    print {$fh} $in;
    close $fh;
    my ($st, $out, $err) = run_cmd(['openssl', 'enc', @$args, '-in', $f, '-out', "$f.out"]);
    die "openssl enc @$args: $err" if $st != 0;
    return slurp("$f.out");
}

my $salt_hex = hexs($SALT);
my $pass = 'pass:Tr0ub4dor&3';
(my $pw = $pass) =~ s/^pass://;
# [openssl cipher, Crypt::CBC args, extra openssl args]
my @ciphers = (
    ['aes-256-cbc', [-cipher => 'Crypt::Rijndael']],
    ['aes-192-cbc', [-cipher => 'Rijndael', -keysize => 24]],
    ['aes-128-cbc', [-cipher => 'Rijndael', -keysize => 16]],
    ['des-ede3-cbc', [-cipher => 'DES_EDE3']],
    ['bf-cbc', [-cipher => 'Blowfish', -keysize => 16], ['-provider', 'legacy', '-provider', 'default']],
    ['des-cbc', [-cipher => 'DES'], ['-provider', 'legacy', '-provider', 'default']],
);
# The legacy provider (Blowfish, DES) may be missing: those ciphers are left out then.
@ciphers = grep { my $x = $_->[2]; !$x || eval { openssl(['-e', "-$_->[0]", @$x, '-pass', 'pass:x', '-md', 'md5'], 'x'); 1 } } @ciphers;
my @plain = (['empty', ''], ['1 byte', 'z'], ['many blocks', join('', map { chr(97 + $_ % 26) } 1 .. 100)],
             ['bytes 0..255', join('', map { chr } 0 .. 255)]);

my (@cases, %want);
for my $c (@ciphers) {
    my ($oc, $cargs, $x) = @$c;
    for my $p (@plain) {
        for my $kdf (['md5', ['-md', 'md5'], [-pbkdf => 'opensslv1', -nodeprecate => 1]],
                     ['pbkdf2', ['-pbkdf2'], [-pbkdf => 'pbkdf2']],
                     ['pbkdf2 iter 1000 sha1', ['-pbkdf2', '-iter', 1000, '-md', 'sha1'], [-pbkdf => 'pbkdf2', -iter => 1000, -hasher => 'HMACSHA1']]) {
            my ($kn, $oargs, $cbc) = @$kdf;
            my $id = "$oc $kn $p->[0]";
            my $new = ['dash', -pass => $pw, @$cargs, @$cbc];
            # Fixed salt: Crypt::CBC's bytes after the header = openssl's.
            push @cases, { id => "$id fixed", op => 'encrypt', new => [@$new, -salt => $SALT], data => $p->[1] };
            $want{"$id fixed"} = "Salted__$SALT" . openssl(['-e', "-$oc", @{ $x || [] }, @$oargs, '-pass', $pass, '-S', $salt_hex], $p->[1]);
            # openssl's random salt -> Crypt::CBC decrypts.
            push @cases, { id => "$id from openssl", op => 'decrypt', new => $new,
                           data_hex => hexs(openssl(['-e', "-$oc", @{ $x || [] }, @$oargs, '-pass', $pass], $p->[1])) };
            $want{"$id from openssl"} = $p->[1];
            # Crypt::CBC's random salt -> openssl decrypts (below).
            push @cases, { id => "$id to openssl", op => 'encrypt', new => $new, data => $p->[1],
                           openssl => ['-d', "-$oc", @{ $x || [] }, @$oargs, '-pass', $pass] };
            $want{"$id to openssl"} = $p->[1];
        }
        # -K/-iv: a literal key and IV, no header.
        my ($ks, $bs) = $oc =~ /aes-(\d+)/ ? ($1 / 8, 16) : $oc eq 'des-ede3-cbc' ? (24, 8) : $oc eq 'bf-cbc' ? (16, 8) : (8, 8);
        my ($key, $iv) = (substr('K3y!' x 10, 0, $ks), $bs == 16 ? $IV16 : $IV8);
        push @cases, { id => "$oc -K -iv $p->[0]", op => 'encrypt', data => $p->[1],
                       new => ['dash', -key => $key, @$cargs, -literal_key => 1, -iv => $iv, -header => 'none'] };
        $want{"$oc -K -iv $p->[0]"} = openssl(['-e', "-$oc", @{ $x || [] }, '-K', hexs($key), '-iv', hexs($iv)], $p->[1]);
    }
}

for my $impl ('native', 'bridge') {
    SKIP: {
        skip("bridged: $bwhy", scalar @cases) if $impl eq 'bridge' && !$bok;
        my $r = $impl eq 'native' ? run_native(\@cases) : run_bridged(\@cases);
        for my $c (@cases) {
            my $got = $r->{ $c->{id} };
            if (defined $got->{died} || !defined $got->{out}) {
                fail("$impl: $c->{id}");
                diag("died: " . ($got->{died} // '?'));
                next;
            }
            if ($c->{openssl}) {
                my $back = eval { openssl($c->{openssl}, pack('H*', $got->{out})) };
                is(defined $back ? hexs($back) : "openssl failed: $@", hexs($want{ $c->{id} }), "$impl: $c->{id}");
            } else {
                is($got->{out}, hexs($want{ $c->{id} }), "$impl: $c->{id}");
            }
        }
    }
}
chomp $over;
note("openssl: $over; ciphers: " . join(' ', map { $_->[0] } @ciphers));
done_testing;
