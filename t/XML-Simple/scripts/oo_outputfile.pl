#!/usr/bin/perl
# XML::Simple->new(%defaults), per-call overrides, and OutputFile to a name or a handle.
use strict;
use warnings;
use FindBin ();
use File::Temp ();
use XML::Simple;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

my $xs = XML::Simple->new(ForceArray => 1, KeyAttr => [], RootName => 'root', NoAttr => 1);
case('OO defaults in', sub { $xs->XMLin("$CORPUS/config.xml") });
case('OO defaults out', sub { $xs->XMLout({ a => 1, b => [2] }) });
case('OO override', sub { $xs->XMLin("$CORPUS/config.xml", ForceArray => 0, KeyAttr => ['name']) });
case('OO out override', sub { $xs->XMLout({ a => 1 }, RootName => 'other', NoAttr => 0) });
case('OO both ways option', sub { XML::Simple->new(KeepRoot => 1)->XMLout(XML::Simple->new(KeepRoot => 1)->XMLin('<top><a>1</a></top>')) });
case('class method', sub { XML::Simple->XMLin('<a><b>1</b></a>') });

my $dir = File::Temp::tempdir(CLEANUP => 1);
case('OutputFile name', sub {
    my $r = XMLout({ name => "caf\x{e9}", v => [1, 2] }, OutputFile => "$dir/out.xml", XMLDecl => 1);
    "returned " . (defined $r ? $r : 'undef') . "; file: " . slurp_file("$dir/out.xml");
});
case('OutputFile overwrite', sub {
    XMLout({ second => 1 }, OutputFile => "$dir/out.xml");
    slurp_file("$dir/out.xml");
});
case('OutputFile handle', sub {
    open(my $fh, '>', "$dir/h.xml") or die $!;
    my $r = XMLout({ h => 1, t => "\x{263a}" }, OutputFile => $fh);
    close $fh;
    "returned $r; file: " . slurp_file("$dir/h.xml");
});
case('OutputFile glob', sub {
    open(OUT, '>', "$dir/g.xml") or die $!;
    XMLout({ g => 1 }, OutputFile => \*OUT);
    close OUT;
    slurp_file("$dir/g.xml");
});
case('OutputFile bad dir', sub {
    eval { XMLout({ a => 1 }, OutputFile => "$dir/no/such/dir/x.xml") };
    (my $e = $@) =~ s/\Q$dir\E/DIR/;
    "died: $e";
});
case('OO OutputFile default', sub {
    my $w = XML::Simple->new(OutputFile => "$dir/d.xml", RootName => 'd');
    $w->XMLout({ x => 1 });
    slurp_file("$dir/d.xml");
});
case('no file left behind', sub { opendir(my $dh, $dir) or die $!; join(',', sort grep { !/^\./ } readdir $dh) });
case('OutputFile in a directory that cannot be written, the file can', sub {
    return 'skipped: root writes anywhere' if $> == 0;
    mkdir "$dir/ro" or die $!;
    open(my $fh, '>', "$dir/ro/f.xml") or die $!;
    close $fh;
    chmod 0555, "$dir/ro";
    my $r = eval { XMLout({ in => 'place' }, OutputFile => "$dir/ro/f.xml"); slurp_file("$dir/ro/f.xml") };
    chmod 0755, "$dir/ro";
    defined $r ? $r : "died: $@";
});
