package XMLDOMDiff;

# Differential harness for the XML::DOM drop-in: a script under t/XML-DOM/scripts/ runs twice --
# natively (Debian's XML::DOM 1.46 on XML::Parser/expat, no lockdown) and bridged (perl/compat
# under the lockdown, talking to the test's daemon) -- each with an empty output directory as its
# last argument. Stdout, stderr, exit status and every file the script wrote there must be the
# same bytes.
#
# Before comparing, only what cannot be the same is rewritten: the output directory's path, and
# the " at FILE line N." that Perl appends to a die inside a module -- XML/DOM.pm, XML/Parser.pm
# and XML/Parser/Expat.pm natively, our XML/DOM.pm bridged -- and inside core IO/File.pm (the
# lockdown keeps perl's own copy, not Debian's perl-base one). Locations in the script itself are
# compared as they are.

use strict;
use warnings;

use Data::Dumper ();
use File::Find ();
use File::Temp ();
use Test::More;
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(native_ok bridge_ok run_script compare_script corpus_files $SCRIPTS $CORPUS);

our $SCRIPTS = "$ROOT/t/XML-DOM/scripts";
our $CORPUS = "$ROOT/t/XML-DOM/corpus";

sub _native_env { return (PERL5OPT => undef, PERL5LIB => undef, CPAN_BRIDGE_SOCKET => undef) }
sub _bridged_env {
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown");
}

# The well-formed corpus documents (malformed ones live in corpus/malformed/).
sub corpus_files { return sort glob("$CORPUS/*.xml") }

# (1) when Debian's XML::DOM loads, else (0, reason).
sub native_ok {
    my ($st, $out, $err) = run_cmd([$^X, '-MXML::DOM', '-e', 'print "ok"'], env => { _native_env() });
    return 1 if $st == 0 && $out eq 'ok';
    return (0, "native XML::DOM not loadable (apt-get install libxml-dom-perl): $err");
}

# (1) when the drop-in and the daemon's xml_dom module are both there, else (0, reason).
my $BRIDGE;
sub bridge_ok {
    return @$BRIDGE if $BRIDGE;
    if (!-f "$ROOT/perl/compat/XML/DOM.pm") {
        $BRIDGE = [0, 'the drop-in perl/compat/XML/DOM.pm has not landed yet'];
    } else {
        my ($st, $out) = run_cmd([$BIN, 'manifest'], timeout => 300);
        if ($out !~ /^xml_dom\.parse\b/m) {
            $BRIDGE = [0, "the daemon has no xml_dom.parse yet (cpanbridge manifest, status $st)"];
        } else {
            start_daemon();
            $BRIDGE = [1];
        }
    }
    return @$BRIDGE;
}

# One run: {out, err, exit, files => {relative name => bytes}}, normalised as described above.
sub run_script {
    my ($impl, $script, @args) = @_;
    my $dir = File::Temp::tempdir('cbt-dom-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my %env = $impl eq 'native' ? _native_env() : _bridged_env();
    my ($st, $out, $err) = run_cmd([$^X, "$SCRIPTS/$script", @args, $dir], env => \%env, timeout => 300);
    my %files;
    File::Find::find({ no_chdir => 1, wanted => sub {
        return unless -f $_;
        (my $name = $_) =~ s{^\Q$dir\E/}{};
        $files{$name} = slurp($_);
    } }, $dir);
    for ($out, $err) {
        s{\Q$dir\E}{OUTDIR}g;
        s{ at /\S+/XML/(?:DOM|Parser|Parser/Expat)\.pm line \d+\.}{ at XML-MODULE line N.}g;
        s{ at /usr/lib/\S+/IO/File\.pm line \d+\.}{ at CORE-IO-FILE line N.}g;
    }
    return { out => $out, err => $err, exit => $st, files => \%files };
}

# One test: the script gives the same results natively and bridged.
sub compare_script {
    my ($name, $script, @args) = @_;
    my $native = run_script('native', $script, @args);
    my $bridged = run_script('bridge', $script, @args);
    local $Data::Dumper::Indent = 1;
    local $Data::Dumper::Sortkeys = 1;
    local $Data::Dumper::Useqq = 1;
    my ($n, $b) = map { Data::Dumper::Dumper($_) } $native, $bridged;
    my $ok = ok($n eq $b, $name);
    unless ($ok) {
        for my $part (qw(out err exit)) {
            next if $native->{$part} eq $bridged->{$part};
            diag("$part differs:\n" . _first_difference($native->{$part}, $bridged->{$part}));
        }
        my %names = map { $_ => 1 } keys %{ $native->{files} }, keys %{ $bridged->{files} };
        for my $f (sort keys %names) {
            my ($nf, $bf) = map { defined $_ ? $_ : '(missing)' } $native->{files}{$f}, $bridged->{files}{$f};
            diag("file $f differs:\n" . _first_difference($nf, $bf)) if $nf ne $bf;
        }
    }
    return $ok;
}

sub _first_difference {
    my ($n, $b) = @_;
    my @n = split /\n/, $n, -1;
    my @b = split /\n/, $b, -1;
    for my $i (0 .. ($#n > $#b ? $#n : $#b)) {
        my ($x, $y) = map { defined $_ ? $_ : '(none)' } $n[$i], $b[$i];
        next if $x eq $y;
        return sprintf("  line %d\n  native:  %s\n  bridged: %s\n", $i + 1, _show($x), _show($y));
    }
    return "  (same lines, different bytes)\n";
}

sub _show {
    my ($s) = @_;
    $s =~ s/([^\x20-\x7e])/sprintf('\\x{%x}', ord $1)/ge;
    return length $s > 300 ? substr($s, 0, 300) . '...' : $s;
}

1;
