#!/usr/bin/perl
# The shape of the legacy jobs' config readers (a get_configuration() wrapper over getNodeText,
# find + get_nodelist loops, sprintf of an attribute node set), run natively and bridged by
# t/XML-XPath/06_scripts.t.
use strict;
use warnings;
use XML::XPath;

my $file = shift or die "usage: legacy_config.pl config.xml\n";
my $xp = XML::XPath->new(filename => $file);

sub get_configuration {
    my ($path) = @_;
    my $value = $xp->getNodeText($path);
    return defined $value && length "$value" ? "$value" : undef;
}

print "version: ", get_configuration('/config/@version'), "\n";
print "env: ", get_configuration('/config/@env') // 'none', "\n";
print "missing: ", get_configuration('/config/nothing') // 'undef', "\n";
for my $server ($xp->find('/config/servers/server[@role="web" or @role="db"]')->get_nodelist) {
    my $ts = sprintf("%s", $server->find('@ts'));
    printf "%-6s %-4s port %5d host %s%s\n", $server->getAttribute('name'), $server->getAttribute('role'),
        $server->getAttribute('port'), $server->find('host')->string_value, $ts ? " since $ts" : '';
    for my $alias ($server->findnodes('alias')) {
        print "  alias ", $alias->string_value, "\n";
    }
}
my $count = $xp->find('count(//server)');
print "servers: $count, web: ", $xp->find('count(//server[@role="web"])'), "\n";
print "cpu*2: ", $xp->find('/config/limits/@cpu * 2'), "\n";
my %paths = map { $_->getAttribute('id') => $_->string_value } $xp->findnodes('//paths/path');
print join(',', map { "$_=$paths{$_}" } sort keys %paths), "\n";
die "no batch server\n" unless $xp->exists('//server[@role="batch"]');
print "ok\n";
