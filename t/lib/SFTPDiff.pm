package SFTPDiff;

# Differential harness for the Net::SFTP::Foreign drop-in: one legacy-style script from
# t/Net-SFTP-Foreign/scripts/ runs twice against the test sshd (t/servers/sshd.sh) -- natively
# (Debian's Net::SFTP::Foreign 1.93, no lockdown) and bridged (PERL5LIB=perl/compat:perl/lib
# under the lockdown, talking to the test's daemon) -- and the two runs must agree on stdout,
# stderr, exit status and what they left behind, locally and remotely.
#
# Both runs use the same paths, one after the other: the local working directory (the script is
# copied there as job.pl, so "at job.pl line N." reads the same) and the remote directory, a
# fresh directory under $CPAN_BRIDGE_TEST_SSH_DIR owned by the sshd's test user. Each is
# emptied and seeded again before each run and snapshotted after it. Client and server share
# this machine, so the remote side is read and seeded directly from the file system.
#
# Normalised: the random temporary names of atomic transfers ("(1234).tmp"), the location of
# the drop-in's own warnings ("at .../Net/SFTP/Foreign.pm line N."), and mtimes that are not
# ones a seed set (files written "now" differ between runs by nature).

use strict;
use warnings;

use Cwd ();
use Digest::MD5 ();
use File::Copy ();
use File::Find ();
use File::Path ();
use File::Temp ();
use POSIX ();
use Test::More;
use Time::HiRes ();
use BridgeTest;

use Exporter 'import';
our @EXPORT = qw(ssh_env_ok native_ok sftp_diff run_side snapshot seed normalise same_side
                 remote_owner kill_session_server $SCRIPTS);

our $SCRIPTS = "$ROOT/t/Net-SFTP-Foreign/scripts";
my $SEQ = 0;
our ($CURRENT_LOCAL, $CURRENT_REMOTE);    # where the side being run works (for a `during` hook)

sub _native_env { return (PERL5OPT => undef, PERL5LIB => undef, CPAN_BRIDGE_SOCKET => undef) }
sub _bridged_env { return (PERL5LIB => "$ROOT/perl/compat:$ROOT/perl/lib", PERL5OPT => "-I$ROOT/t/lib -MLockdown") }

# (1) when the test sshd's environment is there, else (0, reason).
sub ssh_env_ok {
    my @missing = grep { !defined $ENV{"CPAN_BRIDGE_TEST_SSH_$_"} || $ENV{"CPAN_BRIDGE_TEST_SSH_$_"} eq '' }
                  qw(HOST PORT USER KEY KNOWN_HOSTS DIR);
    return (0, "no test sshd (CPAN_BRIDGE_TEST_SSH_@missing unset; eval \"\$(t/servers/sshd.sh env DIR)\")")
        if @missing;
    return (0, "CPAN_BRIDGE_TEST_SSH_DIR=$ENV{CPAN_BRIDGE_TEST_SSH_DIR} is not a directory")
        unless -d $ENV{CPAN_BRIDGE_TEST_SSH_DIR};
    return 1;
}

sub native_ok {
    my ($st, $out, $err) = run_cmd([$^X, '-MNet::SFTP::Foreign', '-e', 'print "ok"'], env => { _native_env() });
    return 1 if $st == 0 && $out eq 'ok';
    return (0, "native Net::SFTP::Foreign not loadable (apt-get install libnet-sftp-foreign-perl): $err");
}

# uid and gid of the sshd's test user (files the server must be able to write belong to it).
sub remote_owner {
    my @st = stat $ENV{CPAN_BRIDGE_TEST_SSH_DIR};
    return @st[4, 5];
}

# Seeds a directory: { 'name' => content | { content, mode, mtime, dir => 1, link => target } }.
sub seed {
    my ($dir, $spec, %o) = @_;
    my ($uid, $gid) = $o{owner} ? @{ $o{owner} } : (undef, undef);
    for my $name (sort keys %{ $spec || {} }) {
        my $v = ref $spec->{$name} ? $spec->{$name} : { content => $spec->{$name} };
        my $path = "$dir/$name";
        (my $parent = $path) =~ s{/[^/]+$}{};
        File::Path::make_path($parent) unless -d $parent;
        if ($v->{dir}) {
            mkdir $path;
            chmod(defined $v->{mode} ? $v->{mode} : 0755, $path);
        } elsif (defined $v->{link}) {
            symlink $v->{link}, $path;
            next;
        } else {
            open my $fh, '>', $path or die "seed $path: $!";
            binmode $fh;
            if (defined $v->{size}) {
                # a fixed pseudo-random pattern, so both runs see the same bytes
                my $block = join '', map { pack 'N', ($_ * 2654435761) & 0xffffffff } 1 .. 16384;
                my $left = $v->{size};
                while ($left > 0) {
                    my $n = $left < length $block ? $left : length $block;
                    print {$fh} substr($block, 0, $n);
                    $left -= $n;
                }
            } else {
                print {$fh} $v->{content};
            }
            close $fh;
            chmod(defined $v->{mode} ? $v->{mode} : 0644, $path);
        }
        utime($v->{mtime}, $v->{mtime}, $path) if defined $v->{mtime};
        chown $uid, $gid, $path if defined $uid;
    }
    if (defined $uid) {
        File::Find::find({ no_chdir => 1, wanted => sub { chown $uid, $gid, $_ unless -l $_ } }, $dir);
    }
    return;
}

# What a directory holds: path => "type size mode md5 mtime" (mtimes a seed set are kept, others
# read "recent").
sub snapshot {
    my ($dir) = @_;
    my %snap;
    return \%snap unless -d $dir;
    File::Find::find({ no_chdir => 1, wanted => sub {
        my $path = $File::Find::name;
        return if $path eq $dir;
        (my $rel = substr($path, length($dir) + 1)) =~ s/\(\d+\)\.tmp/(N).tmp/g;
        my @st = lstat $path;
        my $mtime = $st[9] < 1_500_000_000 ? $st[9] : 'recent';
        if (-l _) {
            $snap{$rel} = 'link -> ' . readlink($path);
        } elsif (-d _) {
            $snap{$rel} = sprintf 'dir %04o', $st[2] & 07777;
        } else {
            open my $fh, '<', $path or die "snapshot $path: $!";
            binmode $fh;
            my $md5 = Digest::MD5->new->addfile($fh)->hexdigest;
            $snap{$rel} = sprintf 'file %d %04o %s %s', $st[7], $st[2] & 07777, $md5, $mtime;
        }
    } }, $dir);
    return \%snap;
}

sub normalise {
    my ($s) = @_;
    return $s unless defined $s;
    $s =~ s/\(\d+\)\.tmp/(N).tmp/g;
    $s =~ s{ at \S*/Net/SFTP/Foreign(?:/\w+)?\.pm line \d+\.}{ at Net/SFTP/Foreign.pm line N.}g;
    $s =~ s/\((0x[0-9a-f]+)\)/(0xADDR)/g;
    return $s;
}

# The fixed places of one comparison: a local working directory and a remote directory.
sub _places {
    my ($name) = @_;
    $SEQ++;
    my $tag = "$name-$$-$SEQ";
    $tag =~ s/[^\w.-]/_/g;
    my $local = File::Temp::tempdir("cbt-sftp-XXXXXX", TMPDIR => 1, CLEANUP => !$ENV{CPAN_BRIDGE_TEST_KEEP});
    my $remote = "$ENV{CPAN_BRIDGE_TEST_SSH_DIR}/t-$tag";
    return ($local, $remote);
}

sub _reset {
    my ($local, $remote, $case) = @_;
    for my $d ("$local/work", $remote) {
        File::Path::remove_tree($d) if -e $d;
    }
    File::Path::make_path("$local/work");
    mkdir $remote or die "mkdir $remote: $!";
    chmod 0755, $remote;
    seed("$local/work", $case->{local});
    seed($remote, $case->{remote}, owner => [remote_owner()]);
    chown remote_owner(), $remote;
    File::Copy::copy("$SCRIPTS/$case->{script}", "$local/work/job.pl") or die "copy $case->{script}: $!";
    File::Copy::copy("$SCRIPTS/sftp_test_lib.pl", "$local/work/sftp_test_lib.pl") or die "copy lib: $!";
    return;
}

# Runs one side of a case. Returns {status, out, err, local, remote, secs}.
sub run_side {
    my ($impl, $case, $places) = @_;
    my ($local, $remote) = @$places;
    _reset($local, $remote, $case);
    ($CURRENT_LOCAL, $CURRENT_REMOTE) = ($local, $remote);
    my %env = ($impl eq 'native' ? _native_env() : _bridged_env(),
               SFTP_T_REMOTE => $remote, SFTP_T_IMPL => $impl, %{ $case->{env} || {} });
    my $t0 = Time::HiRes::time();
    my ($st, $out, $err) = _run_in("$local/work", [$^X, 'job.pl', @{ $case->{args} || [] }], \%env,
                                   $case->{timeout} || 300, $case->{during});
    my $secs = Time::HiRes::time() - $t0;
    unlink "$local/work/job.pl", "$local/work/sftp_test_lib.pl";
    return { status => $st, out => normalise($out), err => normalise($err), secs => $secs,
             local => snapshot("$local/work"), remote => snapshot($remote) };
}

# run_cmd in a working directory, with an optional $during->($pid) run while the script runs.
sub _run_in {
    my ($dir, $cmd, $env, $timeout, $during) = @_;
    return run_cmd($cmd, dir => $dir, env => $env, timeout => $timeout, during => $during);
}

# One test per aspect: both sides agree on stdout, stderr, exit status, local and remote files.
sub same_side {
    my ($b, $n, $name, %o) = @_;
    is($b->{out}, $n->{out}, "$name: stdout");
    is($b->{err}, $n->{err}, "$name: stderr") unless $o{skip_stderr};
    is($b->{status}, $n->{status}, "$name: exit status");
    my ($bl, $nl, $br, $nr) = ($b->{local}, $n->{local}, $b->{remote}, $n->{remote});
    if ($o{names_only}) {
        # what is there, not how far an interrupted transfer got
        ($bl, $nl, $br, $nr) = map { my $h = $_; +{ map { ($_ => ($h->{$_} =~ /^(\w+)/)[0]) } keys %$h } } $bl, $nl, $br, $nr;
    }
    is_deeply($bl, $nl, "$name: local files") or diag(explain({ bridged => $bl, native => $nl }));
    is_deeply($br, $nr, "$name: remote files") or diag(explain({ bridged => $br, native => $nr }));
    return;
}

my $BRIDGE;
sub _bridge_ok {
    return @$BRIDGE if $BRIDGE;
    my ($st, $out, $err) = run_cmd([$BIN, 'manifest'], timeout => 600);
    if ($out !~ /^sftp\b/m) {
        $BRIDGE = [0, "the daemon has no sftp module yet (cpanbridge manifest, status $st)"];
    } else {
        start_daemon();
        $BRIDGE = [1];
    }
    return @$BRIDGE;
}

# Runs a case both ways and compares. A case: {name, script, args, local => {seed}, remote =>
# {seed}, env, timeout, during}. Returns (bridged, native) for extra checks.
sub sftp_diff {
    my ($case) = @_;
    my $places = [ _places($case->{name}) ];
    my $n = run_side('native', $case, $places);
    diag("native $case->{name}: exit $n->{status}, stdout:\n$n->{out}stderr: $n->{err}") if $ENV{SFTP_DIFF_VERBOSE};
    my ($ok, $why) = _bridge_ok();
    my $b;
    SKIP: {
        skip("$case->{name} bridged: $why", 5) unless $ok;
        $b = run_side('bridge', $case, $places);
        same_side($b, $n, $case->{name}, %{ $case->{compare} || {} });
    }
    File::Path::remove_tree($places->[1]) unless $ENV{CPAN_BRIDGE_TEST_KEEP};
    return ($b, $n);
}

# Kills the sftp-server of the session whose ssh connects from $source (a 127.x.y.z address the
# script binds with -o BindAddress): that is the server side of exactly one session.
sub kill_session_server {
    my ($source, $sig) = @_;
    $sig ||= 'KILL';
    my @killed;
    opendir(my $dh, '/proc') or return;
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        my $cmd = slurp("/proc/$pid/cmdline");
        next unless defined $cmd && $cmd =~ /sftp-server|internal-sftp|sshd:/;
        my $env = slurp("/proc/$pid/environ");
        next unless defined $env && $env =~ /(?:^|\0)SSH_CONNECTION=\Q$source\E /;
        push @killed, $pid if kill $sig, $pid;
    }
    return @killed;
}

1;
