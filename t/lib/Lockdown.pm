package Lockdown;

# Loaded through PERL5OPT="-I.../t/lib -MLockdown": cuts @INC down to what a locked-down host
# has -- the core library ($Config{privlibexp}, $Config{archlibexp}) -- plus our own
# directories. A shim that quietly loads a CPAN module (JSON::XS, DBI, ...) then fails here as it
# would on such a host. Debian's vendor and site directories (/usr/share/perl5,
# /usr/lib/x86_64-linux-gnu/perl5/5.xx, /usr/local/...) and its perl-base copy are cut; '.'
# too. Child perls inherit PERL5OPT and are locked down the same way.

use strict;
use warnings;
use Config ();
use File::Basename ();
use File::Spec ();
use Cwd ();

our $ROOT;
our @CORE;
our @OURS;
our @CUT;
our %PRELOADED;    # modules already loaded when the cut happened (by perl or by us), all core

BEGIN {
    my $here = File::Basename::dirname(Cwd::abs_path(__FILE__));    # .../t/lib
    $ROOT = Cwd::abs_path(File::Spec->catdir($here, File::Spec->updir, File::Spec->updir));
    @OURS = map { File::Spec->catdir($ROOT, @$_) } [qw(perl lib)], [qw(perl compat)], [qw(t lib)];
    my %seen;
    @CORE = grep { defined && $_ ne '' && !$seen{$_}++ }
            map { $Config::Config{$_} } qw(privlibexp archlibexp);
}

sub allowed { return (@OURS, @CORE) }

sub apply {
    my %keep;
    for my $dir (@OURS, @CORE) {
        $keep{$dir} = 1;
        my $real = Cwd::abs_path($dir);
        $keep{$real} = 1 if defined $real;
    }
    # A -M switch on the command line loads its module before PERL5OPT's -MLockdown runs, from
    # wherever it lives; a vendor or site copy slipping in that way would make a test silently
    # check the installed CPAN module instead of ours. Refuse it loudly. (Reading these keys
    # loads Config_heavy.pl, so before the snapshot of what was loaded.)
    my @vendor = grep { defined && $_ ne '' }
                 map { $Config::Config{$_} } qw(vendorlibexp vendorarchexp sitelibexp sitearchexp);
    %PRELOADED = map { $_ => $INC{$_} } keys %INC;
    for my $file (sort keys %PRELOADED) {
        my $path = $PRELOADED{$file};
        next unless defined $path && !ref $path;
        for my $dir (@vendor) {
            next unless index($path, "$dir/") == 0;
            die "Lockdown: $file was loaded from $path before the lockdown took effect (a -M switch on "
              . "the command line runs before PERL5OPT's -MLockdown); put the `use` in the script instead\n";
        }
    }
    my @before = @INC;
    @CUT = grep { ref $_ || !$keep{$_} } @before;
    # Ours first, as PERL5LIB=<install>/perl/compat:<install>/perl/lib puts them.
    @INC = (@OURS, @CORE);
    return;
}

apply();

# True if $path (from %INC) lies in an allowed directory.
sub is_allowed_path {
    my ($path) = @_;
    return 0 unless defined $path;
    my $real = Cwd::abs_path($path);
    for my $dir (allowed()) {
        my $rd = Cwd::abs_path($dir);
        next unless defined $rd;
        return 1 if defined $real && index($real, "$rd/") == 0;
    }
    return 0;
}

1;
