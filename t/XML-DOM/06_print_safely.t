#!/usr/bin/perl
# printToFile writes the whole text to a temporary file beside the target and renames it over the
# target, so an edit-and-write-back job never leaves a half-written config: the file's mode is
# kept, a symlink is written through, a failing write (an encoding Perl does not know) leaves an
# existing file as it was, and no temporary file is left behind.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLDOMDiff;
use File::Temp ();

my ($bok, $bwhy) = bridge_ok();
plan skip_all => $bwhy unless $bok;

require XML::DOM;
like($INC{'XML/DOM.pm'}, qr{/perl/compat/XML/DOM\.pm\z}, 'the drop-in is the XML::DOM under test');

my $dir = File::Temp::tempdir('cbt-dom-print-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $parser = XML::DOM::Parser->new;

sub leftovers { opendir my $dh, $dir or die $!; return grep { /\.tmp\z/ } readdir $dh }

my $config = "$dir/app.xml";
{ open my $fh, '>', $config or die $!; print {$fh} qq{<?xml version="1.0" encoding="UTF-8"?>\n<app port="80"/>\n} }
chmod 0640, $config or die $!;

my $doc = $parser->parsefile($config);
$doc->getDocumentElement->setAttribute(port => 8080);
ok(eval { $doc->printToFile($config); 1 }, 'printToFile over an existing file') or diag($@);
is(slurp($config), qq{<?xml version="1.0" encoding="UTF-8"?>\n<app port="8080"/>\n}, 'the new text replaced the old');
is((stat $config)[2] & 07777, 0640, "the file's mode is kept");
is_deeply([leftovers()], [], 'no temporary file left');

my $link = "$dir/current.xml";
symlink('app.xml', $link) or die $!;
$doc->getDocumentElement->setAttribute(port => 9090);
ok(eval { $doc->printToFile($link); 1 }, 'printToFile through a symlink') or diag($@);
ok(-l $link, 'the symlink is still a symlink');
like(slurp($config), qr/port="9090"/, 'its target got the text');

# No encoding in the declaration: XML::DOM opens the file with ":encoding()", which Perl refuses.
my $plain = $parser->parse(qq{<?xml version="1.0"?>\n<app/>});
my $before = slurp($config);
{
    local $SIG{__WARN__} = sub { };
    ok(!eval { $plain->printToFile($config); 1 }, 'a declaration without an encoding fails, as natively');
}
like($@, qr/^printToFile - can't open output file \Q$config\E at /, "with XML::DOM's words");
is(slurp($config), $before, 'and the existing file keeps its content (XML::DOM would have emptied it)');
is_deeply([leftovers()], [], 'no temporary file left after the failure');

$doc->dispose;
$plain->dispose;
done_testing;
