#!/usr/bin/perl
# The raw API of the user guide (seed 004): the calls exactly as printed there, through
# CPANBridge->call_python, against the test sshd. Without ssh options, `connect` to a test server
# whose host key is in no known_hosts file fails clearly; with the test's known_hosts (`more`)
# it makes the current session the guide's other calls run on.
use strict;
use warnings;
use Test::More;
use File::Temp ();
use BridgeTest;
use SFTPDiff;
use CPANBridge;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
my ($st, $manifest) = run_cmd([$BIN, 'manifest'], timeout => 600);
plan skip_all => 'the daemon has no sftp module yet' unless $manifest =~ /^sftp\b/m;
start_daemon();

$CPANBridge::DAEMON_MODE = 1;
my $bridge = CPANBridge->new();
my %t = map { ($_ => $ENV{"CPAN_BRIDGE_TEST_SSH_\U$_"}) } qw(host port user key password known_hosts dir);

# connect as printed, with the test server's port: the host key is unknown to ssh here.
my $result = $bridge->call_python('sftp', 'connect', {
    hostname => $t{host}, port => $t{port} + 0, username => $t{user}, private_key_file => $t{key}, timeout => 10,
});
ok(!$result->{success}, 'connect to a host whose key is unknown fails');
like($result->{error} . ' ' . ($result->{data}{ssh_stderr} || ''), qr/Host key verification failed/, '...saying why');

# connect as printed plus the test server's known_hosts (`more`): the current session.
$result = $bridge->call_python('sftp', 'connect', {
    hostname => $t{host}, port => $t{port} + 0, username => $t{user}, private_key_file => $t{key},
    more => ['-o', "UserKnownHostsFile=$t{known_hosts}", '-o', 'BatchMode=yes'],
});
ok($result->{success}, 'connect') or diag(explain($result));
ok($result->{result}{connected}, '...connected');

my $remote = "$t{dir}/raw-$$";
mkdir $remote or die "$remote: $!";
chown remote_owner(), $remote;
my $local = File::Temp::tempdir('cbt-sftp-raw-XXXXXX', TMPDIR => 1, CLEANUP => 1);
open my $fh, '>', "$local/file.txt" or die;
print {$fh} "guide\n";
close $fh;

$result = $bridge->call_python('sftp', 'put', { local_file => "$local/file.txt", remote_file => "$remote/file.txt" });
ok($result->{success}, 'put as printed') or diag(explain($result));
is(slurp("$remote/file.txt"), "guide\n", '...the remote file has the bytes');

$result = $bridge->call_python('sftp', 'get', { remote_file => "$remote/file.txt", local_file => "$local/data.csv" });
ok($result->{success}, 'get as printed') or diag(explain($result));
is(slurp("$local/data.csv"), "guide\n", '...the local file has the bytes');

$result = $bridge->call_python('sftp', 'list_files', { remote_path => $remote });
ok($result->{success}, 'list_files as printed') or diag(explain($result));
is_deeply([ sort grep { !/^\.\.?$/ } @{ $result->{result}{files} || [] } ], ['file.txt'], '...result.files names the file');

$result = $bridge->call_python('sftp', 'rename', { old_path => "$remote/file.txt", new_path => "$remote/renamed.txt" });
ok($result->{success}, 'rename') or diag(explain($result));
ok(-e "$remote/renamed.txt" && !-e "$remote/file.txt", '...renamed on the server');

$result = $bridge->call_python('sftp', 'get', { remote_file => "$remote/missing.csv", local_file => "$local/m.csv" });
ok(!$result->{success}, 'get of a missing file fails');
is($result->{code}, 'E_NATIVE', '...E_NATIVE');
is($result->{data}{status}, 2, '...with the SFTP status 2 (no such file)');

$result = $bridge->call_python('sftp', 'disconnect', {});
ok($result->{success}, 'disconnect');
$result = $bridge->call_python('sftp', 'list_files', { remote_path => $remote });
ok(!$result->{success}, 'no current session after disconnect');

if ($t{password}) {
    # The guide's password form (plus the known_hosts): the password must be on no command line.
    $result = $bridge->call_python('sftp', 'connect', {
        hostname => $t{host}, port => $t{port} + 0, username => $t{user}, password => $t{password},
        more => ['-o', "UserKnownHostsFile=$t{known_hosts}", '-o', 'IdentitiesOnly=yes', '-o', 'IdentityFile=/nonexistent'],
    });
    ok($result->{success}, 'connect with a password') or diag(explain($result));
    my @cmdlines = grep { defined } map { slurp("/proc/$_/cmdline") } grep { /^\d+$/ } do { opendir my $d, '/proc'; readdir $d };
    ok(!grep({ index($_, $t{password}) >= 0 } @cmdlines), 'the password is on no command line');
    $result = $bridge->call_python('sftp', 'list_files', { remote_path => $remote });
    ok($result->{success}, 'list_files on the password session');
}
system('rm', '-rf', $remote);
done_testing;
