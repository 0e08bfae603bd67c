#!/usr/bin/perl
# What needs no server: the constants and their export tags, the attributes object, join, the
# croaks of the constructor, and methods called wrongly.
use strict;
use warnings;
use Net::SFTP::Foreign;
use Net::SFTP::Foreign::Constants ();
use Net::SFTP::Foreign::Attributes;

{
    no strict 'refs';
    my @names = sort @Net::SFTP::Foreign::Constants::EXPORT_OK;
    print 'constants: ', join(' ', map { "$_=" . &{"Net::SFTP::Foreign::Constants::$_"}() } @names), "\n";
    for my $tag (sort keys %Net::SFTP::Foreign::Constants::EXPORT_TAGS) {
        print "tag $tag: ", join(' ', sort @{ $Net::SFTP::Foreign::Constants::EXPORT_TAGS{$tag} }), "\n";
    }
}
package Importer { use Net::SFTP::Foreign::Constants qw(:error SSH2_FX_NO_SUCH_FILE); print 'imported: ', SFTP_ERR_CONNECTION_BROKEN, ' ', SSH2_FX_NO_SUCH_FILE, "\n"; }

require Data::Dumper;
{ no warnings 'once'; $Data::Dumper::Sortkeys = 1; $Data::Dumper::Indent = 1; }
require Data::Dumper;
my $a = Net::SFTP::Foreign::Attributes->new;
print Data::Dumper::Dumper($a);
$a->set_size(10); $a->set_perm(0100644); $a->set_ugid(1, 2); $a->set_amtime(3, 4);
print Data::Dumper::Dumper($a);
print join(',', map { defined $_ ? $_ : 'undef' } $a->flags, $a->size, $a->perm, $a->uid, $a->gid, $a->atime, $a->mtime), "\n";
my $c = $a->clone;
$c->set_perm; $c->set_ugid; $c->set_amtime; $c->set_size;
print Data::Dumper::Dumper($c, $a);
$a->set_extended('a@x' => 'b', 'c@x' => 'd');
print Data::Dumper::Dumper($a), join(',', $a->extended), "\n";
for my $code (sub { $a->set_ugid(1) }, sub { $a->set_amtime(undef, 5) }, sub { $a->set_extended('x') }) {
    eval { $code->() };
    print "croak: $@";
}
my @st = stat $0;
my $fs = Net::SFTP::Foreign::Attributes->new_from_stat(@st);
print 'from stat: ', join(',', $fs->flags, $fs->size == $st[7] ? 'size' : 'bad', $fs->perm == $st[2] ? 'perm' : 'bad'), "\n";
print 'from empty stat: ', defined(Net::SFTP::Foreign::Attributes->new_from_stat()) ? 'def' : 'undef', "\n";

for my $args (['a', 'b'], ['a/', 'b'], ['/a', '../b'], ['a', '/b'], ['./a', './b/.'], ['a/./.', 'c'], ['.', '.'],
              [undef, 'x'], ['x', undef], [''], ['', 'y'], ['/', 'z'], ['//', 'z//'], ['a', 'b', 'c/', './d'], ['/a/b/', '.'],
              ['a/.', '.'], ['.//x'], ['x/./'], []) {
    print 'join(', join(', ', map { defined $_ ? "'$_'" : 'undef' } @$args), ') = ', Net::SFTP::Foreign->join(@$args), "\n";
}

for my $code (sub { Net::SFTP::Foreign->new() }, sub { Net::SFTP::Foreign->new(user => 'x') },
              sub { Net::SFTP::Foreign->new('h', bogus => 1) }, sub { Net::SFTP::Foreign->new('h', timeout => -1) },
              sub { Net::SFTP::Foreign->new('h', autodisconnect => 5) },
              sub { Net::SFTP::Foreign->new('h', password => 'x', ask_for_username_at_login => 1) }) {
    eval { $code->() };
    print "croak: $@";
}
print "done\n";
