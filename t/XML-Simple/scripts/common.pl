# Shared by the differential scripts: each case prints a "=== name" line, then what the case
# returned (Data::Dumper, sorted keys) or how it died; warnings are printed in place, so the
# harness compares them case by case. Loaded with `do`, so it runs natively and under the lockdown.
use strict;
use warnings;
use Data::Dumper ();
use FindBin ();

our $CORPUS = "$FindBin::Bin/../corpus";
$SIG{__WARN__} = sub { print "WARN: $_[0]" };

sub dump_of {
    local $Data::Dumper::Sortkeys = 1;
    local $Data::Dumper::Indent = 1;
    return Data::Dumper::Dumper(@_);
}

# Runs $code; prints its result (a structure with Dumper, a string as it is) or its death.
sub case {
    my ($name, $code) = @_;
    print "=== $name\n";
    my $result = eval { $code->() };
    if ($@) {
        print "DIED: $@";
    }
    elsif (ref $result) {
        print dump_of($result);
    }
    else {
        print defined $result ? "TEXT: $result\n" : "UNDEF\n";
    }
}

sub corpus_files {
    opendir(my $dh, $CORPUS) or die "$CORPUS: $!";
    return map { "$CORPUS/$_" } sort grep { /\.xml\z/ } readdir $dh;
}

sub slurp_file {
    open(my $fh, '<', $_[0]) or die "$_[0]: $!";
    binmode $fh;
    local $/;
    return scalar <$fh>;
}

1;
