#!/usr/bin/perl
# The ways a document reaches XMLin: a file name (relative, absolute, on SearchPath), a string, a
# scalar reference, a filehandle (lexical, glob, with a layer), '-' (STDIN), the default
# <script>.xml; and the errors of a missing file.
use strict;
use warnings;
use FindBin ();
use XML::Simple;
our $CORPUS;
do "$FindBin::Bin/common.pl" or die $@ || $!;

chdir $CORPUS or die "$CORPUS: $!";
case('relative file', sub { XMLin('config.xml') });
case('relative with dir', sub { XMLin('./config.xml') });
case('absolute file', sub { XMLin("$CORPUS/config.xml") });
case('SearchPath scalar', sub { XMLin('keyattr.xml', SearchPath => '/nonexistent') });
case('SearchPath list', sub { XMLin('keyattr.xml', SearchPath => ['/nonexistent', $CORPUS]) });
case('SearchPath from elsewhere', sub { chdir '/'; my $r = XMLin('anon.xml', SearchPath => [$CORPUS]); chdir $CORPUS; $r });
case('SearchPath miss', sub { XMLin('nope.xml', SearchPath => ['/tmp', '/nonexistent']) });
case('missing file', sub { XMLin('missing.xml') });
case('missing with dir', sub { XMLin('./missing.xml') });
case('string', sub { XMLin('<opt a="1"><b>2</b></opt>') });
case('string with declaration', sub { XMLin(qq{<?xml version="1.0" encoding="UTF-8"?>\n<x><y>caf\xc3\xa9</y></x>}) });
case('character string', sub { my $s = "<x><y>caf\x{e9} \x{263a}</y></x>"; XMLin($s) });
case('latin1 byte string declared', sub { XMLin(qq{<?xml version="1.0" encoding="ISO-8859-1"?><x>\xe9</x>}) });
case('byte string not UTF-8', sub { XMLin("<x>\xe9</x>") });
case('scalar ref', sub { my $s = slurp_file("$CORPUS/utf8.xml"); XMLin(\$s) });
case('scalar ref not XML-looking', sub { my $s = 'just text'; XMLin(\$s) });
case('lexical filehandle', sub { open(my $fh, '<', "$CORPUS/namespaces.xml") or die $!; XMLin($fh) });
case('glob filehandle', sub { open(FH, '<', "$CORPUS/mixed.xml") or die $!; my $r = XMLin(\*FH); close FH; $r });
case('filehandle with options', sub { open(my $fh, '<', "$CORPUS/keyattr.xml") or die $!; XMLin($fh, KeyAttr => [], ForceArray => 1) });
case('string with options', sub { XMLin('<r><i name="a"/><i name="b"/></r>', KeyAttr => { i => 'name' }) });
case('latin1 file', sub { XMLin("$CORPUS/latin1.xml") });
case('bom file', sub { XMLin("$CORPUS/bom.xml") });
case('crlf file', sub { XMLin("$CORPUS/crlf.xml") });
case('stdin', sub { XMLin('-') });
case('string with only spaces', sub { XMLin('   ') });
case('empty string', sub { XMLin('') });
case('undef: default config file', sub { XMLin(undef) });
case('no args: default config file', sub { XMLin() });
case('undef with SearchPath', sub { XMLin(undef, SearchPath => [$CORPUS]) });
case('bare text element', sub { XMLin('<x>hello</x>') });
case('empty root', sub { XMLin('<x/>') });
case('empty root SuppressEmpty', sub { XMLin('<x/>', SuppressEmpty => 1) });
case('empty root KeepRoot', sub { XMLin('<x/>', KeepRoot => 1) });
case('root text KeepRoot', sub { XMLin('<x>t</x>', KeepRoot => 1) });
case('zero text', sub { XMLin('<x><y>0</y><z></z></x>') });
case('parse_string', sub { XML::Simple->new->parse_string('<a><b>1</b></a>') });
case('parse_file', sub { XML::Simple->new->parse_file("$CORPUS/anon.xml") });
case('parse_fh', sub { open(my $fh, '<', "$CORPUS/anon2.xml") or die $!; XML::Simple->new->parse_fh($fh) });
case('parse_fh not a handle', sub { XML::Simple->new->parse_fh('file.xml') });
case('xml_in alias', sub { XML::Simple::xml_in('<a><b>1</b></a>') });
