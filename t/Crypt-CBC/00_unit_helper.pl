# Shared by the drop-in's Perl-side unit tests (t/Crypt-CBC/0N_*.t). Daemon-free: both the
# native Crypt::CBC 3.04 (run outside the lockdown) and ours get the same toy block cipher --
# natively as stand-in classes named like the real modules, here as a stand-in bridge answering
# `crypto.crypt` -- so every byte of header, key/IV derivation, padding, chaining and buffering
# can be compared without the real ciphers. The toy: E(b) = reverse(b) xor key-prefix.
use strict;
use warnings;
use JSON::PP ();
use BridgeTest ();
use File::Temp ();

our @LOG;

my %BS = (AES => 16, Blowfish => 8, DES => 8, DES_EDE3 => 8, IDEA => 8);

sub toy_e { my ($b, $k, $bs) = @_; return scalar(reverse $b) ^ substr($k x 8, 0, $bs) }
sub toy_d { my ($c, $k, $bs) = @_; return scalar reverse($c ^ substr($k x 8, 0, $bs)) }

{
    package FakeCryptoBridge;
    sub new { return bless {}, shift }
    sub call {
        my ($self, $module, $function, $p, $opt) = @_;
        my ($key, $iv, $data) = unpack 'w/a* w/a* a*', $opt->{attachment};
        push @main::LOG, [ $function, $p, $key, $iv, length $data ];
        my $bs = $BS{ $p->{cipher} };
        my $m = $p->{mode};
        return { success => 0, error => 'E_USAGE: not whole blocks', code => 'E_USAGE' }
            if ($m eq 'ECB' || $m eq 'CBC') && length($data) % $bs;
        my $dec = $p->{direction} eq 'decrypt';
        my ($i, $r) = ($iv, '');
        for my $b (unpack "(a$bs)*", $data) {
            if    ($m eq 'ECB') { $r .= $dec ? main::toy_d($b, $key, $bs) : main::toy_e($b, $key, $bs) }
            elsif ($m eq 'CBC') {
                if ($dec) { $r .= $i ^ main::toy_d($b, $key, $bs); $i = $b }
                else      { $r .= $i = main::toy_e($i ^ $b, $key, $bs) }
            }
            elsif ($m eq 'CFB') {
                my $c = substr($b ^ main::toy_e($i, $key, $bs), 0, length $b);
                $r .= $c;
                $i = $dec ? $b : $c;
            }
            elsif ($m eq 'OFB') { $i = main::toy_e($i, $key, $bs); $r .= substr($b ^ $i, 0, length $b) }
            else {
                $r .= substr($b ^ main::toy_e($i, $key, $bs), 0, length $b);
                $i = Crypt::CBC::_add_counter($i, 1);
            }
        }
        return { success => 1, result => { blocksize => $bs }, attachment => $r };
    }
}
$Crypt::CBC::BRIDGE = FakeCryptoBridge->new;

# Native stand-ins: classes under the real modules' names, enciphering with the same toy.
our $NATIVE_PRELUDE = <<'PERL';
no warnings;
sub toy_e { my ($b, $k, $bs) = @_; return scalar(reverse $b) ^ substr($k x 8, 0, $bs) }
sub toy_d { my ($c, $k, $bs) = @_; return scalar reverse($c ^ substr($k x 8, 0, $bs)) }
for my $c (['Crypt::Rijndael', 16, 32], ['Crypt::Cipher::AES', 16, 32], ['Crypt::OpenSSL::AES', 16, 32],
           ['Crypt::Blowfish', 8, 0], ['Crypt::DES', 8, 8], ['Crypt::DES_EDE3', 8, 24]) {
    my ($n, $bs, $ks) = @$c;
    no strict 'refs';
    *{"${n}::new"} = sub { bless { k => $_[1] }, $_[0] };
    # short input is refused as the real modules refuse it
    my $check = $n =~ /Cipher::AES/ ? sub { die "FATAL: input size not equal to blocksize (16)\n" if length $_[0] != 16 && length $_[0] }
              : $bs == 16 ? sub { die "encrypt: datasize not multiple of blocksize (16 bytes)\n" if length($_[0]) % 16 }
              : sub { die "input must be 8 bytes long\n" if length $_[0] != 8 };
    *{"${n}::encrypt"} = sub { $check->($_[1]); length $_[1] ? toy_e($_[1], $_[0]{k}, $bs) : '' };
    *{"${n}::decrypt"} = sub { $check->($_[1]); length $_[1] ? toy_d($_[1], $_[0]{k}, $bs) : '' };
    *{"${n}::blocksize"} = sub { $bs };
    *{"${n}::keysize"} = sub { $ks };
    *{"${n}::max_keysize"} = sub { 56 } unless $ks;
    $INC{ join('/', split /::/, $n) . '.pm' } = 1;
}
PERL

# Runs each case (Perl code returning a string, in a scope with $c = undef to start with) and
# reports [hex result, error, warnings] with file/line locations stripped.
our $RUNNER = <<'PERL';
sub run_cases {
    my @out;
    for my $code (@{ $_[0] }) {
        my @w;
        local $SIG{__WARN__} = sub { push @w, $_[0] };
        my $r = eval "no warnings; $code";
        my $e = $@;
        for ($e, @w) { s/ at [^\n]+? line \d+\.?\n//g; s/\s+\z//; s/ \(\@INC contains: [^)]*\)// }
        push @out, [ defined $r ? unpack('H*', $r) : undef, $e, join('|', @w) ];
    }
    return \@out;
}
PERL
eval $RUNNER; die $@ if $@;

sub have_native {
    my ($st) = BridgeTest::run_cmd([$^X, '-MCrypt::CBC', '-e', '1'], env => { PERL5OPT => undef, PERL5LIB => undef });
    return $st == 0;
}

# The native module's answers for the same cases.
sub native_cases {
    my ($cases, $real) = @_;
    my ($fh, $file) = File::Temp::tempfile('cbc-unit-XXXXXX', TMPDIR => 1, UNLINK => 1);
    print {$fh} JSON::PP->new->utf8->encode($cases);
    close $fh;
    my $code = ($real ? '' : $NATIVE_PRELUDE) . $RUNNER
        . 'print JSON::PP->new->utf8->canonical->encode(run_cases(JSON::PP->new->utf8->decode(do { local $/; <STDIN> })));';
    my ($st, $out, $err) = BridgeTest::run_cmd([$^X, '-MJSON::PP', '-MDigest::MD5', '-MCrypt::CBC', '-e', $code],
        env => { PERL5OPT => undef, PERL5LIB => undef }, stdin_file => $file);
    die "native run failed ($st): $err\n" if $st;
    return JSON::PP->new->utf8->decode($out);
}

# Compares ours with native case by case ($real: native uses the real cipher modules, and ours
# the daemon -- the caller starts one and drops the stand-in bridge).
sub compare_cases {
    my ($cases, $real) = @_;
    my $want = native_cases($cases, $real);
    my $got = run_cases($cases);
    for my $i (0 .. $#$cases) {
        (my $name = $cases->[$i]) =~ s/\s+/ /g;
        Test::More::is_deeply($got->[$i], $want->[$i], $name)
            or Test::More::diag(Test::More::explain({ got => $got->[$i], native => $want->[$i] }));
    }
}

1;
