#!/usr/bin/env perl
# bench/xml-simple.pl — XML::Simple natively (Debian's 2.25 over XML::SAX::Expat) against the
# drop-in, one run: XMLin of a ~2 MB, 20k-element document (a file, and the same as a string, and
# with ForceArray => 1, KeyAttr => []), and XMLout of the structure XMLin gave. No target: a
# report (issue 7). The bridged runs use their own daemon (a temp XDG_RUNTIME_DIR, auto-started),
# once with JSON::PP under the lockdown (a locked-down host) and once with JSON::XS when Debian's
# libjson-xs-perl is there. Every result's MD5 (Data::Dumper, sorted keys) must equal native's.
#
#   perl bench/xml-simple.pl [--items=10000] [--rounds=3]
#   perl bench/xml-simple.pl --worker FILE ROUNDS   # one side, what the driver runs
use strict;
use warnings;
use Cwd ();
use File::Basename ();
use File::Temp ();
use Getopt::Long qw(GetOptions);
use Time::HiRes qw(time);

my %opt = (items => 10_000, rounds => 3);
GetOptions(\%opt, 'items=i', 'rounds=i', 'worker') or die "bench/xml-simple.pl: bad options\n";
exit worker(@ARGV) if $opt{worker};

my $root = Cwd::abs_path(File::Basename::dirname(Cwd::abs_path(__FILE__)) . '/..');
my $tmp = File::Temp::tempdir('xsbench-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $doc = "$tmp/inventory.xml";
write_document($doc, $opt{items});
printf "document: %s, %.2f MB, %d elements\n", $doc, (-s $doc) / 1e6, count_elements($doc);

my $runtime = "$tmp/run";
mkdir $runtime, 0700 or die "$runtime: $!";
my %sides = (
    native           => { PERL5LIB => undef, PERL5OPT => undef },
    'bridge JSON::PP' => { PERL5LIB => "$root/perl/compat:$root/perl/lib", PERL5OPT => "-I$root/t/lib -MLockdown",
                           CPAN_BRIDGE_JSON => 'JSON::PP', XDG_RUNTIME_DIR => $runtime },
);
$sides{'bridge JSON::XS'} = { PERL5LIB => "$root/perl/compat:$root/perl/lib", PERL5OPT => undef,
                              CPAN_BRIDGE_JSON => 'JSON::XS', XDG_RUNTIME_DIR => $runtime }
    if system($^X, '-MJSON::XS', '-e', '1') == 0;

my %best;
for my $pass (1 .. 2) {    # alternate the sides so that machine noise hits all alike
    for my $side (sort keys %sides) {
        my $r = run_worker($sides{$side}, $doc);
        for my $case (keys %$r) {
            my ($secs, $md5) = split /,/, $r->{$case};
            $best{$case}{$side} = $secs if !defined $best{$case}{$side} || $secs < $best{$case}{$side};
            $best{$case}{"md5 $side"} = $md5;
        }
    }
}
system("XDG_RUNTIME_DIR=$runtime $root/bin/cpanbridge stop >/dev/null 2>&1");

my @sides = sort keys %sides;
printf "%-28s %s\n", 'case (best of ' . ($opt{rounds} * 2) . ')', join('  ', map { sprintf '%16s', $_ } @sides, map { "$_/native" } grep { $_ ne 'native' } @sides);
for my $case (sort keys %best) {
    my $n = $best{$case}{native};
    my @cells = map { sprintf '%14.3f s', $best{$case}{$_} } @sides;
    push @cells, map { sprintf '%15.2fx', $best{$case}{$_} / $n } grep { $_ ne 'native' } @sides;
    my @differ = grep { $_ ne 'native' && $best{$case}{"md5 $_"} ne $best{$case}{'md5 native'} } @sides;
    printf "%-28s %s%s\n", $case, join('  ', @cells), @differ ? "  RESULT DIFFERS: @differ" : '';
}

sub run_worker {
    my ($env, $file) = @_;
    local %ENV = %ENV;
    for my $k (keys %$env) { defined $env->{$k} ? ($ENV{$k} = $env->{$k}) : delete $ENV{$k} }
    my $out = `$^X $0 --worker $file $opt{rounds} 2>&1`;
    die "worker failed ($?): $out" if $?;
    return { map { /^(\S+(?: \S+)*?)=(.*)$/ ? ($1, $2) : () } split /\n/, $out };
}

sub worker {
    my ($file, $rounds) = @_;
    require XML::Simple;
    require Data::Dumper;
    require Digest::MD5;
    my $text = do { open(my $fh, '<', $file) or die "$file: $!"; local $/; <$fh> };
    my %cases = (
        'XMLin file'                 => sub { XML::Simple::XMLin($file) },
        'XMLin string'               => sub { XML::Simple::XMLin($text) },
        'XMLin ForceArray KeyAttr[]' => sub { XML::Simple::XMLin($file, ForceArray => 1, KeyAttr => []) },
    );
    my $data = XML::Simple::XMLin($file);
    $cases{'XMLout'} = sub { XML::Simple::XMLout($data) };
    $cases{'XMLin file'}->();    # warm-up: loading, the daemon's start and JIT
    for my $case (sort keys %cases) {
        my ($best, $result);
        for (1 .. $rounds) {
            my $t = time;
            $result = $cases{$case}->();
            my $e = time - $t;
            $best = $e if !defined $best || $e < $best;
        }
        no warnings "once";
        local $Data::Dumper::Sortkeys = 1;
        local $Data::Dumper::Indent = 1;
        my $dump = Data::Dumper::Dumper($result);
        utf8::encode($dump);
        printf "%s=%.4f,%s\n", $case, $best, Digest::MD5::md5_hex($dump);
    }
    return 0;
}

# An inventory feed: 10k items with attributes, text, repeated children, non-ASCII.
sub write_document {
    my ($file, $items) = @_;
    open(my $fh, '>', $file) or die "$file: $!";
    print {$fh} qq{<?xml version="1.0" encoding="UTF-8"?>\n<inventory generated="2024-01-01">\n};
    my $x = 7;
    for my $i (1 .. $items) {
        $x = ($x * 1103515245 + 12345) % 2147483648;
        printf {$fh} qq{  <item id="i%05d" type="%s" warehouse="w%d">\n    <name>Item number %d caf\xc3\xa9</name>\n}
            . qq{    <price currency="EUR">%.2f</price>\n    <qty>%d</qty>\n    <tag>t%d</tag><tag>u%d</tag>\n  </item>\n},
            $i, (qw(a b c))[ $i % 3 ], $i % 7, $i, ($x % 100000) / 100, $x % 500, $i % 13, $i % 17;
    }
    print {$fh} "</inventory>\n";
    close $fh or die "$file: $!";
}

sub count_elements {
    my $text = do { open(my $fh, '<', $_[0]) or die; local $/; <$fh> };
    return scalar(() = $text =~ /<[a-z]/g);
}
