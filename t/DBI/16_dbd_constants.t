#!/usr/bin/perl
# The DBD stand-ins in perl/compat/DBD/ export what scripts import from the real drivers: every
# DBD::Pg constant with the installed DBD::Pg's value, and DBD::Oracle's :ora_types.
use strict;
use warnings;
use Test::More;
use BridgeTest;

my $lister = <<'PERL';
use strict;
use warnings;
use DBD::Pg qw(:pg_types :pg_limits :async);
no strict 'refs';
my %seen;
for my $tag (sort keys %DBD::Pg::EXPORT_TAGS) {
    for my $name (@{ $DBD::Pg::EXPORT_TAGS{$tag} }) {
        my $value = $name =~ /^\$/ ? '(variable)' : &{"DBD::Pg::$name"}();
        print "$tag $name=$value\n";
    }
}
print "EXPORT @{[ sort @DBD::Pg::EXPORT ]}\n";
print "INC $INC{'DBD/Pg.pm'}\n";
PERL

# Natively: the installed driver, outside the lockdown. Bridged: perl/compat under it.
my ($nst, $native) = run_perl($lister, env => { PERL5OPT => undef });
SKIP: {
    skip 'DBD::Pg is not installed (libdbd-pg-perl)', 3 if $nst != 0;
    my ($bst, $bridged, $berr) = run_perl($lister, perl_args => ["-I$ROOT/perl/compat"]);
    is($bst, 0, 'the stand-in loads under the lockdown') or diag $berr;
    like($bridged, qr{^INC \Q$ROOT\E/perl/compat/DBD/Pg\.pm$}m, '... from perl/compat');
    s/^INC .*\n//m for $native, $bridged;
    # The order inside a tag is the module's own business; the set is what scripts rely on.
    my $sorted = sub { join '', sort split /^/, $_[0] };
    is($sorted->($bridged), $sorted->($native), 'every tag, name and value as the installed DBD::Pg exports them');
}

my ($ost, $oracle, $oerr) = run_perl(<<'PERL', perl_args => ["-I$ROOT/perl/compat"]);
use DBD::Oracle qw(:ora_types);
print join(' ', ORA_VARCHAR2, ORA_NUMBER, ORA_LONG, ORA_RAW, ORA_CLOB, ORA_BLOB, ORA_RSET, ORA_XMLTYPE), "\n";
PERL
is($ost, 0, 'DBD::Oracle stand-in loads under the lockdown') or diag $oerr;
is($oracle, "1 2 8 23 112 113 116 108\n", ':ora_types has Oracle\'s datatype codes');

done_testing;
