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
        print 'FLAGS: ', flags($result), "\n";
    }
    else {
        print defined $result ? "TEXT: $result\n" : "UNDEF\n";
    }
}

# How many strings (values, then keys) carry the UTF-8 flag and how many do not: Data::Dumper
# does not show it for ASCII, but concatenations and utf8::is_utf8 do.
sub flags {
    my %n = (value => [0, 0], key => [0, 0]);
    my @todo = ($_[0]);
    while (@todo) {
        my $v = shift @todo;
        if (ref $v eq 'HASH') {
            for my $k (keys %$v) { $n{key}[ utf8::is_utf8($k) ? 0 : 1 ]++; push @todo, $v->{$k} }
        }
        elsif (ref $v eq 'ARRAY') { push @todo, @$v }
        elsif (defined $v) { $n{value}[ utf8::is_utf8($v) ? 0 : 1 ]++ }
    }
    return "values $n{value}[0] flagged, $n{value}[1] not; keys $n{key}[0] flagged, $n{key}[1] not";
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
