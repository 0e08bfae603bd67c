#!/usr/bin/env perl
# bench/crypto.pl — the Crypt::CBC benchmark's worker: one process, one case, with whichever
# Crypt::CBC `require` finds (Debian's with Crypt::Rijndael, or the drop-in when perl/compat comes
# first on @INC). bench/run starts it natively and bridged and computes the ratios
# (bench/run --only=crypto); by hand:
#
#   perl bench/crypto.pl big --mb=10          # AES-256: encrypt then decrypt 10 MB, one object
#   perl bench/crypto.pl small --count=2000   # 2,000 values, a new Crypt::CBC object for each
#   PERL5LIB=perl/compat:perl/lib perl bench/crypto.pl big --mb=10   # the same through the bridge
#
# big: Crypt::CBC->new(-pass, -cipher => 'Rijndael') as 3.04 defaults it otherwise (AES-256,
# salted header, opensslv1); encrypt() of the whole buffer, then decrypt() of the result.
# small: the config-decrypting pattern (AutoKit): a PEM body as the key, values kept as hex;
# for each value new(-key => $pem, -cipher => 'Rijndael') and decrypt(pack('H*', $hex)). The
# values are encrypted beforehand, untimed, by the same module.
#
# Prints one line: `crypto_bench key=value ...` with secs= (the timed part), load= (the
# module's load time), ok= (1 when everything decrypted back to its plaintext), n= and module=
# (the Crypt/CBC.pm that was loaded).
use strict;
use warnings;
use Getopt::Long qw(GetOptions);
use Time::HiRes qw(time);

my $case = shift // '';
my %opt = (mb => 10, count => 2000);
GetOptions(\%opt, 'mb=f', 'count=i') && $case =~ /\A(big|small)\z/
    or die "usage: bench/crypto.pl big [--mb=10] | small [--count=2000]\n";

my $t0 = time;
require Crypt::CBC;
my $load = time - $t0;
my ($secs, $ok, $n);
if ($case eq 'big') {
    my $len = int($opt{mb} * 1024 * 1024);
    # Incompressible-looking bytes, made quickly: a pseudo-random block repeated with a counter.
    my $block = join '', map { chr(($_ * 131 + 7) & 255) } 0 .. 4095;
    my $data = '';
    my $i = 0;
    $data .= pack('N', $i++) . $block while length $data < $len;
    substr($data, $len) = '';
    my $c = Crypt::CBC->new(-pass => 'bench passphrase', -cipher => 'Rijndael', -nodeprecate => 1);
    $t0 = time;
    my $ct = $c->encrypt($data);
    my $pt = $c->decrypt($ct);
    $secs = time - $t0;
    $ok = $pt eq $data && length($ct) > $len ? 1 : 0;
    $n = $len;
} else {
    my $pem = join '', map { substr('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7' x 2, $_ % 40, 64) } 1 .. 25;
    my @plain = map { "db_password_$_=" . ('s3cr3t' x (1 + $_ % 5)) } 1 .. $opt{count};
    my $enc = Crypt::CBC->new(-key => $pem, -cipher => 'Rijndael', -nodeprecate => 1);
    my @hex = map { unpack('H*', $enc->encrypt($_)) } @plain;
    my @got;
    $t0 = time;
    for my $h (@hex) {
        my $c = Crypt::CBC->new(-key => $pem, -cipher => 'Rijndael', -nodeprecate => 1);
        push @got, $c->decrypt(pack('H*', $h));
    }
    $secs = time - $t0;
    $ok = (join("\0", @got) eq join("\0", @plain)) ? 1 : 0;
    $n = $opt{count};
}
printf "crypto_bench secs=%.4f load=%.4f ok=%d n=%d module=%s\n", $secs, $load, $ok, $n, $INC{'Crypt/CBC.pm'};
