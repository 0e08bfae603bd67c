#!/usr/bin/env perl
# bench/xml_dom.pl — XML::DOM, native (Debian's 1.46 on expat) vs the drop-in. One run:
#
#   perl bench/xml_dom.pl compare [--mb=2]   # both sides, prints times and bridged/native ratios
#   perl bench/xml_dom.pl run FILE           # worker: whichever XML::DOM `require` finds
#
# The document: a generated feed of ~2 MB (about 65,000 elements with attributes, text, a few
# comments and CDATA sections). The worker times: parsefile; getElementsByTagName('*') over the
# whole tree; one attribute edit per <item>; toString; printToFile; and, bridged only (XML::XQL is
# not installable natively), 50 xql look-ups by attribute with the document unchanged between
# them. It prints one line `xml_dom_bench key=secs ...`.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Cwd qw(abs_path);
use File::Basename qw(dirname);

my $mode = shift // '';
if ($mode eq 'run') { run(@ARGV); exit 0 }
die "usage: bench/xml_dom.pl compare [--mb=2] | run FILE\n" unless $mode eq 'compare';

my ($mb) = map { /^--mb=(\d+(?:\.\d+)?)$/ ? $1 : () } @ARGV;
$mb ||= 2;
my $root = abs_path(dirname(abs_path($0)) . '/..');
my $tmp = tempdir('cpanbridge-xmldom-bench-XXXXXX', TMPDIR => 1, CLEANUP => 1);
$ENV{XDG_RUNTIME_DIR} = "$tmp/xdg";
mkdir "$tmp/xdg", 0700;
my $file = "$tmp/feed.xml";
my $elements = write_document($file, $mb * 1024 * 1024);
printf "document: %.2f MB, %d elements\n", (-s $file) / 1048576, $elements;

# a first bridged run starts (and, on first use, builds) the daemon; not measured
system($^X, "-I$root/perl/compat", "-I$root/perl/lib", '-MXML::DOM', '-e', 'XML::DOM::Parser->new->parse("<a/>")') == 0
    or die "the bridged warm-up failed\n";

# the daemon the warm-up started lives in our temporary runtime directory: stop it at the end
END { system("$root/bin/cpanbridge", 'stop') if $root && $ENV{XDG_RUNTIME_DIR} && -d $ENV{XDG_RUNTIME_DIR} }

my %side;
for my $impl ('native', 'bridged') {
    my @inc = $impl eq 'bridged' ? ("-I$root/perl/compat", "-I$root/perl/lib") : ();
    my $out = `$^X @inc $0 run $file`;
    die "$impl run failed: $out" unless $out =~ /^xml_dom_bench (.*)$/m;
    $side{$impl} = { map { split /=/ } split ' ', $1 };
}
printf "%-22s %10s %10s %8s\n", 'step', 'native s', 'bridged s', 'ratio';
for my $k (qw(load parse walk edit tostring print xql50 total)) {
    my ($n, $b) = ($side{native}{$k}, $side{bridged}{$k});
    printf "%-22s %10s %10s %8s\n", $k, defined $n ? sprintf('%.3f', $n) : '-', defined $b ? sprintf('%.3f', $b) : '-',
        defined $n && defined $b && $n > 0 ? sprintf('%.2fx', $b / $n) : '-';
}

sub write_document {
    my ($path, $bytes) = @_;
    open my $fh, '>:encoding(UTF-8)', $path or die "$path: $!";
    print {$fh} qq{<?xml version="1.0" encoding="UTF-8"?>\n<feed generated="bench">\n};
    my ($size, $i, $count) = (0, 0, 1);
    while ($size < $bytes) {
        $i++;
        my $item = qq{  <item id="i$i" type="t@{[ $i % 7 ]}" status="@{[ $i % 3 ? 'open' : 'closed' ]}">\n}
                 . qq{    <title>Item $i – G\x{fc}ter &amp; Co</title>\n}
                 . qq{    <price currency="EUR">@{[ $i * 3 % 1000 ]}.50</price>\n}
                 . ($i % 10 ? '' : qq{    <!-- every tenth item -->\n    <raw><![CDATA[<b>$i</b>]]></raw>\n})
                 . qq{    <tags><tag>a$i</tag><tag>b</tag></tags>\n  </item>\n};
        $count += $i % 10 ? 6 : 7;
        print {$fh} $item;
        $size += length $item;
    }
    print {$fh} "</feed>\n";
    close $fh;
    return $count;
}

sub run {
    my ($file) = @_;
    my %t;
    my $t0 = time;
    require XML::DOM;
    $t{load} = time - $t0;
    my $start = time;
    my $doc = XML::DOM::Parser->new->parsefile($file);
    $t{parse} = time - $start;
    $start = time;
    my $all = $doc->getElementsByTagName('*');
    my $n = 0;
    for my $el (@$all) { $n++ if $el->getAttribute('id') ne '' }
    $t{walk} = time - $start;
    $start = time;
    $_->setAttribute(seen => 1) for $doc->getElementsByTagName('item');
    $t{edit} = time - $start;
    $start = time;
    my $text = $doc->toString;
    $t{tostring} = time - $start;
    my $dir = tempdir(CLEANUP => 1);
    $start = time;
    $doc->printToFile("$dir/out.xml");
    $t{print} = time - $start;
    if (XML::DOM::Node->can('xql')) {
        $start = time;
        for my $k (1 .. 50) {
            my ($hit) = $doc->xql(qq{//item[\@id="i@{[ $k * 37 ]}"]/price});
            die "no hit for i@{[ $k * 37 ]}" unless $hit;
        }
        $t{xql50} = time - $start;
    }
    $t{total} = time - $t0;
    print 'xml_dom_bench ', join(' ', map { sprintf '%s=%.4f', $_, $t{$_} } sort keys %t), " ids=$n\n";
}
