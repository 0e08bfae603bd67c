#!/usr/bin/perl
# Failures as scripts see them: return values, error() and status() (numbers and texts), what
# autodie dies with, croaks for bad usage -- and that the session keeps working after each.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
use Net::SFTP::Foreign::Constants qw(:error :status);
our $REMOTE;

my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts());
show('new', $sftp, 'x');
$sftp->setcwd($REMOTE) or die $sftp->error;

show('stat missing', $sftp, $sftp->stat('missing'));
print 'error is REMOTE_STAT_FAILED: ', ($sftp->error == SFTP_ERR_REMOTE_STAT_FAILED ? 1 : 0),
      ', status is NO_SUCH_FILE: ', ($sftp->status == SSH2_FX_NO_SUCH_FILE ? 1 : 0), "\n";
show('ok call clears', $sftp, $sftp->test_d('.'));
show('lstat missing', $sftp, $sftp->lstat('missing'));
show('get missing', $sftp, $sftp->get('missing', 'local.out'));
print 'local.out: ', (-e 'local.out' ? 'exists' : 'absent'), "\n";
show('put missing local', $sftp, $sftp->put('no-such-local', 'x'));
show('put local dir', $sftp, $sftp->put('.', 'x'));
show('ls missing', $sftp, $sftp->ls('missing'));
my @l = $sftp->ls('missing');
print 'ls missing in list context: ', scalar(@l), "\n";
show('ls file', $sftp, $sftp->ls('data.txt'));
show('remove missing', $sftp, $sftp->remove('missing'));
show('remove dir', $sftp, $sftp->remove('sub'));
show('rmdir missing', $sftp, $sftp->rmdir('missing'));
show('rmdir not empty', $sftp, $sftp->rmdir('sub'));
show('mkdir existing', $sftp, $sftp->mkdir('sub'));
show('mkdir no parent', $sftp, $sftp->mkdir('none/child'));
show('mkdir denied', $sftp, $sftp->mkdir('/root/cpanbridge-nope'));
show('rename missing', $sftp, $sftp->rename('missing', 'other'));
show('rename onto existing', $sftp, $sftp->rename('data.txt', 'sub/inner.txt'));
show('rename onto existing overwrite', $sftp, $sftp->rename('data2.txt', 'sub/inner.txt', overwrite => 1));
show('setcwd missing', $sftp, $sftp->setcwd('missing'));
show('setcwd file', $sftp, defined $sftp->setcwd('data.txt') ? 'set' : 'unset');
print 'cwd still remote: ', ($sftp->cwd eq $REMOTE ? 'yes' : 'no'), "\n";
show('setcwd no check', $sftp, $sftp->setcwd('missing', check => 0) =~ s/^\Q$REMOTE\E/REMOTE/r);
$sftp->setcwd($REMOTE);
show('get_content missing', $sftp, $sftp->get_content('missing'));
show('get_content dir', $sftp, $sftp->get_content('sub'));
show('realpath missing', $sftp, $sftp->realpath('missing/x'));
show('readlink not a link', $sftp, $sftp->readlink('data.txt'));
my $a = Net::SFTP::Foreign::Attributes->new;
$a->set_perm(0644);
show('setstat missing', $sftp, $sftp->setstat('missing', $a));
show('chmod missing', $sftp, $sftp->chmod('missing', 0644));
show('get overwrite 0 existing', $sftp, $sftp->get('data.txt', 'exists.txt', overwrite => 0));
print 'exists.txt: ', do { local (@ARGV, $/) = 'exists.txt'; <> }, "\n";
show('put overwrite 0 existing', $sftp, $sftp->put('exists.txt', 'data.txt', overwrite => 0));
show('put atomic overwrite 0 existing', $sftp, $sftp->put('exists.txt', 'data.txt', atomic => 1, overwrite => 0));
show('put into file as dir', $sftp, $sftp->put('exists.txt', 'data.txt/x', mkpath => 0));
show('put no dir mkpath 0', $sftp, $sftp->put('exists.txt', 'nodir/x', mkpath => 0));
show('mkpath through file', $sftp, $sftp->mkpath('data.txt/a/b'));
show('get to missing local dir mkpath 0', $sftp, $sftp->get('data.txt', 'nolocal/x', mkpath => 0));
show('get to local dir', $sftp, $sftp->get('data.txt', 'localdir'));
show('get below a local file', $sftp, $sftp->get('data.txt', 'exists.txt/x'));
show('get denied remote', $sftp, $sftp->get('secret.txt', 'secret.out'));
print 'secret.out: ', (-e 'secret.out' ? 'exists' : 'absent'), "\n";
show('get denied remote over existing', $sftp, $sftp->get('secret.txt', 'exists.txt'));
print 'exists.txt kept: ', do { local (@ARGV, $/) = 'exists.txt'; <> }, "\n";
show('put resume bigger remote', $sftp, $sftp->put('exists.txt', 'big.txt', resume => 1));
show('get resume bigger local', $sftp, $sftp->get('data.txt', 'big.local', resume => 1));
show('error after failures then ok', $sftp, $sftp->stat('data.txt') ? 'ok' : 'failed');

for my $code (
    sub { $sftp->put('a', 'b', perm => 0600, umask => 022) },
    sub { $sftp->put('a', 'b', perm => 0600, copy_perm => 1) },
    sub { $sftp->put('a', 'b', resume => 1, overwrite => 1) },
    sub { $sftp->put('a', 'b', atomic => 1, resume => 1) },
    sub { $sftp->put('a', 'b', bogus => 1) },
    # (two bad options: native names them in hash order, which is random)
    sub { $sftp->put(undef, 'b') },
    sub { $sftp->put() },
    sub { $sftp->get('a', 'b', perm => 0600, copy_perm => 1) },
    sub { $sftp->get('a', 'b', resume => 1, atomic => 1) },
    sub { $sftp->get('a', 'b', resume => 1, overwrite => 1) },
    sub { $sftp->get(undef, 'b') },
    sub { $sftp->ls('.', bogus => 1) },
    sub { $sftp->rename('a') },
    sub { $sftp->rename('a', 'b', overwrite => 1, numbered => 1) },
    sub { $sftp->remove() },
    sub { $sftp->stat('a', 'b') },
    sub { $sftp->mkdir() },
    sub { $sftp->setstat('a') },
    sub { $sftp->cwd('x') },
    sub { $sftp->glob('[abc') },
    sub { $sftp->setcwd('x', bogus => 1) },
    sub { $sftp->put_content('x', 'y', copy_time => 1) },
    sub { Net::SFTP::Foreign->new() },
    sub { Net::SFTP::Foreign->new('host', bogus => 1) },
    sub { Net::SFTP::Foreign->new('host', timeout => 0) },
    sub { Net::SFTP::Foreign->new('host', autodisconnect => 7) },
) {
    eval { $code->() };
    (my $e = $@) =~ s/\(eval \d+\)/(eval)/;
    print "croak: $e";
}

# autodie: the same failures die with the error text
my $ad = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts(autodie => 1));
$ad->setcwd($REMOTE);
for my $code (sub { $ad->stat('missing') }, sub { $ad->get('missing', 'x') }, sub { $ad->put('missing', 'x') },
              sub { $ad->ls('missing') }, sub { $ad->remove('missing') }, sub { $ad->mkdir('sub') },
              sub { $ad->rename('missing', 'y') }, sub { $ad->setcwd('missing') }, sub { $ad->test_e('missing') ? 1 : 0 },
              sub { $ad->get_content('missing') }, sub { $ad->put('exists.txt', 'data.txt', overwrite => 0) },
              sub { $ad->get('data.txt', 'exists.txt', overwrite => 0) },
              sub { $ad->get('data.txt', 'nolocal/x', mkpath => 0) }, sub { $ad->get('data.txt', 'exists.txt/x') },
              sub { $ad->get('secret.txt', 'exists.txt') }) {
    my $r = eval { $code->() };
    print 'autodie: ', (defined $@ && length $@ ? "died: $@" : 'lived: ' . (defined $r ? $r : 'undef') . "\n");
    printf "  error %d [%s]\n", $ad->error, $ad->error;
}
print 'exists.txt at the end: ', do { local (@ARGV, $/) = 'exists.txt'; <> }, "\n";
print "done\n";
