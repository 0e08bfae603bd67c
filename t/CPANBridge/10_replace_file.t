#!/usr/bin/perl
# CPANBridge::ReplaceFile, how drop-ins replace a file the script writes (XML::Simple's OutputFile,
# XML::DOM's printToFile): a fresh file beside the target, renamed over it when complete, the
# target's mode kept, a symlink's target replaced and the link kept, nothing left on failure.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use Cwd ();
use File::Temp ();
use CPANBridge::ReplaceFile ();

my $dir = File::Temp::tempdir('cbt-replace-XXXXXX', TMPDIR => 1, CLEANUP => 1);
sub leftovers { opendir my $dh, $dir or die $!; return sort grep { /\.tmp\z/ } readdir $dh }
sub put { my ($f, $t) = @_; open my $fh, '>', $f or die "$f: $!"; print {$fh} $t; close $fh or die $! }

my $target = "$dir/out.xml";
put($target, "old\n");
chmod 0640, $target or die $!;

$! = 4;
my ($temp, $real) = CPANBridge::ReplaceFile::temp_beside($target);
is($! + 0, 4, 'temp_beside leaves $! as it found it');
ok(defined $temp && -f $temp && -z _, 'a new empty file');
is($real, $target, 'the target itself when it is no symlink');
like($temp, qr{^\Q$dir\E/\.out\.xml\.\d+\.\d+\.tmp\z}, 'beside the target, hidden');
put($temp, "new\n");
ok(CPANBridge::ReplaceFile::install($temp, $real), 'install');
is(slurp($target), "new\n", 'the target has the new text');
is((stat $target)[2] & 07777, 0640, "the target's mode is kept");
is_deeply([leftovers()], [], 'no temporary file left');

symlink('out.xml', "$dir/link.xml") or die $!;
($temp, $real) = CPANBridge::ReplaceFile::temp_beside("$dir/link.xml");
is($real, Cwd::realpath($target), "a symlink's target is what gets replaced");
put($temp, "via link\n");
ok(CPANBridge::ReplaceFile::install($temp, $real), 'install through the link');
ok(-l "$dir/link.xml", 'the link stays a link');
is(slurp($target), "via link\n", 'its target got the text');

($temp, $real) = CPANBridge::ReplaceFile::temp_beside($target);
$! = 0;
ok(!CPANBridge::ReplaceFile::install($temp, "$dir/no/such/dir/out.xml"), 'a failing rename is false');
ok($! != 0, '... with $! saying why');
is_deeply([leftovers()], [], '... and the temporary file removed');

SKIP: {
    skip 'root writes anywhere', 1 if $> == 0;
    my $ro = "$dir/ro";
    mkdir $ro or die $!;
    chmod 0555, $ro or die $!;
    is_deeply([CPANBridge::ReplaceFile::temp_beside("$ro/x.xml")], [], 'a directory that takes no new file: empty list');
}
done_testing;
