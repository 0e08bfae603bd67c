package BridgeTest;

# Helpers for the Perl tests: every test file gets its own socket directory (so tests can run in
# parallel and never meet a user's real daemon), and every daemon a test starts is killed in END
# -- found through the bridge.pid file beside each socket, so auto-started daemons are caught too.

use strict;
use warnings;

use Cwd ();
use File::Basename ();
use File::Path ();
use File::Spec ();
use File::Temp ();
use IO::Socket::UNIX ();
use JSON::PP ();
use POSIX ();
use Socket ();
use Time::HiRes ();

use Exporter 'import';
our @EXPORT = qw(
    $ROOT $BIN $SOCKET
    new_socket_dir base_of daemon_pid pid_alive wait_gone wait_for
    start_daemon spawn_daemon stop_daemon can_connect raw_connect raw_request
    run_perl run_cmd daemon_processes slurp fork_child child_result
);

our $ROOT = Cwd::abs_path(File::Spec->catdir(File::Basename::dirname(Cwd::abs_path(__FILE__)),
                                             File::Spec->updir, File::Spec->updir));
our $BIN = "$ROOT/bin/cpanbridge";
our $SOCKET;

# Without the lockdown (e.g. `prove -It/lib` to try the XS JSON backends) our dirs are not on
# @INC yet.
for my $dir ("$ROOT/perl/compat", "$ROOT/perl/lib") {
    unshift @INC, $dir unless grep { !ref && $_ eq $dir } @INC;
}

my $OWNER = $$;
my @DIRS;
my %SPAWNED;
my $JSON = JSON::PP->new->utf8->canonical;

# Socket paths must stay under 108 bytes, so the directories are short and live in /tmp.
# Runs $code in a forked child, which sends the hash it returns back through a pipe. Returns
# ($pid, $reader) at once, so the parent can act while the child works; child_result collects.
# A normal exit runs END blocks, CPANBridge's included; hard_exit => 1 skips them.
sub fork_child {
    my ($code, %opt) = @_;
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        close $r;
        my $res = eval { $code->() } || { died => "$@" };
        print {$w} $JSON->encode($res);
        close $w;
        $opt{hard_exit} ? POSIX::_exit(0) : exit 0;
    }
    close $w;
    return ($pid, $r);
}

# Waits for a fork_child and returns (its hash, its wait status).
sub child_result {
    my ($pid, $r) = @_;
    my $out = do { local $/; <$r> };
    waitpid($pid, 0);
    my $status = $?;
    return ($JSON->decode($out || '{}'), $status);
}

sub new_socket_dir {
    my $dir = File::Temp::tempdir('cbt-XXXXXX', DIR => '/tmp', CLEANUP => 0);
    chmod 0700, $dir;
    push @DIRS, $dir;
    return "$dir/bridge.sock";
}

sub base_of {
    my ($sock) = @_;
    $sock = $SOCKET unless defined $sock;
    (my $base = $sock) =~ s/\.sock\z//;
    return $base;
}

sub slurp {
    my ($file) = @_;
    open(my $fh, '<', $file) or return undef;
    local $/;
    my $s = <$fh>;
    return defined $s ? $s : '';
}

sub daemon_pid {
    my ($sock) = @_;
    my $s = slurp(base_of($sock) . '.pid');
    return undef unless defined $s && $s =~ /([0-9]+)/;
    return $1 + 0;
}

sub pid_alive {
    my ($pid) = @_;
    return 0 unless $pid;
    if ($SPAWNED{$pid}) {
        my $r = waitpid($pid, POSIX::WNOHANG());
        if ($r == $pid) {
            $SPAWNED{$pid} = { status => $? };
            return 0;
        }
        return 0 if ref $SPAWNED{$pid};
    }
    return 0 unless kill 0, $pid;
    my $stat = slurp("/proc/$pid/stat");
    return 1 unless defined $stat && $stat =~ /^\d+ \(.*\) [ZX] /s;
    # The main thread is a zombie. In a multi-threaded process (the .NET daemon) the other
    # threads may still be exiting, and the descriptors (socket, pid-file lock) close only with
    # the last of them: it is gone only when no thread is left running.
    opendir(my $dh, "/proc/$pid/task") or return 0;
    for my $tid (grep { /^\d+$/ } readdir $dh) {
        my $ts = slurp("/proc/$pid/task/$tid/stat");
        return 1 if defined $ts && $ts !~ /^\d+ \(.*\) [ZX] /s;
    }
    return 0;
}

# Exit status of a daemon started with spawn_daemon, once reaped.
sub spawned_status {
    my ($pid) = @_;
    pid_alive($pid);
    return ref $SPAWNED{$pid} ? $SPAWNED{$pid}{status} : undef;
}

sub wait_gone {
    my ($pid, $secs) = @_;
    my $until = Time::HiRes::time() + (defined $secs ? $secs : 10);
    while (pid_alive($pid)) {
        return 0 if Time::HiRes::time() >= $until;
        Time::HiRes::sleep(0.02);
    }
    return 1;
}

sub wait_for(&;$) {
    my ($cond, $secs) = @_;
    my $until = Time::HiRes::time() + (defined $secs ? $secs : 10);
    while (1) {
        my $v = $cond->();
        return $v if $v;
        return $v if Time::HiRes::time() >= $until;
        Time::HiRes::sleep(0.02);
    }
}

sub can_connect {
    my ($sock) = @_;
    my $s = IO::Socket::UNIX->new(Type => Socket::SOCK_STREAM(), Peer => (defined $sock ? $sock : $SOCKET));
    return $s ? 1 : 0;
}

sub raw_connect {
    my ($sock) = @_;
    return IO::Socket::UNIX->new(Type => Socket::SOCK_STREAM(), Peer => (defined $sock ? $sock : $SOCKET));
}

# One request on a fresh connection, without CPANBridge.pm. Returns the decoded response.
sub raw_request {
    my ($req, $sock) = @_;
    my $s = raw_connect($sock) or return undef;
    print {$s} (ref $req ? $JSON->encode($req) : $req), "\n";
    $s->flush;
    my $line = <$s>;
    return undef unless defined $line;
    return eval { $JSON->decode($line) };
}

# Runs a command; returns ($exit_status, $stdout, $stderr). Options: env (undef values delete),
# stdin_file, timeout (s, default 60; then KILL and status -1), dir (its working directory),
# during (a code ref called with the child's pid while it runs, e.g. to kill a server mid-way).
sub run_cmd {
    my ($args, %opt) = @_;
    my $dir = File::Temp::tempdir('cbt-run-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        if (defined $opt{dir}) { chdir $opt{dir} or POSIX::_exit(126) }
        local %ENV = (%ENV, %{ $opt{env} || {} });
        delete $ENV{$_} for grep { !defined $ENV{$_} } keys %ENV;
        open(STDIN, '<', defined $opt{stdin_file} ? $opt{stdin_file} : '/dev/null');
        open(STDOUT, '>', "$dir/out");
        open(STDERR, '>', "$dir/err");
        my @cmd = ref $args ? @$args : ($args);
        { exec { $cmd[0] } @cmd; }
        POSIX::_exit(127);
    }
    $opt{during}->($pid) if $opt{during};
    my $until = Time::HiRes::time() + ($opt{timeout} || 60);
    my $status;
    while (1) {
        my $r = waitpid($pid, POSIX::WNOHANG());
        if ($r == $pid) { $status = $?; last }
        if (Time::HiRes::time() >= $until) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            $status = -1;
            last;
        }
        Time::HiRes::sleep(0.01);
    }
    my @r = ($status, slurp("$dir/out"), slurp("$dir/err"));
    File::Path::remove_tree($dir);
    return @r;
}

# Runs a Perl snippet in a new perl (locked down like us through PERL5OPT) with CPANBridge on
# @INC. Returns ($exit_status, $stdout, $stderr).
sub run_perl {
    my ($code, %opt) = @_;
    # Removed here rather than by File::Temp at exit: forked test children end with _exit.
    my ($fh, $file) = File::Temp::tempfile('cbt-XXXXXX', SUFFIX => '.pl', TMPDIR => 1, UNLINK => 0);
    print {$fh} $code;
    close $fh;
    my @r = run_cmd([$^X, "-I$ROOT/perl/lib", @{ $opt{perl_args} || [] }, $file], %opt);
    unlink $file;
    return @r;
}

# Starts a detached daemon on $sock (the test's socket by default) as a script would.
sub start_daemon {
    my (%opt) = @_;
    my $sock = $opt{socket} || $SOCKET;
    my ($st, $out, $err) = run_cmd([$BIN, 'daemon', '--detach', '--socket', $sock, @{ $opt{args} || [] }],
                                   env => $opt{env});
    die "cpanbridge daemon --detach failed ($st): $out$err" if $st != 0;
    return daemon_pid($sock);
}

# Runs a daemon in the foreground as our child (so its exit status can be checked); returns its
# pid once it accepts connections.
sub spawn_daemon {
    my (%opt) = @_;
    my $sock = $opt{socket} || $SOCKET;
    my $log = base_of($sock) . '.foreground.out';
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        local %ENV = (%ENV, %{ $opt{env} || {} });
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>>', $log);
        open(STDERR, '>&', \*STDOUT);
        { exec { $BIN } $BIN, 'daemon', '--socket', $sock, @{ $opt{args} || [] }; }
        POSIX::_exit(127);
    }
    $SPAWNED{$pid} = 1;
    my $ok = wait_for { !pid_alive($pid) || (can_connect($sock) && daemon_pid($sock)) } 30;
    die "daemon did not come up on $sock: " . (slurp($log) || '') unless pid_alive($pid) && can_connect($sock);
    return $pid;
}

sub stop_daemon {
    my ($sock) = @_;
    my $pid = daemon_pid($sock) or return 1;
    kill 'TERM', $pid;
    return wait_gone($pid, 10);
}

# Pids of processes running `cpanbridge daemon` for $sock.
sub daemon_processes {
    my ($sock) = @_;
    $sock = $SOCKET unless defined $sock;
    my @pids;
    opendir(my $dh, '/proc') or return;
    for my $pid (grep { /^[0-9]+$/ } readdir $dh) {
        my $cmd = slurp("/proc/$pid/cmdline");
        next unless defined $cmd && $cmd ne '';
        my @argv = split /\0/, $cmd;
        next unless grep { $_ eq 'daemon' } @argv;
        next unless grep { /cpanbridge/ } @argv[0 .. ($#argv < 1 ? $#argv : 1)];
        next unless grep { $_ eq $sock } @argv;
        next unless pid_alive($pid);
        push @pids, $pid + 0;
    }
    return sort { $a <=> $b } @pids;
}

sub _cleanup {
    return unless $$ == $OWNER;
    my @victims;
    for my $dir (@DIRS) {
        my $pid = daemon_pid("$dir/bridge.sock");
        push @victims, $pid if $pid && pid_alive($pid);
        push @victims, grep { pid_alive($_) } daemon_processes("$dir/bridge.sock");
    }
    push @victims, grep { !ref $SPAWNED{$_} && pid_alive($_) } keys %SPAWNED;
    my %seen;
    @victims = grep { !$seen{$_}++ } @victims;
    kill 'TERM', @victims if @victims;
    for my $pid (@victims) {
        next if wait_gone($pid, 5);
        kill 'KILL', $pid;
        wait_gone($pid, 5);
    }
    unless ($ENV{CPAN_BRIDGE_TEST_KEEP}) {
        File::Path::remove_tree($_) for @DIRS;
    }
}

END {
    local ($?, $!, $@);
    _cleanup();
}

# On load: the test's own socket, and the executable built once before anything races to use it.
$SOCKET = $ENV{CPAN_BRIDGE_SOCKET} = new_socket_dir();
delete $ENV{$_} for qw(CPAN_BRIDGE_MODE CPAN_BRIDGE_DAEMON CPAN_BRIDGE_FALLBACK CPAN_BRIDGE_TIMEOUT
                        CPAN_BRIDGE_DEBUG CPAN_BRIDGE_BIN CPAN_BRIDGE_JSON XDG_RUNTIME_DIR);
{
    my ($st, $out, $err) = run_cmd([$BIN, '--version'], timeout => 600);
    warn "# $BIN --version failed ($st): $out$err" if $st != 0;
}

1;
