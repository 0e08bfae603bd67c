#!/usr/bin/env perl
# bench/sftp.pl — the Net::SFTP::Foreign benchmark's worker: one process, one case, with
# whichever Net::SFTP::Foreign `require` finds (Debian's, or the drop-in when perl/compat comes
# first on @INC). bench/run --only=sftp starts it natively and bridged against the test sshd
# (t/servers/sshd.sh) and computes the ratios; by hand, with the sshd's environment loaded
# (eval "$(t/servers/sshd.sh env DIR)") and a directory the test user may write to:
#
#   perl bench/sftp.pl small --count=100 --remote=DIR      # 100 files put+rename, one session
#   perl bench/sftp.pl per_op --count=100 --remote=DIR     # the same, a new session per operation
#   perl bench/sftp.pl big_put --mb=50 --remote=DIR        # one 50 MB put
#   perl bench/sftp.pl big_get --mb=50 --remote=DIR        # one 50 MB get (of big_put's file)
#   perl bench/sftp.pl cli_put|cli_get --mb=50 --remote=DIR   # the same with OpenSSH's sftp -b
#   PERL5LIB=perl/compat:perl/lib perl bench/sftp.pl small ...    # through the bridge
#
# small is the batch-job pattern of the legacy scripts: put to a temporary name, then rename it
# into place ("p" prefix), 1 KB files, on one session. per_op is what the earlier generation
# paid: every put and every rename on a session of its own (new, call, disconnect).
#
# Prints one line: `sftp_bench key=value ...` with secs= (the timed part), ok= (1 when the
# remote side holds what was sent), n= and module= (the Net/SFTP/Foreign.pm that was loaded).
use strict;
use warnings;
use Digest::MD5 ();
use Getopt::Long qw(GetOptions);
use Time::HiRes qw(time);

my $case = shift // '';
my %opt = (count => 100, mb => 50);
GetOptions(\%opt, 'count=i', 'mb=f', 'remote=s') && $case =~ /\A(small|per_op|big_put|big_get|cli_put|cli_get)\z/ && $opt{remote}
    or die "usage: bench/sftp.pl small|per_op|big_put|big_get|cli_put|cli_get [--count=100] [--mb=50] --remote=DIR\n";
my @need = grep { !$ENV{"CPAN_BRIDGE_TEST_SSH_$_"} } qw(HOST PORT USER KEY KNOWN_HOSTS);
die "bench/sftp.pl: no test sshd (CPAN_BRIDGE_TEST_SSH_@need unset)\n" if @need;

my $remote = $opt{remote};
my $local = "$remote.local";
mkdir $local;
my %o = (user => $ENV{CPAN_BRIDGE_TEST_SSH_USER}, port => $ENV{CPAN_BRIDGE_TEST_SSH_PORT}, timeout => 60,
         more => ['-o', "UserKnownHostsFile=$ENV{CPAN_BRIDGE_TEST_SSH_KNOWN_HOSTS}", '-o', 'BatchMode=yes',
                  '-i', $ENV{CPAN_BRIDGE_TEST_SSH_KEY}, '-o', 'IdentitiesOnly=yes']);
my $host = $ENV{CPAN_BRIDGE_TEST_SSH_HOST};
my $module = '-';
my ($secs, $ok, $n);

sub connect_sftp {
    my $s = Net::SFTP::Foreign->new($host, %o);
    die "bench/sftp.pl: connect: " . $s->error . "\n" if $s->error;
    return $s;
}

sub md5_of { open my $fh, '<', $_[0] or return ''; binmode $fh; Digest::MD5->new->addfile($fh)->hexdigest }

my $big = "$local/big.bin";
if ($case =~ /^(?:big|cli)_put$/ || !-e $big) {
    # untimed: the file to send
    my $len = int($opt{mb} * 1024 * 1024);
    open my $fh, '>', $big or die "$big: $!";
    binmode $fh;
    my $block = join '', map { pack 'N', ($_ * 2654435761) & 0xffffffff } 1 .. 16384;
    for (my $left = $len; $left > 0; $left -= length $block) { print {$fh} substr($block, 0, $left < length $block ? $left : length $block) }
    close $fh;
}

if ($case =~ /^cli_/) {
    my $batch = "$local/batch";
    open my $fh, '>', $batch or die;
    print {$fh} $case eq 'cli_put' ? "put $big $remote/big.cli\n" : "get $remote/big.cli $local/big.cli.down\n";
    close $fh;
    my @cmd = ('sftp', '-q', '-b', $batch, '-P', $o{port}, @{ $o{more} }, "$o{user}\@$host");
    my $t0 = time;
    # sftp -b echoes each command on stdout; the worker's stdout carries only its result line
    open my $saved, '>&', \*STDOUT or die;
    open STDOUT, '>', '/dev/null' or die;
    my $st = system(@cmd);
    open STDOUT, '>&', $saved or die;
    $st == 0 or die "bench/sftp.pl: @cmd failed\n";
    $secs = time - $t0;
    $ok = $case eq 'cli_put' ? (-s "$remote/big.cli" == -s $big ? 1 : 0) : (md5_of("$local/big.cli.down") eq md5_of("$remote/big.cli") ? 1 : 0);
    $n = -s $big;
    $module = 'sftp-cli';
} else {
    require Net::SFTP::Foreign;
    $module = $INC{'Net/SFTP/Foreign.pm'};
    if ($case eq 'small' || $case eq 'per_op') {
        my @files = map { "f$_.csv" } 1 .. $opt{count};
        for my $f (@files) {
            open my $fh, '>', "$local/$f" or die;
            print {$fh} join(',', map { $_ * 7 } 1 .. 40), "\n" for 1 .. 7;
            close $fh;
        }
        my $t0 = time;
        if ($case eq 'small') {
            my $s = connect_sftp();
            $s->setcwd($remote) or die $s->error;
            for my $f (@files) {
                $s->put("$local/$f", "$f.tmp") or die "put: " . $s->error . "\n";
                $s->rename("$f.tmp", "p$f", overwrite => 1) or die "rename: " . $s->error . "\n";
            }
            $s->disconnect;
        } else {
            for my $f (@files) {
                my $s = connect_sftp();
                $s->put("$local/$f", "$remote/$f.tmp") or die "put: " . $s->error . "\n";
                $s->disconnect;
                $s = connect_sftp();
                $s->rename("$remote/$f.tmp", "$remote/p$f", overwrite => 1) or die "rename: " . $s->error . "\n";
                $s->disconnect;
            }
        }
        $secs = time - $t0;
        $ok = (grep { -s "$remote/p$_" == -s "$local/$_" } @files) == @files ? 1 : 0;
        unlink map { "$remote/p$_" } @files;
        $n = @files;
    } else {
        my $s = connect_sftp();
        my $t0 = time;
        if ($case eq 'big_put') {
            $s->put($big, "$remote/big.up") or die "put: " . $s->error . "\n";
        } else {
            $s->get("$remote/big.up", "$local/big.down") or die "get: " . $s->error . "\n";
        }
        $secs = time - $t0;
        $s->disconnect;
        $ok = $case eq 'big_put' ? (md5_of("$remote/big.up") eq md5_of($big) ? 1 : 0)
                                 : (md5_of("$local/big.down") eq md5_of("$remote/big.up") ? 1 : 0);
        $n = -s $big;
    }
}
printf "sftp_bench secs=%.4f ok=%d n=%d module=%s\n", $secs, $ok, $n, $module;
