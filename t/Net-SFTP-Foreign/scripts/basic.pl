#!/usr/bin/perl
# The everyday batch job: connect, change directory, upload with a temporary name and rename,
# list, download, tidy up -- every method with its default options.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
use Net::SFTP::Foreign::Constants qw(:error :status);
our $REMOTE;

my $auth = shift || 'key';
my $host = $ENV{CPAN_BRIDGE_TEST_SSH_HOST};
my $sftp = $auth eq 'hash_style'
    ? Net::SFTP::Foreign->new(host => $host, sftp_opts())
    : Net::SFTP::Foreign->new($host, sftp_opts(auth => $auth));
show('new', $sftp, $sftp->error ? 'failed' : 'connected');
exit 1 if $sftp->error;

show('cwd', $sftp, $sftp->cwd);
show('setcwd', $sftp, $sftp->setcwd($REMOTE) eq $REMOTE ? 'remote dir' : 'other');
print 'cwd is remote: ', ($sftp->cwd eq $REMOTE ? 'yes' : 'no'), "\n";
show('mkdir', $sftp, $sftp->mkdir('in'));
show('test_d in', $sftp, $sftp->test_d('in'));
show('test_e in', $sftp, $sftp->test_e('in'));
show('test_d report.csv', $sftp, $sftp->test_d('report.csv'));
show('test_e nothing', $sftp, $sftp->test_e('nothing'));

show('put', $sftp, $sftp->put('report.csv', 'in/report.csv.tmp'));
show('stat tmp', $sftp, $sftp->stat('in/report.csv.tmp'));
show('rename', $sftp, $sftp->rename('in/report.csv.tmp', 'in/report.csv'));
show('put again', $sftp, $sftp->put('report.csv', 'in/p_report.csv'));
show('rename overwrite', $sftp, $sftp->rename('in/p_report.csv', 'in/report.csv', overwrite => 1));
show('put_content', $sftp, $sftp->put_content("hello\nworld\n", 'in/note.txt'));
show('get_content', $sftp, $sftp->get_content('in/note.txt'));
show('stat note', $sftp, $sftp->stat('in/note.txt'));

my $ls = $sftp->ls('in');
show('ls', $sftp, scalar @$ls);
print 'ls sorted: ', entries([ sort { $a->{filename} cmp $b->{filename} } @$ls ]), "\n";
print 'ls ordered: ', entries($sftp->ls('in', ordered => 1)), "\n";
print 'ls names_only: ', join(',', sort @{ $sftp->ls('in', names_only => 1) }), "\n";
print 'ls wanted: ', entries($sftp->ls('in', wanted => qr/\.csv$/, ordered => 1)), "\n";
print 'ls no_wanted: ', entries($sftp->ls('in', no_wanted => qr/^\./, ordered => 1)), "\n";
print 'ls wanted sub: ', entries($sftp->ls('in', wanted => sub { $_[1]{a}->size > 10 }, ordered => 1, names_only => 1)), "\n";
print 'ls both: ', join(',', @{ $sftp->ls(dir => 'in', wanted => qr/e/, no_wanted => qr/^\./, names_only => 1, ordered => 1) }), "\n";
print 'ls cwd: ', join(',', @{ $sftp->ls(names_only => 1, ordered => 1) }), "\n";
print 'ls longname: ', (grep { $_->{longname} =~ /report\.csv$/ } @{ $sftp->ls('in') }) ? "yes\n" : "no\n";
my $first = $sftp->ls('in', ordered => 1)->[2];
printf "entry a: size %d perm %o uid %s gid %s mtime %s atime %s\n", $first->{a}->size, $first->{a}->perm,
    ($first->{a}->uid ? 'set' : 'unset'), (defined $first->{a}->gid ? 'set' : 'unset'), ($first->{a}->mtime ? 'set' : 'unset'),
    ($first->{a}->atime ? 'set' : 'unset');

print 'glob: ', join(',', sort map { $_->{filename} } $sftp->glob('in/*.csv')), "\n";
print 'glob names: ', join(',', $sftp->glob('in/*', names_only => 1, ordered => 1)), "\n";
print 'glob count: ', scalar($sftp->glob('in/{note,report}.*')), "\n";
print 'glob dirs: ', join(',', $sftp->glob('*/n?te.txt', names_only => 1)), "\n";
print 'glob absolute: ', join(',', map { s/^\Q$REMOTE\E/REMOTE/r } $sftp->glob("$REMOTE/in/*.txt", names_only => 1)), "\n";

show('get', $sftp, $sftp->get('in/report.csv', 'back.csv'));
printf "back.csv mode %o size %d same mtime as remote: %s\n", (stat 'back.csv')[2] & 07777, -s 'back.csv',
    ((stat 'back.csv')[9] == $sftp->stat('in/report.csv')->mtime ? 'yes' : 'no');
show('get default name', $sftp, $sftp->get('in/note.txt'));
print 'note.txt: ', (-e 'note.txt' ? 'there' : 'missing'), "\n";

show('mkpath', $sftp, $sftp->mkpath('deep/er/dir'));
show('test_d deep', $sftp, $sftp->test_d('deep/er/dir'));
show('mkpath existing', $sftp, $sftp->mkpath('deep/er'));
show('symlink', $sftp, $sftp->symlink('link.txt', 'in/note.txt'));
show('lstat link', $sftp, $sftp->lstat('link.txt'));
show('stat link', $sftp, $sftp->stat('link.txt'));
show('readlink', $sftp, $sftp->readlink('link.txt'));

print 'ls follow_links: ', entries($sftp->ls('.', follow_links => 1, wanted => qr/^link/)), "\n";
print 'ls realpath: ', join(',', map { s/^\Q$REMOTE\E/REMOTE/r } @{ $sftp->ls('in', realpath => 1, names_only => 1, ordered => 1) }), "\n";
print 'glob ignore_case: ', join(',', $sftp->glob('IN/*.CSV', ignore_case => 1, names_only => 1)), "\n";
print 'glob wanted: ', join(',', map { $_->{filename} } $sftp->glob('in/*', wanted => sub { $_[1]{a}->size < 10 })), "\n";
print 'glob no match: ', scalar($sftp->glob('in/*.xls')), "\n";
my $da = Net::SFTP::Foreign::Attributes->new;
$da->set_perm(0700);
show('mkdir attrs', $sftp, $sftp->mkdir('private', $da));
show('stat private', $sftp, $sftp->stat('private'));
show('mkpath attrs', $sftp, $sftp->mkpath('p2/q2', $da));
show('stat p2', $sftp, $sftp->stat('p2/q2'));
show('put best_effort', $sftp, $sftp->put('report.csv', 'in/best.csv', best_effort => 1, perm => 0604));
show('stat best', $sftp, $sftp->stat('in/best.csv'));
show('remove best', $sftp, $sftp->remove('in/best.csv'));
show('atomic_rename', $sftp, $sftp->atomic_rename('in/note.txt', 'in/note2.txt'));
show('rename back', $sftp, $sftp->rename('in/note2.txt', 'in/note.txt'));

my $a = Net::SFTP::Foreign::Attributes->new;
$a->set_perm(0600);
show('setstat perm', $sftp, $sftp->setstat('in/note.txt', $a));
$a = Net::SFTP::Foreign::Attributes->new;
$a->set_amtime(1_000_000_000, 1_100_000_000);
show('setstat times', $sftp, $sftp->setstat('in/note.txt', $a));
show('stat after setstat', $sftp, $sftp->stat('in/note.txt'));
show('chmod', $sftp, $sftp->chmod('in/report.csv', 0640));
show('utime', $sftp, $sftp->utime('in/report.csv', 1_200_000_000, 1_200_000_000));

show('setcwd in', $sftp, $sftp->setcwd('in') =~ s/^\Q$REMOTE\E/REMOTE/r);
show('relative stat', $sftp, $sftp->stat('report.csv'));
show('setcwd ..', $sftp, $sftp->setcwd('..') =~ s/^\Q$REMOTE\E/REMOTE/r);
show('setcwd undef', $sftp, $sftp->setcwd(undef));
show('cwd home', $sftp, $sftp->cwd =~ m{^/} ? 'absolute' : 'relative');
$sftp->setcwd($REMOTE);
show('remove', $sftp, $sftp->remove('link.txt'));
show('rmdir', $sftp, $sftp->rmdir('deep/er/dir'));
show('realpath', $sftp, $sftp->realpath('deep/er') =~ s/^\Q$REMOTE\E/REMOTE/r);
print 'join: ', join(' ', $sftp->join('a', 'b/'), $sftp->join('/x', './y/.'), $sftp->join('a', '/abs')), "\n";
my %ext = $sftp->server_extensions;
print 'posix-rename: ', ($ext{'posix-rename@openssh.com'} ? 'yes' : 'no'), "\n";
show('disconnect', $sftp, $sftp->disconnect);
show('stat after disconnect', $sftp, $sftp->stat('in'));
print "done\n";
