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
    %PRELOADED = map { $_ => $INC{$_} } keys %INC;
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
