#!/usr/bin/perl
# The server dies mid-transfer (scripts/killed.pl; the harness kills the session's sftp-server,
# found by the source address the script binds): the same error as native, later calls fail the
# same way, and with atomic no partial file under the destination name, either direction.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use SFTPDiff;

my ($ok, $why) = ssh_env_ok();
plan skip_all => $why unless $ok;
($ok, $why) = native_ok();
plan skip_all => $why unless $ok;

my $MB = 1 << 20;
my $n_case = 0;
for my $case (qw(put_atomic get_atomic put get)) {
    my $source = '127.0.0.' . (100 + $n_case++);
    my $watch_remote = $case =~ /^put/;
    my $during = sub {
        my ($pid) = @_;
        # Wait for the transfer to be well under way, then kill the server side of the session.
        my $until = Time::HiRes::time() + 60;
        while (Time::HiRes::time() < $until) {
            my @files = $watch_remote ? glob("$SFTPDiff::CURRENT_REMOTE/dest.bin*") : glob("$SFTPDiff::CURRENT_LOCAL/work/dest.bin*");
            last if grep { (-s $_ || 0) > 20 * $MB } @files;
            Time::HiRes::sleep(0.01);
        }
        my @killed = kill_session_server($source);
        diag("$case: killed nothing") unless @killed;
    };
    my ($b, $n) = sftp_diff({
        name => "killed $case", script => 'killed.pl', args => [$case, $source], timeout => 120, during => $during,
        compare => { names_only => 1 },
        local => { 'big.bin' => { size => 200 * $MB } },
        remote => { 'remote.bin' => { size => 200 * $MB } },
    });
    like($n->{out}, qr/ => undef \| error 37 \[Connection to remote server is broken\]/, "killed $case: native sees the broken connection");
    if ($case =~ /atomic/) {
        my $side = $case =~ /^put/ ? 'remote' : 'local';
        ok(!exists $n->{$side}{'dest.bin'}, "killed $case: native leaves no dest.bin");
        ok(!$b || !exists $b->{$side}{'dest.bin'}, "killed $case: bridged leaves no dest.bin");
    }
}
# A server that stops answering (its sftp-server stopped with SIGSTOP) and a `timeout`: the
# call gives up after it with "Connection to remote server stalled", as native, and the session
# is finished.
{
    my $source = '127.0.0.120';
    my $during = sub {
        my $dir = "$SFTPDiff::CURRENT_LOCAL/work";
        my $until = Time::HiRes::time() + 60;
        Time::HiRes::sleep(0.02) until -e "$dir/ready" || Time::HiRes::time() > $until;
        kill_session_server($source, 'STOP') or diag('stalled: stopped nothing');
        open my $fh, '>', "$dir/go" or die;
        close $fh;
    };
    my ($b, $n) = sftp_diff({ name => 'stalled', script => 'killed.pl', args => ['stalled', $source], timeout => 60,
                              during => $during, local => { 'big.bin' => 'x' } });
    kill_session_server($source, 'KILL');
    like($n->{out}, qr/^stat on a stalled server => undef \| error 37 \[Connection to remote server stalled\] \| status 7 /m,
         'stalled: native gives up after its timeout');
    ok(!$b || $b->{secs} < 20, 'stalled: bridged gives up too') or diag("took $b->{secs} s");
}
done_testing;
