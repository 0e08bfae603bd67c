package XPathDiff;

# Differential harness for the XML::XPath drop-in: a list of cases runs through
# t/XML-XPath/scripts/probe.pl twice -- natively (Debian's XML::XPath 1.48 over XML::Parser/expat,
# no lockdown) and bridged (PERL5LIB=perl/compat:perl/lib under the lockdown, talking to the
# test's daemon) -- one process per side for the whole list. Each case's output, warnings and
# death must be the same strings; only the "at FILE line N." of a die or warn is normalized, as
# it names the installation's files. Whole scripts compare stdout, stderr and exit status
# (run_script), with the same normalization of stdout and stderr.

use strict;
use warnings;

use Data::Dumper ();
use File::Temp ();
use Test::More;
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(native_ok bridge_ok compare_cases run_script compare_script corpus $CORPUS);

our $CORPUS = "$ROOT/t/XML-XPath/corpus";
my $PROBE = "$ROOT/t/XML-XPath/scripts/probe.pl";

sub corpus { return "$CORPUS/$_[0]" }

sub _native_env { return (PERL5OPT => undef, PERL5LIB => undef, CPAN_BRIDGE_SOCKET => undef) }
# XPATH_DIFF_JSON=JSON::XS runs the bridged side with that JSON backend (without the lockdown,
# which would hide it).
sub _bridged_env {
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => undef, CPAN_BRIDGE_JSON => $ENV{XPATH_DIFF_JSON})
        if $ENV{XPATH_DIFF_JSON};
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown");
}

sub native_ok {
    my ($st, $out, $err) = run_cmd([$^X, '-MXML::XPath', '-e', 'print $XML::XPath::VERSION'], env => { _native_env() });
    return 1 if $st == 0 && $out =~ /^1\./;
    return (0, "native XML::XPath not loadable (apt-get install libxml-xpath-perl): $err");
}

my $BRIDGE;
sub bridge_ok {
    return @$BRIDGE if $BRIDGE;
    my ($st, $out) = run_cmd([$BIN, 'manifest'], timeout => 300);
    if ($out !~ /^xpath\b/m) {
        $BRIDGE = [0, "the daemon has no xpath module (cpanbridge manifest, status $st)"];
    }
    else {
        start_daemon();
        $BRIDGE = [1];
    }
    return @$BRIDGE;
}

sub _run {
    my ($impl, $cases) = @_;
    my $dir = File::Temp::tempdir('cbt-xpath-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/cases.pl" or die "$dir/cases.pl: $!";
    {
        local $Data::Dumper::Useqq = 1;
        local $Data::Dumper::Terse = 1;
        print {$fh} Data::Dumper::Dumper($cases);
    }
    close $fh;
    my %env = $impl eq 'native' ? _native_env() : _bridged_env();
    my ($st, $out, $err) = run_cmd([$^X, $PROBE, "$dir/cases.pl", "$dir/out.pl"], env => \%env, timeout => 600);
    my $res = -s "$dir/out.pl" ? do { our $res; do "$dir/out.pl"; $res } : undef;
    die "probe.pl ($impl) failed, status $st: $out$err" unless $st == 0 && ref $res eq 'HASH';
    my $is_dropin = index($res->{_module} || '', "$ROOT/perl/compat/") == 0;
    die "the $impl run loaded XML::XPath from $res->{_module}" if ($impl eq 'bridge') != $is_dropin;
    diag("probe.pl ($impl) stderr: $err") if length $err;
    return $res;
}

# Every case's result, bridged vs native. A case may carry todo => reason (a known difference).
sub compare_cases {
    my ($cases, $label) = @_;
    my $native = _run('native', $cases);
    my ($bok, $why) = bridge_ok();
    SKIP: {
        skip("$label bridged: $why", scalar @$cases) unless $bok;
        my $bridged = _run('bridge', $cases);
        local $Data::Dumper::Useqq = 1;
        local $Data::Dumper::Sortkeys = 1;
        local $Data::Dumper::Indent = 1;
        for my $c (@$cases) {
            my ($b, $n) = map { Data::Dumper::Dumper($_->{ $c->{id} }) } $bridged, $native;
            local $TODO = $c->{todo} if $c->{todo} && !$ENV{XPATH_DIFF_NO_TODO};
            is($b, $n, "$label: $c->{id}");
        }
    }
    return $native;
}

sub _normalize { my ($s) = @_; $s =~ s/ at \S+ line \d+\.?\n/ at FILE line N.\n/g; return $s }

# A whole script both ways: [status, stdout, stderr (normalized)].
sub run_script {
    my ($impl, $script, @args) = @_;
    my %env = $impl eq 'native' ? _native_env() : _bridged_env();
    my ($st, $out, $err) = run_cmd([$^X, '-e', $script, @args], env => \%env, timeout => 600);
    return [$st >> 8, _normalize($out), _normalize($err)];
}

sub compare_script {
    my ($script, $name, @args) = @_;
    my $n = run_script('native', $script, @args);
    my ($bok, $why) = bridge_ok();
    SKIP: {
        skip("$name bridged: $why", 1) unless $bok;
        my $b = run_script('bridge', $script, @args);
        local $Data::Dumper::Useqq = 1;
        local $Data::Dumper::Terse = 1;
        is(Data::Dumper::Dumper($b), Data::Dumper::Dumper($n), $name);
    }
    return $n;
}

1;
