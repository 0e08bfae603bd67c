package XMLSimpleDiff;

# Differential harness for the XML::Simple drop-in: a script of t/XML-Simple/scripts/ runs twice,
# natively (Debian's XML::Simple 2.25 over XML::SAX::Expat, no lockdown) and bridged
# (PERL5LIB=perl/compat:perl/lib under the lockdown, against the test's daemon). Its stdout is a
# list of cases ("=== name" and what the case printed: Data::Dumper with sorted keys, a death, the
# warnings in place); each case is one test, then stderr and the exit status are compared whole.
# Options: todo => {case => reason} (a known difference), die_only => [cases], args, stdin_file.

use strict;
use warnings;

use Test::More;
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(native_ok bridge_ok run_side compare_script);

our $SCRIPTS = "$ROOT/t/XML-Simple/scripts";

sub _native_env { return (PERL5OPT => undef, PERL5LIB => undef, CPAN_BRIDGE_SOCKET => undef) }

sub _bridged_env {
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown");
}

# (1) when Debian's XML::Simple loads with its SAX parser, else (0, reason).
sub native_ok {
    my ($st, $out, $err) = run_cmd([$^X, '-MXML::Simple', '-MXML::SAX::Expat', '-e', 'print $XML::Simple::VERSION'],
                                   env => { _native_env() });
    return 1 if $st == 0 && $out eq '2.25';
    return (0, "native XML::Simple 2.25 with XML::SAX::Expat not loadable (apt-get install libxml-simple-perl "
             . "libxml-sax-expat-perl): $out$err");
}

# (1) when the drop-in and the daemon's xml module are both there (the daemon is then started),
# else (0, reason).
my $BRIDGE;
sub bridge_ok {
    return @$BRIDGE if $BRIDGE;
    if (!-f "$ROOT/perl/compat/XML/Simple.pm") {
        $BRIDGE = [0, 'the drop-in perl/compat/XML/Simple.pm has not landed yet'];
    }
    else {
        my ($st, $out) = run_cmd([$BIN, 'manifest'], timeout => 300);
        if ($out !~ /^xml\.xml_in\b/m) {
            $BRIDGE = [0, "the daemon has no xml.xml_in (cpanbridge manifest, status $st)"];
        }
        else {
            start_daemon();
            $BRIDGE = [1];
        }
    }
    return @$BRIDGE;
}

# Runs a script one way: (status, stdout, stderr, the XML::Simple it loaded).
sub run_side {
    my ($impl, $script, %opt) = @_;
    my %env = $impl eq 'native' ? _native_env() : _bridged_env();
    my ($st, $out, $err) = run_cmd([$^X, "$SCRIPTS/$script", @{ $opt{args} || [] }],
                                   env => \%env, timeout => $opt{timeout} || 300, stdin_file => $opt{stdin_file});
    return ($st, $out, $err);
}

sub _cases {
    my ($out) = @_;
    my @cases;
    my $head = '';
    for my $chunk (split /^(?==== )/m, $out) {
        if ($chunk =~ s/\A=== ([^\n]*)\n//) {
            push @cases, [ $1, $chunk ];
        }
        else {
            $head .= $chunk;
        }
    }
    return ($head, @cases);
}

# Runs $script both ways and compares: every case, then what came before the first case,
# stderr and the exit status. Returns the native stdout (for checks of the cases themselves).
sub compare_script {
    my ($script, %opt) = @_;
    my ($nst, $nout, $nerr) = run_side('native', $script, %opt);
    my ($bok, $why) = bridge_ok();
    my ($nhead, @ncases) = _cases($nout);
    SKIP: {
        skip("$script bridged: $why", @ncases + 3) unless $bok;
        my ($bst, $bout, $berr) = run_side('bridge', $script, %opt);
        my ($bhead, @bcases) = _cases($bout);
        my %bridged = map { $_->[0] => $_->[1] } @bcases;
        my %todo = %{ $opt{todo} || {} };
        my %die_only = map { $_ => 1 } @{ $opt{die_only} || [] };
        for my $case (@ncases) {
            my ($name, $want) = @$case;
            my $got = $bridged{$name};
            # die_only: native dies inside its own code here (a bug of its own, with its own file
            # and line in the message); the drop-in dies too, from the caller's line.
            ($got, $want) = map { defined $_ && /\ADIED: / ? 'died' : $_ } $got, $want if $die_only{$name};
            my $tb = Test::More->builder;
            my $todo = $ENV{XML_SIMPLE_DIFF_NO_TODO} ? undef : $todo{$name};
            $tb->todo_start($todo) if $todo;
            is($got, $want, "$script: $name");
            $tb->todo_end if $todo;
        }
        is(scalar @bcases, scalar @ncases, "$script: as many cases bridged as native");
        is($bhead, $nhead, "$script: output outside the cases");
        is("status $bst\n$berr", "status $nst\n$nerr", "$script: exit status and stderr");
    }
    return $nout;
}

1;
