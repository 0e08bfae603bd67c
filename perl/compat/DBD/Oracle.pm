package DBD::Oracle;

# CPAN Bridge stand-in for DBD::Oracle's Perl-visible part: the type constants scripts import
# (`use DBD::Oracle qw(:ora_types)` for `bind_param_inout(..., { ora_type => ORA_CLOB })`).
# Oracle work goes to the daemon's ADO.NET provider plug-in behind perl/compat/DBI.pm
# (docs/dbi.md); nothing here talks to it. The values are Oracle's external datatype codes
# (OCI's SQLT_* numbers) and DBD::Oracle's two PL/SQL table pseudo-types.

use strict;
use warnings;
use Exporter ();

our $VERSION = '1.80';
our @ISA = ('Exporter');

my %TYPES = (
    ORA_VARCHAR2 => 1, ORA_NUMBER => 2, ORA_STRING => 5, ORA_LONG => 8, ORA_ROWID => 11,
    ORA_DATE => 12, ORA_RAW => 23, ORA_LONGRAW => 24, ORA_CHAR => 96, ORA_CHARZ => 97,
    ORA_MLSLABEL => 105, ORA_XMLTYPE => 108, ORA_CLOB => 112, ORA_BLOB => 113, ORA_RSET => 116,
    ORA_VARCHAR2_TABLE => 201, ORA_NUMBER_TABLE => 202,
    SQLT_CHR => 1, SQLT_INT => 3, SQLT_FLT => 4, SQLT_BIN => 23,
);

{
    no strict 'refs';
    while (my ($name, $value) = each %TYPES) { *{"DBD::Oracle::$name"} = sub () { $value } }
}

our %EXPORT_TAGS = (ora_types => [ sort keys %TYPES ]);
our @EXPORT_OK = @{ $EXPORT_TAGS{ora_types} };

1;

__END__

=head1 NAME

DBD::Oracle - CPAN Bridge stand-in: DBD::Oracle's type constants (the work is in the daemon)

=head1 SYNOPSIS

    use DBI;
    use DBD::Oracle qw(:ora_types);
    $sth->bind_param(1, $text, { ora_type => ORA_CLOB });

=head1 DESCRIPTION

Exports C<:ora_types>. C<ORA_OCI> (the client library's version) is not defined: there is no
OCI client behind the bridge. Oracle is reached through an ADO.NET provider plug-in; see
docs/dbi.md.

=cut
