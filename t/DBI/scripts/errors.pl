#!/usr/bin/perl
# Error reporting: RaiseError, PrintError, HandleError, local, err/errstr/state, $DBI::err.
use strict;
use warnings;
use DBI;

my $bad = DBI->connect('dbi:SQLite:dbname=/nonexistent/dir/x.db', 'scott', 'tiger', { PrintError => 1 });
print "bad connect: ", (defined $bad ? 'handle' : 'undef'), " err=", (defined $DBI::err ? $DBI::err : 'undef'), "\n";
eval { DBI->connect('dbi:SQLite:dbname=/nonexistent/dir/x.db', 'scott', 'tiger', { RaiseError => 1 }) };
print "connect died: $@";

my $dbh = DBI->connect($ENV{DBIDIFF_DSN}, '', '', { RaiseError => 0, PrintError => 1 });
my $pg = $dbh->{Driver}{Name} eq 'Pg';
print "RaiseError: '$dbh->{RaiseError}' PrintError: '$dbh->{PrintError}'\n";
$dbh->do('create table e (id integer primary key, v varchar(10))');

my $sth = $dbh->prepare('selec 1');
print "prepare bad: ", (defined $sth ? 'handle' : 'undef'), "\n";
if ($sth) {
    my $rv = $sth->execute;
    print "execute bad: ", (defined $rv ? $rv : 'undef'), "\n";
}
print "err: $DBI::err state: $DBI::state\nerrstr: $DBI::errstr\n";
print "dbh err: ", $dbh->err, " state: ", $dbh->state, "\n";
my $ok = $dbh->do('insert into e values (1, ?)', undef, 'a');
print "after success err: ", (defined $dbh->err ? $dbh->err : 'undef'), " errstr: ", (defined $DBI::errstr ? $DBI::errstr : 'undef'), " state: '", $dbh->state, "'\n";

my $ins = $dbh->prepare('insert into e values (?, ?)');
my $rv = $ins->execute(1, 'dup');
print "dup: ", (defined $rv ? $rv : 'undef'), " sth err: ", $ins->err, " dbh errstr same: ", ($dbh->errstr eq $ins->errstr ? 1 : 0), "\n";
print "state: ", $ins->state, "\n";

$dbh->{RaiseError} = 1;
$dbh->{PrintError} = 0;
eval { $dbh->do('insert into nosuch values (1)') };
print "die: $@";
eval { $dbh->selectall_arrayref('select nope from e') };
print "selectall die: $@";
{
    local $dbh->{RaiseError} = 0;
    local $dbh->{PrintError} = 0;
    my $r = $dbh->do('insert into nosuch values (2)');
    print "local quiet: ", (defined $r ? $r : 'undef'), " RaiseError inside: '$dbh->{RaiseError}'\n";
}
print "RaiseError restored: '$dbh->{RaiseError}' PrintError: '$dbh->{PrintError}'\n";

my @seen;
$dbh->{HandleError} = sub { push @seen, "$_[0] | " . ref($_[1]); return 1 };
my $r = $dbh->do('insert into nosuch values (3)');
print "HandleError handled: ", (defined $r ? $r : 'undef'), "\n", map { "  seen: $_\n" } @seen;
$dbh->{HandleError} = sub { die "custom: $_[0]\n" };
eval { $dbh->prepare('select * from nosuch')->execute };
print "HandleError died: $@";
$dbh->{HandleError} = sub { $_[0] = "changed: $_[0]"; return 0 };
eval { $dbh->do('insert into nosuch values (4)') };
print "HandleError changed: $@";
$dbh->{HandleError} = undef;

my $st2 = $dbh->prepare('insert into e values (?, ?)');
eval { $st2->execute(1, 'again') };
print "execute die: $@";
eval { $st2->execute(1) };
print "bind count die: $@";
print "err after: ", $st2->err, " '", $st2->errstr, "'\n";

$dbh->{RaiseError} = 0;
$dbh->{PrintError} = 1;
my @row = $dbh->selectrow_array('select * from nosuch');
print "selectrow_array empty: ", scalar(@row), "\n";
my $prep = $dbh->prepare('select * from nosuch') or print "prepare or: ", ($pg ? 'n/a' : $dbh->errstr), "\n";
$dbh->disconnect;
my $after = $dbh->do('select 1');
print "after disconnect: ", (defined $after ? $after : 'undef'), "\n";
eval { local $dbh->{RaiseError} = 1; $dbh->prepare('select 1') };
print "prepare on disconnected: $@";
print "done\n";
