package CryptDiff;

# Interop harness for the Crypt::CBC drop-in: a list of cases runs through
# t/Crypt-CBC/scripts/crypt.pl twice -- natively (Debian's Crypt::CBC 3.04 + Crypt::Rijndael /
# Blowfish / DES / DES_EDE3, no lockdown) and bridged (PERL5LIB=perl/compat:perl/lib under the
# lockdown, talking to the test's daemon) -- one process per side for the whole list, so a few
# hundred cases cost two perl start-ups, not hundreds.
#
# A case is a hash: id, op (encrypt decrypt encrypt_hex decrypt_hex autokit_enc autokit_dec
# stream_encrypt stream_decrypt raw), new => [style, args...] (style dash: Crypt::CBC->new(args),
# hash: new({args}), pos: new($key, $cipher)), the input as data (a string), data_hex or
# gen (bytes256, mb = 1 MiB of a fixed pattern), chunk (streaming), back => 1 (the same object
# then decrypts its output), info => 1 (report the accessors), todo => reason (a known
# difference, reported to the drop-in's authors), die_only => 1 (compare only that both die). Results: {out, back (hex), died,
# warn [..], info {..}}.

use strict;
use warnings;

use Data::Dumper ();
use File::Temp ();
use Test::More;
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(native_ok bridge_ok run_native run_bridged same_result hexs ciphers plaintexts compare_all plain_of
                 $SALT $IV8 $IV16);

my $SCRIPT = "$ROOT/t/Crypt-CBC/scripts/crypt.pl";

sub _native_env { return (PERL5OPT => undef, PERL5LIB => undef, CPAN_BRIDGE_SOCKET => undef) }
sub _bridged_env {
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown");
}

our $SALT = "\x01\x23\x45\x67\x89\xab\xcd\xef";
our $IV8  = "\xfe\xdc\xba\x98\x76\x54\x32\x10";
our $IV16 = join '', map { chr(0xa0 + $_) } 0 .. 15;

# The ciphers of the issue: [name, [constructor args naming it], blocksize, keysize].
sub ciphers {
    return (['AES-256', [-cipher => 'Crypt::Rijndael'], 16, 32],
            ['AES-128', [-cipher => 'Rijndael', -keysize => 16], 16, 16],
            ['AES-192', [-cipher => 'Rijndael', -keysize => 24], 16, 24],
            ['Blowfish', [-cipher => 'Blowfish'], 8, 56],
            ['DES', [-cipher => 'DES'], 8, 8],
            ['DES_EDE3', [-cipher => 'DES_EDE3'], 8, 24]);
}

# The plaintexts of the issue for a block size: [name, case fields]. mb => 1 adds the 1 MiB one.
sub plaintexts {
    my ($bs, %o) = @_;
    my $utf8 = "Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x9c\x93";
    return (['empty', { data => '' }],
            ['1 byte', { data => 'x' }],
            ['one block', { data => 'B' x $bs }],
            ['many blocks', { data => join('', map { chr(65 + $_ % 26) } 1 .. $bs * 7 + 5) }],
            ['bytes 0..255', { gen => 'bytes256' }],
            ['UTF-8', { data => $utf8 }],
            $o{mb} ? (['1 MiB', { gen => 'mb' }]) : ());
}

# Runs the cases both ways; every case's results must be the same. Without the bridge, only the
# native run (a check that the cases themselves run) and a skip.
sub compare_all {
    my ($cases, $label) = @_;
    my $native = run_native($cases);
    my ($bok, $why) = bridge_ok();
    SKIP: {
        skip("$label bridged: $why", scalar @$cases) unless $bok;
        my $bridged = run_bridged($cases);
        for my $c (@$cases) {
            my ($b, $n) = ($bridged->{ $c->{id} }, $native->{ $c->{id} });
            # die_only: native dies of an internal error here (a bug of its own); only the death
            # itself is compared, not the message.
            ($b, $n) = map { { died => defined $_->{died} ? 'died' : undef } } $b, $n if $c->{die_only};
            # CRYPT_DIFF_NO_TODO=1 shows the known differences as plain failures.
            my $todo = $ENV{CRYPT_DIFF_NO_TODO} ? undef : $c->{todo};
            my $tb = Test::More->builder;
            $tb->todo_start($todo) if $todo;
            same_result($b, $n, "$label: $c->{id}");
            $tb->todo_end if $todo;
        }
    }
    return $native;
}

# A case's input bytes, as crypt.pl makes them (same generator).
sub plain_of {
    my ($c) = @_;
    return pack('H*', $c->{data_hex}) if defined $c->{data_hex};
    my $g = $c->{gen} || '';
    return join('', map { chr } 0 .. 255) if $g eq 'bytes256';
    if ($g =~ /\Amb(\d*)\z/) {
        my $n = $1 || 1 << 20;
        my $s = '';
        my $x = 12345;
        while (length $s < $n) { $x = ($x * 1103515245 + 12345) & 0x7fffffff; $s .= pack('N', $x) }
        return substr($s, 0, $n);
    }
    return defined $c->{data} ? $c->{data} : '';
}

sub hexs { return unpack('H*', $_[0]) }

# (1) when Debian's modules load, else (0, reason).
sub native_ok {
    my ($st, $out, $err) = run_cmd([$^X, '-MCrypt::CBC', '-MCrypt::Rijndael', '-MCrypt::Blowfish', '-MCrypt::DES',
                                    '-MCrypt::DES_EDE3', '-e', 'print "ok"'], env => { _native_env() });
    return 1 if $st == 0 && $out eq 'ok';
    return (0, "native Crypt::CBC and ciphers not loadable (apt-get install libcrypt-cbc-perl libcrypt-rijndael-perl "
             . "libcrypt-blowfish-perl libcrypt-des-perl libcrypt-des-ede3-perl): $err");
}

# (1) when the drop-in and the daemon's crypto module are both there, else (0, reason). Only
# while one of them has not landed yet may a test skip its bridged half.
my $BRIDGE;
sub bridge_ok {
    return @$BRIDGE if $BRIDGE;
    if (!-f "$ROOT/perl/compat/Crypt/CBC.pm") {
        $BRIDGE = [0, 'the drop-in perl/compat/Crypt/CBC.pm has not landed yet'];
    } else {
        my ($st, $out, $err) = run_cmd([$BIN, 'manifest'], timeout => 300);
        if ($out !~ /^crypto\b.*\bcrypt\b/m) {
            $BRIDGE = [0, "the daemon has no crypto.crypt yet (cpanbridge manifest, status $st)"];
        } else {
            start_daemon();
            $BRIDGE = [1];
        }
    }
    return @$BRIDGE;
}

sub _run {
    my ($impl, $cases) = @_;
    my $dir = File::Temp::tempdir('cbt-crypt-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/cases.pl" or die "$dir/cases.pl: $!";
    {
        local $Data::Dumper::Useqq = 1;
        local $Data::Dumper::Deepcopy = 1;    # cases share argument lists: no $VAR1->... in the file
        local $Data::Dumper::Indent = 1;
        local $Data::Dumper::Terse = 1;
        print {$fh} Data::Dumper::Dumper($cases);
    }
    close $fh;
    my %env = $impl eq 'native' ? _native_env() : _bridged_env();
    my ($st, $out, $err) = run_cmd([$^X, $SCRIPT, "$dir/cases.pl", "$dir/out.pl"], env => \%env, timeout => 600);
    my $res = -s "$dir/out.pl" ? do { our $res; do "$dir/out.pl"; $res } : undef;
    die "crypt.pl ($impl) failed, status $st: $out$err" unless $st == 0 && ref $res eq 'HASH';
    my $mod = $res->{_module} || '';
    my $is_dropin = index($mod, "$ROOT/perl/compat/") == 0;
    die "the $impl run loaded Crypt::CBC from $mod" if ($impl eq 'bridge') != $is_dropin;
    diag("crypt.pl ($impl) stderr: $err") if length $err;
    return $res;
}

sub run_native  { return _run('native', @_) }
sub run_bridged { return _run('bridge', @_) }

# One test: the two results of a case are the same (output bytes, death, warnings, accessors).
sub same_result {
    my ($got, $want, $name) = @_;
    local $Data::Dumper::Indent = 1;
    local $Data::Dumper::Sortkeys = 1;
    local $Data::Dumper::Terse = 1;
    my $short = sub {
        my $r = shift;
        return 'undef' unless $r;
        my %c = %$r;
        for (qw(out back)) { $c{$_} = substr($c{$_}, 0, 96) . '...(' . length($c{$_}) / 2 . ' bytes)' if defined $c{$_} && length $c{$_} > 100 }
        return Data::Dumper::Dumper(\%c);
    };
    my $ok = Data::Dumper::Dumper($got) eq Data::Dumper::Dumper($want);
    ok($ok, $name) or diag("bridged: " . $short->($got) . "native: " . $short->($want));
    return $ok;
}

1;
