#!/usr/bin/perl
# The lockdown is what makes every other Perl test meaningful: it proves the client (and later the
# compat shims) need nothing beyond core Perl. So first prove the lockdown itself bites.
use strict;
use warnings;
use Test::More;
use Config;
use File::Find ();
use BridgeTest;

ok($INC{'Lockdown.pm'}, 'tests run under the lockdown (PERL5OPT="-I.../t/lib -MLockdown")')
    or BAIL_OUT('run the Perl tests with PERL5OPT="-I/work/main/t/lib -MLockdown"');

my @allowed = Lockdown::allowed();
is_deeply([ grep { !ref } @INC ], [ @allowed ], '@INC is exactly our dirs plus core')
    or diag("\@INC = @INC");
for my $dir ("$ROOT/perl/lib", "$ROOT/perl/compat", "$ROOT/t/lib") {
    ok((grep { $_ eq $dir } @INC), "our dir $dir is in \@INC");
}
for my $core ($Config{privlibexp}, $Config{archlibexp}) {
    ok((grep { $_ eq $core } @INC), "core dir $core is in \@INC");
}
my %seen_dir;
for my $vendor (grep { defined && $_ ne '' && !$seen_dir{$_}++ }
                @Config{qw(vendorlibexp vendorarchexp sitelibexp sitearchexp)}, '/usr/share/perl5', '/etc/perl') {
    ok(!(grep { $_ eq $vendor } @INC), "non-core dir $vendor is cut");
}

# JSON::XS is installed on this host (libjson-xs-perl) but must not be loadable here.
my ($st_unlocked, $out_unlocked) = run_cmd([$^X, '-MJSON::XS', '-e', 'print $JSON::XS::VERSION'],
                                           env => { PERL5OPT => undef });
SKIP: {
    skip 'libjson-xs-perl is not installed (apt-get install libjson-xs-perl to run this check)', 2
        unless $st_unlocked == 0;
    ok(!eval { require JSON::XS; 1 }, 'require JSON::XS fails under the lockdown although it is installed');
    like($@, qr{Can't locate JSON/XS\.pm}, '... because it is not on @INC');
}
# The native DBI, DBD::Pg and DBD::SQLite are installed as the differential tests' reference;
# under the lockdown `use DBI` and `use DBD::Pg` must find our stand-ins, and DBD::SQLite (which
# has none) must not be found at all.
ok(eval { require DBI; 1 }, 'require DBI loads') or diag $@;
like($INC{'DBI.pm'}, qr{/perl/compat/DBI\.pm\z}, '... and it is our drop-in, not the installed DBI');
ok(eval { require DBD::Pg; 1 }, 'require DBD::Pg loads') or diag $@;
like($INC{'DBD/Pg.pm'}, qr{/perl/compat/DBD/Pg\.pm\z}, '... our constants stand-in, not the installed driver');
ok(!eval { require DBD::SQLite; 1 }, 'require DBD::SQLite fails although it is installed');

# A -M on a child's command line loads before PERL5OPT's -MLockdown: a vendor module slipping in
# that way is refused, not silently tested in place of ours.
SKIP: {
    skip 'libjson-xs-perl is not installed', 2 unless $st_unlocked == 0;
    my ($sm, $om, $em) = run_cmd([$^X, '-MJSON::XS', '-e', 'print "loaded\n"']);
    isnt($sm, 0, 'perl -MJSON::XS under the lockdown fails');
    like($em, qr{Lockdown: JSON/XS\.pm was loaded from \S+ before the lockdown took effect}, '... saying why');
}

# A child perl inherits the lockdown through PERL5OPT.
my ($st, $out) = run_perl('print join("\n", @INC), "\n"; print eval { require JSON::XS; 1 } ? "XS\n" : "noXS\n";');
is($st, 0, 'child perl runs');
# Even its -I options are cut unless they name our dirs: only `use lib` after start-up adds more.
is_deeply([ grep { $_ ne 'XS' && $_ ne 'noXS' } split /\n/, $out ], [ @allowed ],
          'child perl is locked down too');
like($out, qr/^noXS$/m, 'child perl cannot load JSON::XS');

# The client loads, picks JSON::PP, and pulls in nothing outside core and our dirs.
require_ok('CPANBridge');
is(do { no warnings 'once'; $CPANBridge::JSON_BACKEND }, 'JSON::PP', 'JSON backend under the lockdown is JSON::PP');
my @outside = grep { !$Lockdown::PRELOADED{$_} && !Lockdown::is_allowed_path($INC{$_}) } sort keys %INC;
is_deeply(\@outside, [], 'every module loaded after the lockdown comes from core or our dirs')
    or diag(join "\n", map { "$_ => $INC{$_}" } @outside);

SKIP: {
    skip 'JSON::XS not installed', 2 unless $st_unlocked == 0;
    my ($s2, $o2) = run_cmd([$^X, "-I$ROOT/perl/lib", '-MCPANBridge', '-e', 'print $CPANBridge::JSON_BACKEND'],
                            env => { PERL5OPT => undef });
    like($o2, qr/^(?:Cpanel::JSON::XS|JSON::XS)$/, "without the lockdown the client prefers an XS backend ($o2)");
    ($s2, $o2) = run_cmd([$^X, "-I$ROOT/perl/lib", '-MCPANBridge', '-e', 'print $CPANBridge::JSON_BACKEND'],
                         env => { PERL5OPT => undef, CPAN_BRIDGE_JSON => 'JSON::PP' });
    is($o2, 'JSON::PP', 'CPAN_BRIDGE_JSON=JSON::PP forces the core backend');
}

# Static check of the client's sources: only the modules the brief allows, and no syntax newer
# than Perl 5.16 (RHEL hosts run old perls).
my %ok_modules = map { $_ => 1 } qw(
    strict warnings constant utf8 IO::Socket::UNIX Socket IO::Select IO::Handle POSIX Fcntl Errno
    Time::HiRes Carp File::Spec File::Basename Cwd IPC::Open2 IPC::Open3 JSON::PP Scalar::Util
);
my @sources;
File::Find::find(sub { push @sources, $File::Find::name if /\.pm\z/ }, "$ROOT/perl/lib");
ok(scalar @sources, 'found the client sources');
for my $file (sort @sources) {
    my $text = slurp($file);
    $text =~ s/^__END__\n.*//ms;
    $text =~ s/^=\w+.*?^=cut\n//msg;
    my @bad;
    while ($text =~ /^\s*(?:use|require)\s+([A-Z][\w:]*)/mg) {
        my $m = $1;
        push @bad, $m unless $ok_modules{$m} || $m =~ /\ACPANBridge(?:::|\z)/;
    }
    # Backends are loaded by name, each guarded by eval; only JSON::PP is required to exist.
    is_deeply(\@bad, [], "$file uses only allowed core modules");
    my @new_syntax;
    push @new_syntax, 'postfix dereference' if $text =~ /->[\@%\$]\*/;
    push @new_syntax, 'say' if $text =~ /^\s*say\b/m;
    push @new_syntax, 'signatures' if $text =~ /^\s*sub\s+\w+\s*\(\s*\$\w/m;
    push @new_syntax, 'use v5.18+' if $text =~ /^\s*use\s+v?5\.(?:01[89]|0[2-9]\d|[2-9]\d)/m;
    is_deeply(\@new_syntax, [], "$file has no syntax newer than 5.16");
}

done_testing;
