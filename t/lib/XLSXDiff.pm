package XLSXDiff;

# Differential harness for the Excel::Writer::XLSX drop-in: one legacy-style script runs twice --
# natively (Debian's Excel::Writer::XLSX from the system's @INC, no lockdown) and bridged
# (PERL5LIB=perl/compat:perl/lib under the lockdown, talking to the test's daemon) -- and the two
# runs must agree on stdout, stderr, exit status, and on every .xlsx they left behind:
#
#   - its meaning: t/tools/xlsx_meaning.pl (system perl, Archive::Zip + XML::LibXML) prints
#     sheets, values, formulas, the resolved look of every styled cell, merges, sizes, panes,
#     filters, page setup, validations, conditional formats, links and images as canonical text;
#   - what LibreOffice makes of it: each file is opened headless and every sheet converted to
#     CSV; both files must open, and the CSVs must be equal.
#
# Each run gets its own directory (the script is copied there as job.pl and run from there, so
# "at job.pl line N." and relative output paths read the same in both), holding a small PNG
# (red.png, 4x3 pixels) for scripts that insert images.
#
# LibreOffice: without `soffice` the CSV half is skipped with a message, unless CI=true, where
# its absence fails the test (scripts/test installs libreoffice-calc-nogui).

use strict;
use warnings;

use Cwd ();
use File::Copy ();
use File::Find ();
use File::Path ();
use File::Temp ();
use Test::More;
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(xlsx_diff run_native run_bridged meaning lo_csv soffice dropin_present write_png normalise);

my $MEANING = "$ROOT/t/tools/xlsx_meaning.pl";

sub _native_env {
    return (PERL5OPT => undef, PERL5LIB => undef);
}

sub _bridged_env {
    return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib",
            PERL5OPT => "-I$ROOT/t/lib -MLockdown");
}

# True when the drop-in exists (until it lands, tests run and check the native half only).
sub dropin_present { return -f "$ROOT/perl/compat/Excel/Writer/XLSX.pm" }

sub normalise {
    my ($s) = @_;
    return $s unless defined $s;
    $s =~ s/\((0x[0-9a-f]+)\)/(0xADDR)/g;
    return $s;
}

# A tiny valid PNG (solid red, $w x $h), written with core modules only.
sub write_png {
    my ($file, $w, $h) = @_;
    ($w, $h) = (4, 3) unless $w;
    require Compress::Zlib;
    my $raw = join '', map { "\0" . ("\xff\0\0" x $w) } 1 .. $h;
    my $chunk = sub {
        my ($type, $data) = @_;
        return pack('N', length $data) . $type . $data . pack('N', Compress::Zlib::crc32($type . $data));
    };
    my $png = "\x89PNG\r\n\x1a\n"
            . $chunk->('IHDR', pack('NNCCCCC', $w, $h, 8, 2, 0, 0, 0))
            . $chunk->('IDAT', Compress::Zlib::compress($raw))
            . $chunk->('IEND', '');
    open(my $fh, '>:raw', $file) or die "$file: $!";
    print {$fh} $png;
    close $fh;
    return $file;
}

# Runs $script in a fresh directory; returns {status, out, err, dir, files => [relative .xlsx paths]}.
sub _run {
    my ($impl, $script, %opt) = @_;
    my $dir = File::Temp::tempdir("xlsxdiff-$impl-XXXXXX", TMPDIR => 1, CLEANUP => !$ENV{CPAN_BRIDGE_TEST_KEEP});
    File::Copy::copy($script, "$dir/job.pl") or die "copy $script: $!";
    write_png("$dir/red.png");
    my %env = ($impl eq 'native' ? _native_env() : _bridged_env());
    %env = (%env, %{ $opt{env} || {} });
    my $cwd = Cwd::getcwd();
    chdir $dir or die "chdir $dir: $!";
    my ($st, $out, $err) = eval {
        run_cmd([$^X, 'job.pl', @{ $opt{args} || [] }], env => \%env, timeout => $opt{timeout} || 180);
    };
    my $e = $@;
    chdir $cwd;
    die $e if $e;
    return { status => $st, out => $out, err => $err, dir => $dir, files => list_files($dir) };
}

# Every file under $dir but the ones the harness put there, relative, sorted.
sub list_files {
    my ($dir) = @_;
    my @f;
    File::Find::find({ no_chdir => 1, wanted => sub {
        return unless -f $_;
        (my $rel = $_) =~ s{^\Q$dir\E/}{};
        push @f, $rel unless $rel eq 'job.pl' || $rel eq 'red.png';
    } }, $dir);
    return [sort @f];
}

sub run_native  { return _run('native', @_) }
sub run_bridged { return _run('bridge', @_) }

# The meaning dump of one file (outside the lockdown: it needs Archive::Zip and XML::LibXML).
sub meaning {
    my ($file) = @_;
    my ($st, $out, $err) = run_cmd([$^X, $MEANING, $file], env => { _native_env() }, timeout => 300);
    return "MEANING DUMP FAILED (status $st): $err" if $st != 0;
    return $out;
}

my $SOFFICE;
sub soffice {
    return $SOFFICE if defined $SOFFICE;
    $SOFFICE = '';
    for my $d (split /:/, $ENV{PATH} || '') {
        if (-x "$d/soffice") { $SOFFICE = "$d/soffice"; last }
    }
    return $SOFFICE;
}

my $PROFILE;
# LibreOffice's CSV of every sheet of $file: ({sheet name => csv text}, undef) or (undef, error).
sub lo_csv {
    my ($file) = @_;
    my $bin = soffice() or return (undef, 'soffice not found');
    # Its own user profile: LibreOffice refuses a second instance on a profile in use, and prove
    # runs test files in parallel.
    $PROFILE ||= File::Temp::tempdir('xlsxdiff-lo-XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{CPAN_BRIDGE_TEST_KEEP});
    my $out = File::Temp::tempdir('xlsxdiff-csv-XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{CPAN_BRIDGE_TEST_KEEP});
    # Filter options: separator ',' (44), quote '"' (34), UTF-8 (76), from line 1, cell formats
    # default, ..., "save as shown" on, ..., sheet -1 = every sheet to its own <base>-<sheet>.csv
    # (LibreOffice 7.2+).
    my $filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';
    my ($st, $o, $e) = run_cmd([$bin, "-env:UserInstallation=file://$PROFILE/profile", '--headless', '--norestore',
                                '--convert-to', $filter, '--outdir', $out, $file],
                               env => { _native_env(), HOME => $PROFILE }, timeout => 300);
    (my $base = $file) =~ s{.*/}{};
    $base =~ s/\.[^.]*\z//;
    opendir(my $dh, $out) or return (undef, "$out: $!");
    my %csv;
    for my $f (grep { /\.csv\z/ } readdir $dh) {
        my $sheet = $f;
        $sheet =~ s/\A\Q$base\E-// or $sheet = '(single)';
        $sheet =~ s/\.csv\z//;
        $csv{$sheet} = slurp("$out/$f");
    }
    closedir $dh;
    File::Path::remove_tree($out) unless $ENV{CPAN_BRIDGE_TEST_KEEP};
    return (undef, "LibreOffice could not convert $file (status $st): $o$e") if !%csv;
    return (\%csv, undef);
}

# The lines only one of two dumps has: "- " native only, "+ " bridged only.
sub line_diff {
    my ($n, $b) = @_;
    my (%n, %b);
    $n{$_}++ for split /\n/, $n;
    $b{$_}++ for split /\n/, $b;
    my @d = ((map { "- $_" } grep { ($n{$_} || 0) > ($b{$_} || 0) } split /\n/, $n),
             (map { "+ $_" } grep { ($b{$_} || 0) > ($n{$_} || 0) } split /\n/, $b));
    return "meaning differs (- native only, + bridged only):\n" . join("\n", @d) . "\n";
}

# The differential test. Options: args => [...], env => {...}, expect => qr// that the native
# stdout must match (proof the script did its work), files => [names] the native run must have
# produced, no_lo => 1 (skip the LibreOffice half), timeout => seconds.
sub xlsx_diff {
    my ($script, %opt) = @_;
    my $name = $opt{name} || $script;
    $name =~ s{.*/}{};
    my $native = run_native($script, %opt);
    like($native->{out}, $opt{expect}, "$name: native run did its work") if $opt{expect};
    is_deeply($native->{files}, $opt{files}, "$name: native files") if $opt{files};
    my $bridge;
    if (dropin_present()) {
        $bridge = run_bridged($script, %opt);
        is($bridge->{status}, $native->{status}, "$name: exit status (native $native->{status})");
        is(normalise($bridge->{out}), normalise($native->{out}), "$name: stdout");
        is(normalise($bridge->{err}), normalise($native->{err}), "$name: stderr");
        is_deeply($bridge->{files}, $native->{files}, "$name: the same files");
    }
    else {
        diag("$name: perl/compat/Excel/Writer/XLSX.pm is not there yet: native half only");
    }
    my $lo = !$opt{no_lo};
    if ($lo && !soffice()) {
        if (($ENV{CI} || '') eq 'true') {
            fail("$name: soffice is missing (CI=true: scripts/test installs libreoffice-calc-nogui)");
        }
        else {
            diag("$name: soffice not found: LibreOffice CSV comparison skipped (apt-get install libreoffice-calc-nogui)");
        }
        $lo = 0;
    }
    for my $f (grep { /\.xlsx\z/i } @{ $native->{files} }) {
        my $nm = meaning("$native->{dir}/$f");
        unlike($nm, qr/\AMEANING DUMP FAILED/, "$name: $f: native file readable") or diag($nm);
        my ($ncsv, $nerr) = $lo ? lo_csv("$native->{dir}/$f") : ();
        ok($ncsv, "$name: $f: native file opens in LibreOffice") or diag($nerr) if $lo;
        next unless $bridge && -f "$bridge->{dir}/$f";
        my $bm = meaning("$bridge->{dir}/$f");
        ok($bm eq $nm, "$name: $f: meaning") or diag(line_diff($nm, $bm));
        if ($lo) {
            my ($bcsv, $berr) = lo_csv("$bridge->{dir}/$f");
            ok($bcsv, "$name: $f: bridged file opens in LibreOffice") or diag($berr);
            is_deeply($bcsv, $ncsv, "$name: $f: LibreOffice CSV of every sheet") if $bcsv && $ncsv;
        }
    }
    if ($ENV{XLSXDIFF_VERBOSE}) {
        diag("native stdout:\n$native->{out}\nnative stderr:\n$native->{err}");
        diag("bridge stdout:\n$bridge->{out}\nbridge stderr:\n$bridge->{err}") if $bridge;
        diag("native meaning of $_:\n" . meaning("$native->{dir}/$_")) for grep { /\.xlsx\z/ } @{ $native->{files} };
    }
    return ($native, $bridge);
}

1;
