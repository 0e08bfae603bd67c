#!/usr/bin/perl
# t/Crypt-CBC/scripts/crypt.pl CASES OUT — the interop tests' worker. Runs every case of the file
# CASES (Perl code returning an array of hashes; see t/lib/CryptDiff.pm) with whichever Crypt::CBC
# and block-cipher modules `require` finds: Debian's natively, the drop-ins when perl/compat comes
# first on @INC. Writes to OUT (Data::Dumper) one result per case: the output bytes in hex, the
# death and the warnings (file and line stripped: the two implementations live in different
# files), the object's accessors when asked, and which Crypt/CBC.pm was loaded.
use strict;
use warnings;
use Data::Dumper ();

my ($cases_file, $out_file) = @ARGV;
my $cases = do $cases_file;
die "crypt.pl: cannot read $cases_file: " . ($@ || $!) . "\n" unless ref $cases eq 'ARRAY';

require Crypt::CBC;

# Also not compared: the two @INC lists (they differ by design) and eval numbers.
sub clean {
    my $m = shift;
    $m =~ s/\(\@INC contains: [^)]*\)/(\@INC contains: ...)/g;
    $m =~ s/\(eval \d+\)/(eval N)/g;
    $m =~ s/ at \S+ line \d+\.?\n?//g;
    $m =~ s/\s+\z//;
    return $m;
}

sub data_of {
    my ($c) = @_;
    return pack('H*', $c->{data_hex}) if defined $c->{data_hex};
    my $g = $c->{gen} || '';
    return join('', map { chr } 0 .. 255) if $g eq 'bytes256';
    if ($g =~ /\Amb(\d*)\z/) {          # 1 MB (or N bytes) of a fixed, non-repeating-looking pattern
        my $n = $1 || 1 << 20;
        my $s = '';
        my $x = 12345;
        while (length $s < $n) { $x = ($x * 1103515245 + 12345) & 0x7fffffff; $s .= pack('N', $x) }
        return substr($s, 0, $n);
    }
    return defined $c->{data} ? $c->{data} : '';
}

# Padding code refs a case names as ['CODE', name] (code does not travel through the case file).
# 'z': pads with 'Z' bytes up to the block, strips them on decrypt (the callback's contract:
# ($block, $blocksize, 'e' or 'd') -> the padded or unpadded block).
my %CODE = (
    z => sub {
        my ($b, $bs, $dir) = @_;
        if ($dir eq 'e') { my $n = $bs - length($b) % $bs; return $b . ('Z' x $n) }
        $b =~ s/Z+\z//;
        return $b;
    },
);

sub make {
    my ($new) = @_;
    my ($style, @a) = @$new;
    @a = map { ref $_ eq 'ARRAY' && $_->[0] eq 'CODE' ? $CODE{ $_->[1] } : $_ } @a;
    return Crypt::CBC->new(@a)          if $style eq 'dash' || $style eq 'pos';
    return Crypt::CBC->new({ @a })      if $style eq 'hash';
    die "crypt.pl: unknown constructor style $style\n";
}

sub info {
    my ($o) = @_;
    my %i;
    for my $m (qw(key iv get_initialization_vector salt passphrase keysize blocksize padding cipher header_mode)) {
        next unless $o->can($m);
        my $v = eval { $o->$m };
        $v = ref $v eq 'CODE' ? 'CODE' : ref $v ? ref $v : $v;
        $i{$m} = defined $v ? unpack('H*', $v) : undef;
    }
    return \%i;
}

sub run_case {
    my ($c) = @_;
    my $data = data_of($c);
    utf8::upgrade($data) if $c->{upgrade};    # the same characters, stored as Perl's internal UTF-8
    my $op = $c->{op};
    if ($op eq 'raw') {
        (my $file = "$c->{class}.pm") =~ s{::}{/}g;
        require $file;
        my @args = (pack('H*', $c->{key_hex}));
        if (defined $c->{mode}) { no strict 'refs'; push @args, &{"$c->{class}::$c->{mode}"}() }
        my $o = $c->{class}->new(@args);
        $o->set_iv(pack('H*', $c->{iv_hex})) if defined $c->{iv_hex};
        my $dir = $c->{dir};
        return { out => $o->$dir($data), sizes => join(',', map { $o->can($_) ? $o->$_ : '-' } qw(blocksize keysize)) };
    }
    my $o = make($c->{new});
    my %r;
    if ($op eq 'encrypt' || $op eq 'decrypt' || $op eq 'encrypt_hex' || $op eq 'decrypt_hex') {
        $r{out} = $o->$op($data);
    } elsif ($op eq 'autokit_enc') {
        $r{out} = unpack('H*', $o->encrypt($data));
    } elsif ($op eq 'autokit_dec') {
        $r{out} = $o->decrypt(pack('H*', $data));
    } elsif ($op =~ /\Astream_(en|de)crypt\z/) {
        my $n = $c->{chunk};
        $o->start($1 eq 'en' ? 'encrypting' : 'decrypting');
        my $out = '';
        # What crypt() returns when it has no whole block to give back (native: undef) is
        # recorded as a list of the returned lengths, '-' for undef.
        my @got;
        my $take = sub { my $x = shift; push @got, defined $x ? length $x : '-'; $out .= $x if defined $x };
        for (my $p = 0; $p < length $data; $p += $n) { $take->($o->crypt(substr($data, $p, $n))) }
        # Empty input: one crypt('') as a read loop that met an empty file would (native's finish
        # dies with an internal error when crypt was never called; case no_crypt keeps that).
        $take->($o->crypt('')) if !length $data && !$c->{no_crypt};
        my $fin = $o->finish;
        push @got, 'finish ' . (defined $fin ? length $fin : '-');
        $out .= $fin if defined $fin;
        $r{crypt_returns} = join ',', @got;
        $r{out} = $out;
    } else {
        die "crypt.pl: unknown op $op\n";
    }
    if ($c->{info}) {
        $r{info} = info($o);
        # Without a salt given, the object holds a random one (even when no header uses it).
        my %args = @{ $c->{new} }[1 .. $#{ $c->{new} }];
        if (!grep { defined $args{$_} } qw(-salt salt)) {
            # ... and a key and IV derived from it, unless given.
            $r{info}{salt} = 'random' if defined $r{info}{salt};
            $r{info}{iv} = 'random' if !grep { defined $args{$_} } qw(-iv iv);
            $r{info}{key} = 'random' if !grep { $args{$_} } qw(-literal_key literal_key)
                and !grep { ($args{$_} // '') eq 'none' } qw(-pbkdf pbkdf);
        }
    }
    # Then the same object decrypts what it just encrypted (a second use of one object, as jobs
    # do). After it the accessors are not compared: native's randomiv decrypt leaves a key derived
    # with a random salt.
    $r{back} = $o->decrypt($r{out}) if $c->{back} && $op eq 'encrypt';
    return \%r;
}

my %res;
for my $c (@$cases) {
    my @warn;
    local $SIG{__WARN__} = sub { push @warn, clean($_[0]) };
    my $r = eval { run_case($c) };
    $r = { died => clean("$@") } unless $r;
    for my $k (qw(out back)) { $r->{$k} = unpack('H*', $r->{$k}) if defined $r->{$k} }
    $r->{warn} = \@warn;
    $res{ $c->{id} } = $r;
}
$res{_module} = $INC{'Crypt/CBC.pm'};
open my $fh, '>', $out_file or die "crypt.pl: $out_file: $!\n";
local $Data::Dumper::Indent = 1;
local $Data::Dumper::Sortkeys = 1;
print {$fh} Data::Dumper->Dump([\%res], ['res']);
close $fh or die "crypt.pl: $out_file: $!\n";
