#!/usr/bin/perl
# put and get options: perm, umask, copy_perm, copy_time, overwrite, atomic, resume, mkpath, and
# put_content's. Files are seeded with old mtimes (a 2001-2004 date), so preserved times show.
use strict;
use warnings;
use FindBin ();
BEGIN { require "$FindBin::Bin/sftp_test_lib.pl" }
use Net::SFTP::Foreign;
our $REMOTE;

my $sftp = Net::SFTP::Foreign->new($ENV{CPAN_BRIDGE_TEST_SSH_HOST}, sftp_opts(auth => 'key_path'));
show('new', $sftp, 'x');
$sftp->setcwd($REMOTE) or die $sftp->error;
umask 022;

show('put default', $sftp, $sftp->put('data.txt', 'p_default'));
show('put perm 0600', $sftp, $sftp->put('data.txt', 'p_perm', perm => 0600));
show('put perm oct', $sftp, $sftp->put('data.txt', 'p_perm_oct', perm => oct('0640')));
show('put umask 077', $sftp, $sftp->put('exec.sh', 'p_umask', umask => 077));
show('put copy_perm 0', $sftp, $sftp->put('exec.sh', 'p_nocopyperm', copy_perm => 0));
show('put copy_time 0', $sftp, $sftp->put('data.txt', 'p_nocopytime', copy_time => 0));
print 'p_nocopytime mtime recent: ', ($sftp->stat('p_nocopytime')->mtime > 1_500_000_000 ? 'yes' : 'no'), "\n";
show('put overwrite existing', $sftp, $sftp->put('data.txt', 'old.txt'));
show('put overwrite over read-only', $sftp, $sftp->put('data.txt', 'readonly.txt'));
show('put atomic', $sftp, $sftp->put('data.txt', 'p_atomic', atomic => 1));
show('put atomic over existing', $sftp, $sftp->put('data.txt', 'old2.txt', atomic => 1));
show('put mkpath', $sftp, $sftp->put('data.txt', 'new/dir/p_mkpath'));
show('put mkpath perm', $sftp, $sftp->put('data.txt', 'new2/p_mkpath', perm => 0640));
show('put resume', $sftp, $sftp->put('data.txt', 'partial.txt', resume => 1));
show('put resume complete', $sftp, $sftp->put('data.txt', 'p_default', resume => 1));
show('put resume missing', $sftp, $sftp->put('data.txt', 'p_resume_new', resume => 1));
show('put resume auto', $sftp, $sftp->put('data.txt', 'partial2.txt', resume => 'auto'));
show('put no remote name', $sftp, $sftp->put('data.txt'));
show('put abs local', $sftp, $sftp->put("$ENV{PWD}/data.txt", 'p_abs'));
show('put_content', $sftp, $sftp->put_content('content', 'c_default'));
show('put_content perm', $sftp, $sftp->put_content('content', 'c_perm', perm => 0600));
show('put_content atomic', $sftp, $sftp->put_content('content', 'c_atomic', atomic => 1));
show('put_content overwrite 0', $sftp, $sftp->put_content('content', 'c_default', overwrite => 0));
show('put_content mkpath', $sftp, $sftp->put_content('x', 'cdir/sub/c'));
show('put_content binary', $sftp, $sftp->put_content(join('', map { chr } 0 .. 255) x 3, 'c_binary'));
show('put_content empty', $sftp, $sftp->put_content('', 'c_empty'));
# names with UTF-8 bytes (byte strings, as readdir gives them) and a character string
my $bytes_name = "Gr\xc3\xbc\xc3\x9fe.txt";
show('put utf-8 byte name', $sftp, $sftp->put($bytes_name, 'u_bytes.txt'));
show('get to utf-8 byte name', $sftp, $sftp->get('u_bytes.txt', "zur\xc3\xbcck.txt"));
show('put latin-1 byte name', $sftp, $sftp->put("latin\xe9.txt", 'u_latin.txt'));
show('get to latin-1 byte name', $sftp, $sftp->get('u_latin.txt', "retour\xe9.txt", perm => 0600));
my $chars_name = "caf\x{e9}.txt";
show('put_content char name', $sftp, $sftp->put_content('x', $chars_name));
show('get to char name', $sftp, $sftp->get($chars_name, "local_\x{e9}.txt"));
print 'remote names: ', join(',', map { unpack('H*', $_) } grep { /[^\x00-\x7f]/ } @{ $sftp->ls('.', names_only => 1, ordered => 1) }), "\n";
open my $fh, '<', 'data.txt' or die;
show('put from handle', $sftp, $sftp->put($fh, 'p_handle'));
close $fh;

show('get default', $sftp, $sftp->get('r_data.txt', 'g_default'));
show('get perm', $sftp, $sftp->get('r_data.txt', 'g_perm', perm => 0600));
show('get umask', $sftp, $sftp->get('r_exec.sh', 'g_umask', umask => 077));
show('get copy_perm 0', $sftp, $sftp->get('r_exec.sh', 'g_nocopyperm', copy_perm => 0));
show('get copy_time 0', $sftp, $sftp->get('r_data.txt', 'g_nocopytime', copy_time => 0));
show('get overwrite', $sftp, $sftp->get('r_data.txt', 'local_old.txt'));
show('get atomic', $sftp, $sftp->get('r_data.txt', 'g_atomic', atomic => 1));
show('get atomic overwrite 0', $sftp, $sftp->get('r_data.txt', 'g_atomic2', atomic => 1, overwrite => 0));
show('get atomic overwrite 0 existing', $sftp, $sftp->get('r_data.txt', 'local_old2.txt', atomic => 1, overwrite => 0));
show('get mkpath', $sftp, $sftp->get('r_data.txt', 'ldir/sub/g_mkpath'));
show('get resume', $sftp, $sftp->get('r_data.txt', 'lpartial.txt', resume => 1));
show('get resume complete', $sftp, $sftp->get('r_data.txt', 'g_default', resume => 1));
show('get resume auto', $sftp, $sftp->get('r_data.txt', 'lpartial2.txt', resume => 'auto'));
show('get from subdir relative', $sftp, $sftp->get('rsub/inner.txt', 'g_inner'));
open my $out, '>', 'g_handle' or die;
show('get into handle', $sftp, $sftp->get('r_data.txt', $out));
close $out;
show('get binary', $sftp, $sftp->get('c_binary', 'g_binary'));
show('get empty', $sftp, $sftp->get('c_empty', 'g_empty'));
print "done\n";
