#!/usr/bin/perl
# The user guide's raw API (seed 004, "XML Processing (xml_helper)"): xml_in{source,source_type}
# answers what XMLin answers, xml_out{data,options} what XMLout writes ('@id' keys read as 'id').
# The native answers come from Debian's XML::Simple in a child perl.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use XMLSimpleDiff;
use CPANBridge;
use Data::Dumper ();

my ($ok, $why) = native_ok();
plan skip_all => $why unless $ok;
my ($bok, $bwhy) = bridge_ok();
plan skip_all => $bwhy unless $bok;

sub dumped {
    local $Data::Dumper::Sortkeys = 1;
    local $Data::Dumper::Indent = 1;
    return Data::Dumper::Dumper($_[0]);
}

# What native XML::Simple prints for a piece of Perl code (run without the lockdown).
sub native {
    my ($code) = @_;
    my ($st, $out, $err) = run_cmd([$^X, '-MXML::Simple', '-MData::Dumper', '-e',
        '$Data::Dumper::Sortkeys = 1; $Data::Dumper::Indent = 1; ' . $code],
        env => { PERL5OPT => undef, PERL5LIB => undef });
    die "native run failed ($st): $err" if $st;
    return $out;
}

my $bridge = CPANBridge->new;
my $corpus = "$ROOT/t/XML-Simple/corpus";

# The guide's first example, as printed.
my $xml_content = '<users><user id="1"><name>John</name></user></users>';
my $result = $bridge->call_python('xml_helper', 'xml_in', { source => $xml_content, source_type => 'string' });
ok($result->{success}, 'xml_in string succeeds') or diag(explain($result));
is(dumped($result->{result}), native(q{print Dumper(XMLin('<users><user id="1"><name>John</name></user></users>'))}),
   'xml_in string: the structure XMLin gives');

$result = $bridge->call_python('xml_helper', 'xml_in', { source => "$corpus/config.xml", source_type => 'file' });
is(dumped($result->{result}), native(qq{print Dumper(XMLin('$corpus/config.xml'))}), 'xml_in file: the structure XMLin gives');

$result = $bridge->call_python('xml_helper', 'xml_in', { source => "$corpus/keyattr.xml", source_type => 'file',
                                                         options => { ForceArray => 1, KeyAttr => [] } });
is(dumped($result->{result}), native(qq{print Dumper(XMLin('$corpus/keyattr.xml', ForceArray => 1, KeyAttr => []))}),
   'xml_in with options');

$result = $bridge->call_python('xml_helper', 'xml_in', { source => "$corpus/utf8.xml", source_type => 'file' });
is(dumped($result->{result}), native(qq{print Dumper(XMLin('$corpus/utf8.xml'))}), 'xml_in non-ASCII: characters');

$result = $bridge->call_python('xml_helper', 'xml_in', { source => 'x' });
ok(!$result->{success}, 'source_type defaults to string: text that is no XML fails');

# The guide's second example, as printed.
my $perl_data = {
    users => {
        user => [
            { '@id' => '1', name => 'John', email => 'john@example.com' },
            { '@id' => '2', name => 'Jane', email => 'jane@example.com' }
        ]
    }
};
$result = $bridge->call_python('xml_helper', 'xml_out', { data => $perl_data, options => { RootName => 'data', XMLDecl => 1 } });
ok($result->{success}, 'xml_out succeeds') or diag(explain($result));
is($result->{result}, native(q{print XMLout({ users => { user => [ { id => '1', name => 'John', email => 'john@example.com' },
    { id => '2', name => 'Jane', email => 'jane@example.com' } ] } }, RootName => 'data', XMLDecl => 1)}),
   "xml_out: XMLout's text, '\@id' as the attribute id");
like($result->{result}, qr{<user name="John" email="john\@example.com" id="1" />}, 'the guide example has its attributes');

$result = $bridge->call_python('xml_helper', 'xml_out', { data => { a => [1, 2], b => { c => 'x' } } });
is($result->{result}, native(q{print XMLout({ a => [1, 2], b => { c => 'x' } })}), 'xml_out without options');

# Errors.
$result = $bridge->call_python('xml_helper', 'xml_in', { source => '<a><b></a>', source_type => 'string' });
is($result->{code}, 'E_NATIVE', 'malformed XML: a native error');
is($result->{error}, 'mismatched tag at line 1, column 8, byte 8', "malformed XML: expat's message and position");

$result = $bridge->call_python('xml_helper', 'xml_in', { source => 'relative.xml', source_type => 'file' });
is($result->{code}, 'E_USAGE', 'relative file: a usage error');
like($result->{error}, qr/relative path/, 'relative file: says why');

$result = $bridge->call_python('xml_helper', 'xml_in', { source => "$corpus/none.xml", source_type => 'file' });
is($result->{error}, "File does not exist: $corpus/none.xml", "missing file: XML::Simple's words");

$result = $bridge->call_python('xml_helper', 'xml_in', { source => $xml_content, source_type => 'url' });
like($result->{error}, qr/source_type must be 'string' or 'file'/, 'unknown source_type named');

$result = $bridge->call_python('xml_helper', 'xml_in', { source => $xml_content, options => { Bogus => 1 } });
is($result->{error}, 'Unrecognised option: Bogus', "unknown option: XML::Simple's words");

$result = $bridge->call_python('xml_helper', 'xml_in', { source => $xml_content, options => { GroupTags => { a => 'a' } } });
is($result->{error}, "Bad value in GroupTags: 'a' => 'a'", 'GroupTags to itself refused');

$result = $bridge->call_python('xml_helper', 'xml_out', { data => { a => 1 }, options => { ForceArray => 1 } });
is($result->{error}, 'Unrecognised option: ForceArray', 'XMLin option in xml_out refused');

done_testing;
