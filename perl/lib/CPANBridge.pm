package CPANBridge;

# Client of the CPAN Bridge daemon. Core Perl only (5.16+): this file must load on hosts where
# nothing from CPAN is installed, which is the whole reason the product exists.

use strict;
use warnings;

use CPANBridge::Transport;
use Errno qw(ENOENT ECONNREFUSED EEXIST);
use Fcntl qw(:flock O_RDWR O_CREAT);
use File::Basename ();
use File::Spec ();
use POSIX ();
use Time::HiRes ();

our $VERSION = '0.1.0';

use constant PROTOCOL => 1;

# The earlier generation's switches; scripts assign them before calling new().
our $DAEMON_MODE = _env_false('CPAN_BRIDGE_DAEMON') ? 0 : 1;
our $DEBUG_LEVEL = _env_int('CPAN_BRIDGE_DEBUG', 0);

our $JSON_BACKEND;
my $JSON;

# Where the executable sits when this file is PREFIX/perl/lib/CPANBridge.pm (checkout or
# install). Resolved now: the script may chdir before its first call.
my $DEFAULT_BIN = do {
    my $bindir = File::Spec->rel2abs(File::Spec->catdir(File::Basename::dirname(__FILE__),
                                                         File::Spec->updir, File::Spec->updir, 'bin'));
    require Cwd;
    File::Spec->catfile(Cwd::abs_path($bindir) || $bindir, 'cpanbridge');
};

# One connection per process and per (mode, socket), shared by every CPANBridge object:
# scripts create bridges freely (often one per helper object) and must not pay a connect,
# nor lose their daemon-side state, for each.
my %SESSIONS;

my %WARNED;

_select_json_backend();

sub _env_false {
    my ($name) = @_;
    my $v = $ENV{$name};
    return defined $v && $v =~ /\A\s*(?:0|no|false|off)\s*\z/i;
}

sub _env_int {
    my ($name, $default) = @_;
    my $v = $ENV{$name};
    return $default unless defined $v && $v =~ /\A\s*([0-9]+)\s*\z/;
    return $1 + 0;
}

sub _env_num {
    my ($name, $default) = @_;
    my $v = $ENV{$name};
    return $default unless defined $v && $v =~ /\A\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*\z/;
    return $1 + 0;
}

sub _select_json_backend {
    my @candidates = qw(Cpanel::JSON::XS JSON::XS JSON::PP);
    my $forced = $ENV{CPAN_BRIDGE_JSON};
    if (defined $forced && $forced ne '') {
        if (grep { $_ eq $forced } @candidates) {
            @candidates = ($forced, grep { $_ ne $forced } @candidates);
        }
        else {
            warn "CPANBridge: CPAN_BRIDGE_JSON=$forced is not one of @candidates; ignored\n";
            $forced = undef;
        }
    }
    for my $module (@candidates) {
        (my $file = "$module.pm") =~ s{::}{/}g;
        next unless eval { require $file; 1 };
        $JSON_BACKEND = $module;
        last;
    }
    if (defined $forced && $JSON_BACKEND ne $forced) {
        warn "CPANBridge: CPAN_BRIDGE_JSON=$forced is not installed; using $JSON_BACKEND\n";
    }
    # utf8: the wire is UTF-8 and one Perl character is one JSON character (code points
    # 128-255 of a byte string become two UTF-8 bytes and come back as the same code point).
    # Not canonical: sorting keys costs time and the daemon does not care about order.
    $JSON = $JSON_BACKEND->new->utf8->allow_nonref;
}

sub _croak {
    require Carp;
    local $Carp::CarpLevel = 0;
    Carp::croak(@_);
}

# ---------------------------------------------------------------------------------------------
# Construction and configuration

my %MODES = (daemon => 1, private => 1, process => 1);

sub new {
    my $class = shift;
    _croak('Usage: CPANBridge->new(mode => ..., socket => ..., debug => ..., timeout => ..., bin => ...)')
        if @_ % 2;
    my %opts = @_;
    my $self = bless {}, ref($class) || $class;

    my $mode = $opts{mode};
    if (defined $mode) {
        _croak("CPANBridge->new: unknown mode '$mode' (daemon, private or process)")
            unless $MODES{$mode};
    }
    elsif (defined $ENV{CPAN_BRIDGE_MODE} && $ENV{CPAN_BRIDGE_MODE} ne '') {
        $mode = lc $ENV{CPAN_BRIDGE_MODE};
        unless ($MODES{$mode}) {
            _warn_once("mode:$mode",
                       "CPANBridge: CPAN_BRIDGE_MODE=$ENV{CPAN_BRIDGE_MODE} is not daemon, private or process; using daemon");
            $mode = 'daemon';
        }
    }
    else {
        # CPAN_BRIDGE_DAEMON=0 is the operators' emergency switch and wins over a script's
        # own `$CPANBridge::DAEMON_MODE = 1`.
        $mode = (!$DAEMON_MODE || _env_false('CPAN_BRIDGE_DAEMON')) ? 'process' : 'daemon';
    }
    $self->{mode} = $mode;

    $self->{socket} = defined $opts{socket} && $opts{socket} ne '' ? $opts{socket} : _default_socket();
    # The environment is read here, not only at load: scripts set $ENV{CPAN_BRIDGE_DEBUG} after
    # `use CPANBridge` (the user guide does).
    $self->{debug}  = $opts{debug} || _env_int('CPAN_BRIDGE_DEBUG', 0) ? 1 : 0;
    $self->{bin}    = $opts{bin};
    $self->{timeout} = defined $opts{timeout} ? $opts{timeout} + 0 : _env_num('CPAN_BRIDGE_TIMEOUT', 0);
    $self->{connect_timeout} = _env_num('CPAN_BRIDGE_DAEMON_TIMEOUT', 5) || 5;
    $self->{startup_timeout} = _env_num('CPAN_BRIDGE_STARTUP_TIMEOUT', 15) || 15;
    $self->{fallback} = defined $opts{fallback} ? ($opts{fallback} ? 1 : 0)
                      : _env_false('CPAN_BRIDGE_FALLBACK') ? 0 : 1;
    $self->{key} = $mode eq 'process' ? 'process' : "$mode\0$self->{socket}";
    return $self;
}

sub _default_socket {
    return $ENV{CPAN_BRIDGE_SOCKET}
        if defined $ENV{CPAN_BRIDGE_SOCKET} && $ENV{CPAN_BRIDGE_SOCKET} ne '';
    return "$ENV{XDG_RUNTIME_DIR}/cpanbridge/bridge.sock"
        if defined $ENV{XDG_RUNTIME_DIR} && $ENV{XDG_RUNTIME_DIR} ne '';
    return "/tmp/cpanbridge-$</bridge.sock";
}

sub _bin {
    my ($self) = @_;
    return $self->{bin} if defined $self->{bin} && $self->{bin} ne '';
    return $ENV{CPAN_BRIDGE_BIN} if defined $ENV{CPAN_BRIDGE_BIN} && $ENV{CPAN_BRIDGE_BIN} ne '';
    return $DEFAULT_BIN if -f $DEFAULT_BIN && -x _;
    for my $dir (File::Spec->path) {
        my $f = File::Spec->catfile($dir eq '' ? '.' : $dir, 'cpanbridge');
        return $f if -f $f && -x _;
    }
    return undef;
}

sub _debug {
    my ($self) = @_;
    return $self->{debug} || $DEBUG_LEVEL;
}

sub _warn_once {
    my ($key, $msg) = @_;
    return if $WARNED{$key}++;
    warn "$msg\n";
}

sub _trace {
    my ($self, $msg) = @_;
    return unless $self->_debug;
    my $t = sprintf '%.6f', Time::HiRes::time();
    print STDERR "CPANBridge[$$ $t] $msg\n";
}

# Secrets must not reach a log line, not even a debug trace the operator asked for.
my $SECRET_KEY = qr/pass(?:word|wd|phrase)?|secret|token|credential|private|\Akey\z|_key\z|\Akey_|\Apwd\z|\Aauth/i;

sub _redact {
    my ($v, $depth) = @_;
    return $v if ($depth || 0) > 32;
    if (ref $v eq 'HASH') {
        my %c;
        for my $k (keys %$v) {
            $c{$k} = $k =~ $SECRET_KEY && defined $v->{$k} && !ref $v->{$k} ? '***' : _redact($v->{$k}, ($depth || 0) + 1);
        }
        return \%c;
    }
    return [ map { _redact($_, ($depth || 0) + 1) } @$v ] if ref $v eq 'ARRAY';
    return $v;
}

sub _clip {
    my ($s, $max) = @_;
    $max ||= 2000;
    return length($s) > $max ? substr($s, 0, $max) . '...(' . length($s) . ' bytes)' : $s;
}

# ---------------------------------------------------------------------------------------------
# Envelopes

sub _fail {
    my ($code, $error, $data) = @_;
    my %r = (success => 0, error => $error, code => $code);
    $r{data} = $data if defined $data;
    return \%r;
}

sub _envelope {
    my ($obj, $att) = @_;
    my %r;
    if ($obj->{success}) {
        %r = (success => 1, result => $obj->{result});
    }
    else {
        %r = (success => 0,
              error   => defined $obj->{error} ? $obj->{error} : 'the daemon reported a failure without a message',
              code    => defined $obj->{code} ? $obj->{code} : 'E_INTERNAL');
        $r{data} = $obj->{data} if defined $obj->{data};
    }
    $r{attachment} = $att if defined $att;
    return \%r;
}

sub _lost {
    my ($conn, $entry) = @_;
    my $peer = $conn && $conn->{mode} eq 'private' ? 'private cpanbridge serve-stdio process' : 'cpanbridge daemon';
    # Only protocol trouble is worth a remark; a dead peer is a dead peer (EOF or reset alike).
    my $why = $conn && $conn->{lost_reason} ? " ($conn->{lost_reason})" : '';
    return _fail('E_LOST', "connection to $peer lost while $entry->{module}.$entry->{function} was in flight$why; "
                 . "it may or may not have run and was not retried");
}

sub _timeout_env {
    my ($self, $entry) = @_;
    return _fail('E_TIMEOUT', "no response from cpanbridge within $self->{timeout} s for "
                 . "$entry->{module}.$entry->{function}; the connection was dropped (the request may still run)");
}

# ---------------------------------------------------------------------------------------------
# Sessions and connections

sub _session {
    my ($self) = @_;
    my $s = $SESSIONS{ $self->{key} };
    if ($s && $s->{pid} != $$) {
        # Inherited over fork. The parent still talks on that socket; writing or shutting it
        # down here would corrupt its conversation, and its handles are not ours anyway.
        $s->{conn}->abandon if $s->{conn};
        $s = undef;
    }
    # The session keeps its own copy of the settings so that END can still settle it.
    return $s ||= $SESSIONS{ $self->{key} } = { pid => $$, conn => undef, error => undef, resend => [],
                                                cfg => bless({ %$self }, ref $self) };
}

# Returns ($conn) or (undef, $error_message, $failure_envelope_from_the_daemon_if_any).
sub _ensure_conn {
    my ($self, $s) = @_;
    my $conn = $s->{conn};
    if ($conn) {
        return $conn unless ($conn->{eof} && !@{ $conn->{pending} }) || $conn->{partial};
        # The peer went away while we were idle (nothing was in flight, so reconnecting is safe),
        # or a write was cut short by an exception and the stream is no longer framed.
        $self->_drop($s);
    }
    my ($err, $refusal);
    if ($self->{mode} eq 'private') {
        ($conn, $err) = $self->_open_private;
    }
    else {
        ($conn, $err, $refusal) = $self->_open_daemon;
        # A daemon that answers "no" (E_REFUSED, E_LIMIT) has spoken: the script hears that,
        # instead of quietly getting a private coprocess with different rules.
        if (!$conn && !$refusal && $self->{fallback}) {
            my ($pconn, $perr) = $self->_open_private;
            if ($pconn) {
                $conn = $pconn;
                _warn_once("fallback:$self->{socket}",
                           "CPANBridge: daemon unavailable ($err); using private mode for this process")
                    if $self->_debug;
            }
            else {
                $err .= "; private mode fallback failed too: $perr";
            }
        }
    }
    return (undef, $err, $refusal) unless $conn;
    $self->_trace("connected ($conn->{mode}" . ($conn->{path} ? " $conn->{path}" : " pid $conn->{pid}")
                  . ", connection " . ($conn->{hello}{connection_id} // '?') . ')')
        if $self->_debug;
    return $s->{conn} = $conn;
}

# Connects (starting a daemon if needed) and says hello before any real request goes out. The
# hello proves a live daemon accepted the connection: right after a daemon dies, a connect can
# still land in its dying listener's queue and be reset a moment later -- with a real request
# in it, we could not tell whether it ran. A lost hello is simply tried again.
sub _open_daemon {
    my ($self) = @_;
    my $last = 'no attempt';
    for my $try (1 .. 5) {
        my ($conn, $err) = $self->_connect_daemon;
        return (undef, $err) unless $conn;
        my ($ok, $why, $refusal) = $self->_hello($conn);
        return $conn if $ok;
        $conn->close(0);
        return (undef, $why, $refusal) if $refusal;
        $last = $why;
        Time::HiRes::sleep(0.02 * $try);
    }
    return (undef, "the daemon at $self->{socket} keeps closing new connections ($last)");
}

sub _open_private {
    my ($self) = @_;
    my ($conn, $err) = $self->_spawn_private;
    return (undef, $err) unless $conn;
    my ($ok, $why, $refusal) = $self->_hello($conn);
    return $conn if $ok;
    $conn->close(0);
    return (undef, "cpanbridge serve-stdio did not answer: $why");
}

# Returns (1) when the peer answered, else (0, $reason, $failure_envelope_if_it_refused_us).
sub _hello {
    my ($self, $conn) = @_;
    my $id = $conn->{next_id}++;
    my $line = '{"id":' . $id . ',"module":"bridge","function":"hello","params":{"client":"CPANBridge.pm/'
             . $VERSION . '","protocol":' . PROTOCOL . "}}\n";
    $self->_trace("-> [$id] bridge.hello");
    my $deadline = Time::HiRes::time() + ($self->{connect_timeout} > $self->{timeout} ? $self->{connect_timeout} : $self->{timeout});
    my ($written, $status) = $conn->write_all(\$line, $deadline);
    # Even when the write failed, the peer may have left a last word (E_REFUSED) to read.
    while (1) {
        my ($obj, $att, $raw) = eval { $conn->next_frame($JSON) };
        return (0, "unreadable hello response: $@") if $@;
        if ($obj) {
            $self->_trace('<- ' . _clip($raw));
            if ($obj->{success}) {
                $conn->{hello} = ref $obj->{result} eq 'HASH' ? $obj->{result} : {};
                return 1;
            }
            my $env = _envelope($obj, $att);
            return (0, "$env->{code}: $env->{error}") if $env->{code} eq 'E_SHUTTING_DOWN';
            return (0, "$env->{code}: $env->{error}", $env)
                unless $env->{code} =~ /\AE_UNKNOWN_(?:MODULE|FUNCTION)\z/;
            $conn->{hello} = {};    # a daemon without bridge.hello still serves us
            return 1;
        }
        my $st = $conn->fill($deadline);
        next if $st > 0;
        return (0, $st < 0 ? 'no answer to bridge.hello within ' . int($deadline - Time::HiRes::time() + 0.5) . ' s'
                           : 'connection closed before bridge.hello was answered'
                             . ($conn->{read_error} ? " ($conn->{read_error})" : ''));
    }
}

# Closes the session's connection. Requests still pending can no longer be answered: pipelined
# ones become the session's first error; a synchronous caller builds its own envelope.
sub _drop {
    my ($self, $s, $record_as) = @_;
    my $conn = delete $s->{conn} or return;
    for my $entry (@{ $conn->{pending} }) {
        next if $entry->{sync};
        $s->{error} ||= $self->_pipelined_record($entry,
                          $record_as ? $record_as->($entry) : _lost($conn, $entry));
    }
    @{ $conn->{pending} } = ();
    my $private_alive = $conn->{kind} eq 'pipe' && !$conn->{eof};
    $conn->close($private_alive ? 0 : 1);
}

sub _check_socket_dir {
    my ($dir) = @_;
    unless (-e $dir) {
        my @missing;
        my $d = $dir;
        while (!-e $d) {
            unshift @missing, $d;
            my $up = File::Basename::dirname($d);
            last if $up eq $d;
            $d = $up;
        }
        for my $m (@missing) {
            next if mkdir($m, 0700) || $! == EEXIST;
            return "cannot create the socket directory $m: $!";
        }
    }
    my @st = stat $dir;
    return "cannot use the socket directory $dir: $!" unless @st;
    return "cannot use the socket directory $dir: not a directory" unless -d _;
    # Another user who owns the directory could have put a fake daemon there and would read
    # every password the script sends. Root is the exception: it could do that anyway, and a
    # shared daemon (CPAN_BRIDGE_SOCKET_MODE, CPAN_BRIDGE_ALLOWED_UIDS) lives in a root-owned
    # directory -- provided nobody else may write to it.
    return undef if $st[4] == $<;
    return undef if $st[4] == 0 && !($st[2] & 022);
    return "the socket directory $dir is owned by uid $st[4], not by you (uid $<); refusing to use it";
}

sub _connect_daemon {
    my ($self) = @_;
    my $path = $self->{socket};
    my $err = _check_socket_dir(File::Basename::dirname($path));
    return (undef, $err) if $err;
    my ($conn, $errno, $msg) = $self->_dial;
    return $conn if $conn;
    return (undef, $msg) unless _nobody_listens($errno);
    return $self->_autostart;
}

# One connect attempt to the daemon's socket: ($conn) or (undef, $errno, $message).
sub _dial {
    my ($self) = @_;
    my ($conn, $errno, $msg) = CPANBridge::Transport->connect_unix($self->{socket}, $self->{connect_timeout});
    return (undef, $errno, $msg) unless $conn;
    $conn->{mode} = 'daemon';
    return $conn;
}

# No socket file, or one nobody listens on: the cases in which starting a daemon helps.
sub _nobody_listens { return $_[0] == ENOENT || $_[0] == ECONNREFUSED }

sub _autostart {
    my ($self) = @_;
    my $path = $self->{socket};
    (my $base = $path) =~ s/\.sock\z//;
    my $lockfile = "$base.start.lock";
    my $lock;
    sysopen($lock, $lockfile, O_RDWR | O_CREAT, 0600)
        or return (undef, "cannot open the start lock $lockfile: $!");

    # Fifty jobs starting at once: one holds the lock and starts the daemon, the others wait
    # here and then find it listening.
    my $wait_until = Time::HiRes::time() + $self->{startup_timeout} + $self->{connect_timeout};
    until (flock($lock, LOCK_EX | LOCK_NB)) {
        if (Time::HiRes::time() >= $wait_until) {
            return (undef, "timed out waiting for $lockfile (another process is starting the daemon)");
        }
        Time::HiRes::sleep(0.01);
    }

    my ($conn, $errno, $msg) = $self->_dial;
    return $conn if $conn;      # the lock is released when $lock goes out of scope
    return (undef, $msg) unless _nobody_listens($errno);

    my $bin = $self->_bin;
    return (undef, "no daemon at $path and cannot find the cpanbridge executable to start one "
            . "(set CPAN_BRIDGE_BIN)") unless defined $bin;
    $self->_trace("no daemon at $path; starting $bin daemon --detach");

    my $deadline = Time::HiRes::time() + $self->{startup_timeout};
    my $starts = 0;
    my $need_start = 1;
    while (1) {
        if ($need_start) {
            # `--detach` returns once the socket accepts, or says "already running".
            my ($ok, $out, $status) = _run_command($bin, $deadline, 'daemon', '--detach', '--socket', $path);
            $starts++;
            $need_start = 0;
            unless ($ok) {
                $out =~ s/\s+\z//;
                return (undef, "could not start the daemon ($bin daemon --detach "
                        . _describe_status($status) . ')' . ($out ne '' ? ": $out" : ''));
            }
        }
        ($conn, $errno, $msg) = $self->_dial;
        return $conn if $conn;
        if (Time::HiRes::time() >= $deadline) {
            return (undef, "started the daemon but could not connect within $self->{startup_timeout} s: $msg");
        }
        # "Already running" yet not accepting: the old daemon is still stopping (finishing
        # in-flight requests). Its lock on the pid file goes when it exits; start again then.
        $need_start = 1 if $starts < 10 && _pid_lock_free("$base.pid");
        Time::HiRes::sleep(0.02);
    }
}

sub _pid_lock_free {
    my ($pidfile) = @_;
    my $fh;
    return 1 unless open($fh, '<', $pidfile);
    my $free = flock($fh, LOCK_EX | LOCK_NB) ? 1 : 0;
    CORE::close($fh);    # also releases the lock if we got it
    return $free;
}

sub _describe_status {
    my ($status) = @_;
    return 'timed out' unless defined $status;
    return 'killed by signal ' . ($status & 127) if $status & 127;
    return 'exited with status ' . ($status >> 8);
}

# Runs the executable with its output in an anonymous temporary file rather than a pipe: a
# detached daemon that kept the pipe open would otherwise make us wait for EOF forever.
# Returns ($ok, $output, $wait_status).
sub _run_command {
    my ($bin, $deadline, @args) = @_;
    my $out;
    open($out, '+>', undef) or return (0, "cannot create a temporary file: $!", undef);
    my $pid = fork;
    return (0, "fork failed: $!", undef) unless defined $pid;
    if (!$pid) {
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>&', $out);
        open(STDERR, '>&', $out);
        { exec { $bin } $bin, @args; }
        print STDERR "cannot run $bin: $!\n";
        POSIX::_exit(127);
    }
    my $status;
    while (1) {
        my $r = waitpid($pid, POSIX::WNOHANG());
        if ($r == $pid) { $status = $?; last }
        if ($r < 0) { $status = 0; last }    # reaped elsewhere ($SIG{CHLD}='IGNORE'); judge by connecting
        if (Time::HiRes::time() >= $deadline) {
            kill 'TERM', $pid;
            waitpid($pid, 0);
            last;
        }
        Time::HiRes::sleep(0.01);
    }
    seek($out, 0, 0);
    my $text = do { local $/; <$out> };
    $text = '' unless defined $text;
    return (defined $status && $status == 0, $text, $status);
}

sub _spawn {
    my ($self, @args) = @_;
    my $bin = $self->_bin;
    return (undef, 'cannot find the cpanbridge executable (set CPAN_BRIDGE_BIN)') unless defined $bin;
    require IPC::Open2;
    my ($r, $w);
    my $pid = eval { IPC::Open2::open2($r, $w, $bin, @args) };
    unless ($pid) {
        (my $e = $@ || 'unknown error') =~ s/ at \S+ line \d+.*//s;
        return (undef, "cannot run $bin @args: $e");
    }
    return CPANBridge::Transport->from_pipes($r, $w, $pid);
}

sub _spawn_private {
    my ($self) = @_;
    my ($conn, $err) = $self->_spawn('serve-stdio');
    return (undef, $err) unless $conn;
    $conn->{mode} = 'private';
    return $conn;
}

# ---------------------------------------------------------------------------------------------
# Public API

sub _args {
    my $method = shift;
    my $self   = shift;
    my $usage  = "Usage: \$bridge->$method(MODULE, FUNCTION, [PARAMS], [{attachment => BYTES}])";
    _croak($usage) unless ref $self && @_ >= 2 && @_ <= 4;
    my ($module, $function, $params, $opts) = @_;
    for ([MODULE => $module], [FUNCTION => $function]) {
        _croak("$usage: $_->[0] must be a non-empty string")
            if !defined $_->[1] || ref $_->[1] || $_->[1] eq '';
    }
    if (defined $params) {
        my $r = ref $params;
        _croak("$usage: PARAMS must be a hash reference, an array reference or undef")
            unless $r eq 'HASH' || $r eq 'ARRAY';
    }
    my $att;
    if (defined $opts) {
        _croak("$usage: the last argument must be a hash reference of options") unless ref $opts eq 'HASH';
        my @bad = grep { $_ ne 'attachment' } keys %$opts;
        _croak("$usage: unknown option(s) @bad") if @bad;
        $att = $opts->{attachment};
        _croak("$usage: the attachment must be a string of bytes, not a reference") if ref $att;
    }
    return ($module, $function, $params, $att);
}

# Every public call leaves the script's $! as it found it: socket reads and writes (EAGAIN,
# EPIPE...) are the bridge's business, and a script that dies exits with $! as its status, which
# must be what the CPAN module it replaces would have left. (Drop-ins set $! themselves where the
# native library would have.)
sub call {
    local $!;
    my ($module, $function, $params, $att) = _args('call', @_);
    return $_[0]->_call($module, $function, $params, $att);
}

sub call_python {
    local $!;    # see call
    my ($module, $function, $params, $att) = _args('call_python', @_);
    return $_[0]->_call($module, $function, $params, $att);
}

sub call_pipelined {
    local $!;    # see call
    my ($module, $function, $params, $att) = _args('call_pipelined', @_);
    return $_[0]->_pipelined($module, $function, $params, $att);
}

# Send now, collect later: the script (a drop-in's read-ahead, typically) works while the daemon
# does. Responses still arrive in order; one taken in by a later call is kept for call_finish.
sub call_start {
    local $!;    # see call
    my ($module, $function, $params, $att) = _args('call_start', @_);
    my $self = $_[0];
    my $s = $self->_session;
    my $ticket = bless { module => $module, function => $function, params => $params, att => $att,
                         pid => $$ }, 'CPANBridge::Ticket';
    if ($self->{mode} eq 'process') {
        $ticket->{answer} = $self->_process_call($module, $function, $params, $att);
        return $ticket;
    }
    $self->_settle($s);
    if ($s->{error}) {
        $ticket->{answer} = _pipelined_failure(delete $s->{error});
        return $ticket;
    }
    my $entry = { module => $module, function => $function, sync => 1, ticket => 1 };
    my ($conn, $fail) = $self->_send($s, $entry, $params, $att);
    if ($conn) { @$ticket{qw(entry conn)} = ($entry, $conn) }
    else       { $ticket->{answer} = $fail }
    return $ticket;
}

sub call_finish {
    my ($self, $ticket) = @_;
    local $!;    # see call
    _croak('Usage: $bridge->call_finish($ticket)')
        unless ref $self && @_ == 2 && ref $ticket eq 'CPANBridge::Ticket';
    return $ticket->{answer} if $ticket->{answer};
    _croak('call_finish: this ticket was started in another process') if $ticket->{pid} != $$;
    my $entry = $ticket->{entry};
    my $env = $entry->{answer};
    if (!$env) {
        my $s = $self->_session;
        $env = $self->_await($s, $ticket->{conn}, $entry);
    }
    delete @$ticket{qw(entry conn)};
    if (!$env->{success} && ($env->{code} || '') eq 'E_SHUTTING_DOWN') {
        # Not run (that is what E_SHUTTING_DOWN guarantees): once more, as call does.
        my $s = $self->_session;
        $self->_drop($s) if $s->{conn} && $s->{conn} == $ticket->{conn};
        $env = $self->_call(@$ticket{qw(module function params att)});
    }
    return $ticket->{answer} = $env;
}

sub sync {
    my ($self) = @_;
    local $!;    # see call
    _croak('Usage: $bridge->sync()') unless ref $self && @_ == 1;
    my $s = $self->_session;
    $self->_settle($s) unless $self->{mode} eq 'process';
    return delete $s->{error};
}

# Lets a drop-in say "the bridge here cannot do X" up front, in words, instead of failing on its
# first call with E_UNKNOWN_MODULE.
sub can_module {
    my ($self, $name) = @_;
    _croak('Usage: CPANBridge->can_module(NAME)') unless @_ == 2 && defined $name && !ref $name;
    $self = $self->new unless ref $self;
    my $r = $self->call('bridge', 'hello', {});
    return (0, "cannot reach cpanbridge: $r->{error}") unless $r->{success};
    my @modules = @{ $r->{result}{modules} || [] };
    return 1 if grep { $_ eq $name } @modules;
    return (0, sprintf("cpanbridge %s (%s mode) has no '%s' module (it has: %s); install a newer CPAN Bridge",
                       $r->{result}{daemon_version} // '?', $self->mode, $name, join(', ', @modules)));
}

sub mode {
    my ($self) = @_;
    _croak('Usage: $bridge->mode()') unless ref $self && @_ == 1;
    return 'process' if $self->{mode} eq 'process';
    my ($conn) = $self->_ensure_conn($self->_session);
    return $conn ? $conn->{mode} : $self->{mode};
}

sub close {
    my ($self) = @_;
    local $!;    # see call
    _croak('Usage: $bridge->close()') unless ref $self && @_ == 1;
    my $s = $self->_session;
    return delete $s->{error} if $self->{mode} eq 'process';
    $self->_settle($s);
    if (my $conn = delete $s->{conn}) {
        $self->_trace('closing the connection');
        $conn->close(10);
    }
    return delete $s->{error};
}

# Nothing to free per object: the connection belongs to the process (see END).
sub DESTROY { }

# ---------------------------------------------------------------------------------------------
# Requests

# Returns ($frame_bytes) or (undef, $failure_envelope).
sub _frame {
    my ($self, $id, $module, $function, $params, $att) = @_;
    my %req = (module => $module, function => $function);
    $req{params} = $params if defined $params;
    if (defined $att) {
        if (utf8::is_utf8($att)) {
            my $copy = $att;
            return (undef, _fail('E_USAGE', "Wide character in the attachment of $module.$function: "
                                 . 'an attachment is bytes (code points 0-255)'))
                unless utf8::downgrade($copy, 1);
            $att = $copy;
        }
        $req{attachment} = length $att;
    }
    my $body = eval { $JSON->encode(\%req) };
    unless (defined $body) {
        (my $e = $@) =~ s/ at \S+ line \d+.*//s;
        return (undef, _fail('E_USAGE', "$module.$function: the parameters cannot be sent as JSON: $e"));
    }
    # The id always leads the line, so a frame kept for re-sending can take a new id without
    # being decoded again (and without touching an "id" inside the params).
    my $line = '{"id":' . $id . ',' . substr($body, 1);
    if ($self->_debug) {
        my %shown = %req;
        $shown{params} = _redact($params) if defined $params;
        my $t = eval { $JSON->encode(\%shown) } || $body;
        $self->_trace("-> [$id] " . _clip($t) . (defined $att ? ' +' . length($att) . ' bytes' : ''));
    }
    $line .= "\n";
    $line .= $att if defined $att;
    return ($line);
}

sub _deadline {
    my ($self) = @_;
    return $self->{timeout} > 0 ? Time::HiRes::time() + $self->{timeout} : undef;
}

# Writes one request on the session's connection (connecting first if needed). A request none
# of whose bytes reached a peer that has gone away is safe to send again on a new connection;
# anything else is never re-sent. Returns ($conn, $entry) or (undef, $failure_envelope).
sub _send {
    my ($self, $s, $entry, $params, $att) = @_;
    for my $attempt (1, 2) {
        # Requests refused by a stopping daemon go out again before this one, keeping order.
        $self->_resend($s) if @{ $s->{resend} } || ($s->{conn} && $s->{conn}{closing});
        my ($conn, $err, $refusal) = $self->_ensure_conn($s);
        return (undef, $refusal || _fail('E_CONNECT', "cannot reach cpanbridge: $err")) unless $conn;
        $entry->{id} = $conn->{next_id}++;
        my ($bytes, $bad) = $self->_frame($entry->{id}, $entry->{module}, $entry->{function}, $params, $att);
        return (undef, $bad) unless defined $bytes;
        my ($written, $status) = $conn->write_all(\$bytes, $self->_deadline);
        if ($status eq '') {
            # Kept only for pipelined requests, which may have to be re-sent after E_SHUTTING_DOWN.
            $entry->{frame} = \$bytes unless $entry->{sync};
            push @{ $conn->{pending} }, $entry;
            return ($conn, $entry);
        }
        if ($status eq 'timeout') {
            push @{ $conn->{pending} }, $entry if $written;
            $self->_drop($s, sub { $self->_timeout_env($_[0]) });
            return (undef, $self->_timeout_env($entry));
        }
        $conn->{lost_reason} = $status eq 'closed' ? undef : $status;
        if ($written == 0 && $attempt == 1) {
            # The peer was gone before any byte of this request reached it, so sending it on a
            # new connection cannot run it twice. Take in what the old peer said last (answers
            # to earlier pipelined calls, or a refusal such as E_REFUSED) before letting go.
            $conn->poll;
            $self->_consume($s, $conn, undef);
            $self->_drop($s);
            my $last = $conn->{last_word};
            return (undef, $last) if $last && ($last->{code} || '') ne 'E_SHUTTING_DOWN';
            $self->_trace('connection was closed by the peer; reconnecting before sending');
            next;
        }
        push @{ $conn->{pending} }, $entry;
        $self->_drop($s);
        return (undef, _lost($conn, $entry));
    }
    return (undef, _fail('E_CONNECT', 'cannot reach cpanbridge: the connection closed twice before a request could be sent'));
}

sub _call {
    my ($self, $module, $function, $params, $att) = @_;
    my $s = $self->_session;
    if ($self->{mode} eq 'process') {
        return _pipelined_failure(delete $s->{error}) if $s->{error};
        return $self->_process_call($module, $function, $params, $att);
    }

    # Responses of earlier pipelined calls first: one of them may have failed, and then this
    # call (which may depend on it) must not run.
    $self->_settle($s);
    return _pipelined_failure(delete $s->{error}) if $s->{error};

    my $entry = { module => $module, function => $function, sync => 1 };
    for my $round (1, 2) {
        my ($conn, $fail) = $self->_send($s, $entry, $params, $att);
        return $fail unless $conn;
        my $env = $self->_await($s, $conn, $entry);
        if (!$env->{success} && ($env->{code} || '') eq 'E_SHUTTING_DOWN') {
            # The daemon hangs up after this. E_SHUTTING_DOWN guarantees the request did not
            # run, so it is the one answer after which sending again is safe -- once: a daemon
            # that keeps refusing is reported.
            $self->_drop($s) if $s->{conn} && $s->{conn} == $conn;
            if ($round == 1) {
                $self->_trace("daemon is shutting down; retrying $module.$function once on a new daemon");
                next;
            }
        }
        return $env;
    }
}

sub _pipelined {
    my ($self, $module, $function, $params, $att) = @_;
    my $s = $self->_session;
    if ($self->{mode} eq 'process') {
        # No connection to pipeline on: run it now and keep its failure for the next sync point.
        my $env = $self->_process_call($module, $function, $params, $att);
        $s->{error} ||= $self->_pipelined_record({ module => $module, function => $function, id => undef }, $env)
            unless $env->{success};
        return $env->{success} ? 1 : 0;
    }
    my $entry = { module => $module, function => $function, retryable => 1 };
    my ($conn, $fail) = $self->_send($s, $entry, $params, $att);
    unless ($conn) {
        $s->{error} ||= $self->_pipelined_record($entry, $fail);
        return 0;
    }
    # Take in what has already arrived, so that errors and memory do not pile up over a long
    # run of pipelined calls.
    $conn->poll;
    $self->_consume($s, $conn, undef, 0);
    return 1;
}

sub _pipelined_record {
    my ($self, $entry, $env) = @_;
    my %r = %$env;
    $r{module}   = $entry->{module};
    $r{function} = $entry->{function};
    $r{request}  = $entry->{id};
    return \%r;
}

sub _pipelined_failure {
    my ($err) = @_;
    my $req = defined $err->{request} ? " (request $err->{request})" : '';
    my %data = (module => $err->{module}, function => $err->{function}, code => $err->{code},
                error => $err->{error});
    $data{request} = $err->{request} if defined $err->{request};
    $data{data} = $err->{data} if defined $err->{data};
    return _fail('E_PIPELINED',
                 "earlier pipelined call $err->{module}.$err->{function}$req failed: $err->{error}", \%data);
}

# Handles the frames already received. With $want, returns its envelope once it arrives.
# Returns undef when more bytes are needed.
sub _consume {
    my ($self, $s, $conn, $want) = @_;
    while (1) {
        my ($obj, $att, $line) = eval { $conn->next_frame($JSON) };
        if ($@) {
            (my $e = $@) =~ s/\s+\z//;
            $conn->{lost_reason} = "unreadable response: $e";
            $self->_drop($s);
            return $want ? _lost($conn, $want) : undef;
        }
        return undef unless $obj;
        my $entry = shift @{ $conn->{pending} };
        $self->_trace('<- ' . _clip($line) . (defined $att ? ' +' . length($att) . ' bytes' : ''))
            if $self->{debug} || $DEBUG_LEVEL;
        if (!$entry) {
            # Nothing was asked: a last word such as E_REFUSED before the daemon hangs up.
            $conn->{last_word} = _envelope($obj, $att) unless $obj->{success};
            next;
        }
        if (defined $obj->{id} && "$obj->{id}" ne "$entry->{id}") {
            unshift @{ $conn->{pending} }, $entry;
            $conn->{lost_reason} = "response id $obj->{id} does not match request id $entry->{id}";
            $self->_drop($s);
            return $want ? _lost($conn, $want) : undef;
        }
        my $env = _envelope($obj, $att);
        return $env if $want && $entry == $want;
        $self->_pipelined_done($s, $conn, $entry, $env);
    }
}

sub _pipelined_done {
    my ($self, $s, $conn, $entry, $env) = @_;
    my $frame = delete $entry->{frame};
    # A synchronous call whose caller left early (its alarm handler died, say): nobody is
    # waiting for this answer any more, it only had to be read to keep responses in step.
    # A call_start whose answer a later call had to read first: kept for call_finish.
    return $entry->{answer} = $env if $entry->{ticket};
    return if $env->{success} || $entry->{sync};
    if (($env->{code} || '') eq 'E_SHUTTING_DOWN') {
        # The daemon hangs up after this; nothing more may be written on the connection.
        $conn->{closing} = 1;
        if ($entry->{retryable} && $frame) {
            push @{ $s->{resend} }, { %$entry, frame => $frame, retryable => 0 };
            return;
        }
    }
    $s->{error} ||= $self->_pipelined_record($entry, $env);
}

# Waits for the response to $want (a request already written on $conn).
sub _await {
    my ($self, $s, $conn, $want) = @_;
    while (1) {
        my $env = $self->_consume($s, $conn, $want);
        return $env if $env;
        return _lost($conn, $want) unless $s->{conn} && $s->{conn} == $conn;
        my $st = $conn->fill($self->_deadline);
        next if $st > 0;
        if ($st < 0) {
            $self->_drop($s, sub { $self->_timeout_env($_[0]) });
            return $self->_timeout_env($want);
        }
        # EOF: bytes already received may still hold our answer.
        $env = $self->_consume($s, $conn, $want);
        return $env if $env;
        $self->_drop($s);
        return _lost($conn, $want);
    }
}

# Reads the responses to every request pending on the current connection. A connection that
# ended (EOF, timeout, or E_SHUTTING_DOWN) is dropped; what it left unanswered is recorded.
sub _drain {
    my ($self, $s) = @_;
    my $conn = $s->{conn} or return;
    while (@{ $conn->{pending} }) {
        $self->_consume($s, $conn, undef);
        last unless $s->{conn} && $s->{conn} == $conn && @{ $conn->{pending} };
        my $st = $conn->fill($self->_deadline);
        next if $st > 0;
        if ($st < 0) {
            $self->_drop($s, sub { $self->_timeout_env($_[0]) });
            return;
        }
        $self->_consume($s, $conn, undef);
        last;
    }
    $self->_drop($s) if $s->{conn} && $s->{conn} == $conn && ($conn->{eof} || $conn->{closing});
}

# Waits for every pending pipelined response, then re-sends those a stopping daemon refused.
sub _settle {
    my ($self, $s) = @_;
    while (1) {
        $self->_drain($s);
        last unless @{ $s->{resend} };
        $self->_resend($s);    # re-sent entries are not retried again, so this ends
    }
}

# Re-sends, in their original order and before anything newer, the pipelined requests a stopping
# daemon refused with E_SHUTTING_DOWN (it guarantees they did not run). First every response
# still due on the old connection is read: later requests may have been refused as well.
sub _resend {
    my ($self, $s) = @_;
    $self->_drain($s);
    $self->_drop($s) if $s->{conn} && $s->{conn}{closing};
    my @again = @{ $s->{resend} };
    @{ $s->{resend} } = ();
    for my $entry (@again) {
        my $frame = ${ delete $entry->{frame} || \'' };
        my ($conn, $err, $refusal) = $self->_ensure_conn($s);
        unless ($conn) {
            $s->{error} ||= $self->_pipelined_record($entry, $refusal || _fail('E_CONNECT', "cannot reach cpanbridge: $err"));
            next;
        }
        $entry->{id} = $conn->{next_id}++;
        $frame =~ s/\A\{"id":\d+,/{"id":$entry->{id},/;
        $self->_trace("-> [$entry->{id}] re-sending $entry->{module}.$entry->{function}: the stopping daemon did not run it");
        my ($written, $status) = $conn->write_all(\$frame, $self->_deadline);
        if ($status ne '') {
            push @{ $conn->{pending} }, $entry if $written;
            $s->{error} ||= $self->_pipelined_record($entry, _lost($conn, $entry)) unless $written;
            $self->_drop($s);
            next;
        }
        push @{ $conn->{pending} }, $entry;
    }
}

# ---------------------------------------------------------------------------------------------
# Process mode: one `cpanbridge call` per request.

sub _process_call {
    my ($self, $module, $function, $params, $att) = @_;
    return _fail('E_USAGE', "$module.$function: attachments need daemon or private mode; "
                 . 'process mode (one cpanbridge call per request) cannot carry them')
        if defined $att;
    my $json = eval { $JSON->encode(defined $params ? $params : {}) };
    unless (defined $json) {
        (my $e = $@) =~ s/ at \S+ line \d+.*//s;
        return _fail('E_USAGE', "$module.$function: the parameters cannot be sent as JSON: $e");
    }
    $self->_trace("-> process: $module.$function " . _clip($JSON->encode(_redact(defined $params ? $params : {}))))
        if $self->_debug;
    my ($conn, $err) = $self->_spawn('call', $module, $function, '-');
    return _fail('E_CONNECT', "cannot run cpanbridge in process mode: $err") unless $conn;
    $conn->{mode} = 'process';
    my $deadline = $self->_deadline;
    $json .= "\n";
    $conn->write_all(\$json, $deadline);
    CORE::close($conn->{wfh});
    until ($conn->{eof}) {
        my $st = $conn->fill($deadline);
        if ($st < 0) {
            $conn->close(0);
            return $self->_timeout_env({ module => $module, function => $function });
        }
    }
    my ($obj, $ratt, $line) = eval { $conn->next_frame($JSON) };
    my $perr = $@;
    $conn->close(5);
    if ($obj) {
        $self->_trace('<- ' . _clip($line)) if $self->_debug;
        return _envelope($obj, $ratt);
    }
    $perr =~ s/\s+\z//;
    return _fail('E_LOST', "cpanbridge call $module $function " . _describe_status($conn->{status})
                 . ' without a response' . ($perr ? " ($perr)" : '')
                 . '; it may or may not have run and was not retried');
}

# ---------------------------------------------------------------------------------------------

END {
    for my $s (values %SESSIONS) {
        next unless $s->{pid} == $$ && $s->{conn};
        local ($?, $@, $!);
        my $bridge = $s->{cfg};
        # Pipelined requests were sent; wait for them so the script's work is done when it
        # exits, and say so if one failed with nobody left to hear it.
        eval { $bridge->_settle($s) };
        if (my $e = delete $s->{error}) {
            warn "CPANBridge: pipelined call $e->{module}.$e->{function} failed and the script ended "
               . "before a later call could report it: $e->{error}\n";
        }
        if (my $conn = delete $s->{conn}) {
            eval { $conn->close(10) };
        }
    }
}

1;

__END__

=head1 NAME

CPANBridge - core-Perl client of the CPAN Bridge daemon

=head1 SYNOPSIS

    use CPANBridge;

    my $bridge = CPANBridge->new();
    my $r = $bridge->call('test', 'echo', { message => 'hi' });
    if ($r->{success}) {
        print $r->{result}{message}, "\n";
    }
    else {
        warn "failed ($r->{code}): $r->{error}\n";
    }

    # Scripts written for the earlier generation use this name; it is the same method.
    $r = $bridge->call_python('system', 'health', {});

    # Bulk data travels as raw bytes beside the JSON, in both directions.
    $r = $bridge->call('test', 'echo', {}, { attachment => $bytes });
    print length $r->{attachment};

    # Pipelining: requests whose answer is not needed right away.
    $bridge->call_pipelined('test', 'echo', { row => $_ }) for 1 .. 1000;
    if (my $err = $bridge->sync) {
        die "pipelined $err->{module}.$err->{function} failed: $err->{error}\n";
    }

=head1 DESCRIPTION

CPANBridge lets Perl scripts on hosts without CPAN modules have the work of those modules done
by C<cpanbridge>, a persistent daemon reached over a Unix socket. The protocol is
newline-delimited JSON with optional binary attachments (see F<docs/protocol.md>).

This module uses core Perl only. It picks the fastest JSON backend it finds once, at load:
L<Cpanel::JSON::XS>, then L<JSON::XS>, then L<JSON::PP> (core); C<$CPANBridge::JSON_BACKEND>
names the one in use and C<CPAN_BRIDGE_JSON> forces one.

All CPANBridge objects of a process share B<one> persistent connection (per mode and socket), so
creating bridges is cheap and the daemon-side state a script builds (database connections,
workbooks, sessions, named by handles) lives as long as the script. When the script ends, dies
or is killed, the connection closes and the daemon disposes of that state: transactions roll
back, unsaved workbooks are discarded.

After C<fork>, a child notices that C<$$> changed, lets go of the inherited connection without
writing to it or shutting it down (the parent still uses it) and opens its own. Handles made by
the parent are refused in the child with C<E_HANDLE>, as DBI refuses a parent's handles.

The client never sends a request twice when it may have reached the daemon: a script that
inserts rows, sends mail or uploads files must not do so twice because a daemon died. Only
connecting is retried. The one exception is a response with code C<E_SHUTTING_DOWN>, which
guarantees the request did not run: it is sent once more, to a new daemon.

=head1 METHODS

=head2 new

    my $bridge = CPANBridge->new(%options);

Options (all optional):

=over 4

=item mode => 'daemon' | 'private' | 'process'

See L</MODES>. Without it: C<CPAN_BRIDGE_MODE>, else C<process> when
C<$CPANBridge::DAEMON_MODE> is false or C<CPAN_BRIDGE_DAEMON=0>, else C<daemon>.

=item socket => PATH

The daemon's socket (default: see L</ENVIRONMENT>).

=item debug => 0 | 1

Trace requests and responses on STDERR, as C<$CPANBridge::DEBUG_LEVEL = 1> does. Values of
parameters named like passwords, secrets, tokens and keys are shown as C<***>.

=item timeout => SECONDS

How long to wait for one response; C<0> (the default, or C<CPAN_BRIDGE_TIMEOUT>) waits as long
as the call takes. A daemon that dies is noticed at once either way.

=item bin => PATH

The C<cpanbridge> executable used to start a daemon and for private and process mode.

=item fallback => 0 | 1

Whether daemon mode may fall back to private mode (default C<CPAN_BRIDGE_FALLBACK>, else 1).

=back

C<new> does not connect; the first call does.

=head2 call

    my $r = $bridge->call($module, $function, \%params);
    my $r = $bridge->call($module, $function, \@params);
    my $r = $bridge->call($module, $function);                    # params omitted
    my $r = $bridge->call($module, $function, \%params, { attachment => $bytes });

Sends one request and waits for its response. Returns a hash reference:

    { success => 1, result => $decoded_result }                   # + attachment => $bytes
    { success => 0, error => $message, code => 'E_...' }          # + data => {...}

C<attachment> is present when the response carried one. C<data> is present when the daemon sent
details (for example a database driver's own error codes).

C<call> never dies because of the bridge: unreachable daemons, lost connections and timeouts
come back as failure envelopes (see L</ERRORS>). It croaks only when called wrongly (wrong
number of arguments, a module or function that is not a string, params that are neither a hash
nor an array reference, an attachment that is a reference).

An attachment is a byte string: characters above 255 are refused with C<E_USAGE> ("Wide
character"), as Perl refuses to print them to a raw handle.

If earlier pipelined calls are still unanswered, C<call> first waits for them. If one of them
failed, C<call> does not send its own request and returns C<E_PIPELINED> naming the failed call.

No call of this client changes C<$!>: the socket work is the bridge's own, and a script that
dies exits with C<$!> as its status, which should be what the replaced CPAN module left there.

=head2 call_python

The same method as L</call>, under the name scripts of the earlier generation use.

=head2 call_pipelined

    $bridge->call_pipelined($module, $function, \%params);
    $bridge->call_pipelined($module, $function, \%params, { attachment => $bytes });

Sends a request without waiting for its response; returns true if the request was written. Use
it for calls whose result the script does not look at (cell writes, inserts whose row count
nobody reads). Responses are taken in as they arrive; a failure is kept and reported by the next
L</call> (as C<E_PIPELINED>) or L</sync>. Requests run in the order they were sent.

In process mode there is nothing to pipeline on: the call runs at once and a failure is kept
for the next synchronisation point in the same way.

=head2 call_start, call_finish

    my $ticket = $bridge->call_start($module, $function, \%params, { attachment => $bytes });
    ...                                   # the daemon works meanwhile
    my $r = $bridge->call_finish($ticket);  # the same envelope call() returns

Sends a request now and collects its response later, so the script and the daemon work at the
same time (the DBI drop-in reads the next block of rows this way while the script handles the
current one). Responses are read in order: a later C<call> first takes in the answer of an
unfinished C<call_start>, which C<call_finish> then returns without waiting. Like C<call>, and
unlike C<call_pipelined>, a failure is returned to the caller rather than kept for later; a
request refused with C<E_SHUTTING_DOWN> is sent once more. In process mode the call runs inside
C<call_start>.

=head2 sync

    my $err = $bridge->sync;

Waits for every pipelined response. Returns undef if all succeeded, else the failure envelope
of the first one that failed, with C<module>, C<function> and C<request> (its request id) added.
The failure is then cleared.

=head2 can_module

    my ($ok, $why) = CPANBridge->can_module('database');
    die "DBI through CPAN Bridge: $why\n" unless $ok;

Class or object method. Asks the bridge (in whatever mode is in use) whether it has the named
daemon module. Returns C<1>, or C<(0, $reason)> where the reason names the bridge's version, mode
and the modules it does have, or why it could not be reached.

=head2 mode

    my $mode = $bridge->mode;    # 'daemon', 'private' or 'process'

The mode actually in use: C<private> when daemon mode fell back. Connects if not yet connected.

=head2 close

    my $err = $bridge->close;

Waits for pending pipelined responses, then closes the process's connection. The daemon disposes
of every handle made on it. Returns what L</sync> would. The next call connects again.

=head1 MODES

=over 4

=item daemon (default)

Connects to the daemon's Unix socket. If nothing listens there, takes an exclusive C<flock> on
F<bridge.start.lock> beside the socket, checks again, and runs C<cpanbridge daemon --detach>,
which returns once the daemon accepts connections. Fifty scripts starting at once start one
daemon.

The socket's directory must belong to the user, or to root provided no one else may write to
it (a shared daemon configured with C<CPAN_BRIDGE_SOCKET_MODE> and C<CPAN_BRIDGE_ALLOWED_UIDS>).
A directory owned by another uid is refused: whoever owns it could have put a fake daemon
there. A daemon that refuses this user (C<E_REFUSED>) or has no room (C<E_LIMIT>) is reported
as such, without falling back.

Every new connection starts with C<bridge.hello>. Only once that is answered does a real
request go out: right after a daemon dies, a connection can still be accepted into its dying
listener's queue and be reset a moment later, and a request caught in that would be lost with
no way to tell whether it ran. A lost hello is simply tried again.

If no daemon can be reached or started (no usable socket directory, no executable, policy) and
fallback is allowed, the client falls back to private mode for this process.

=item private

Runs C<cpanbridge serve-stdio> as a coprocess of this script and speaks the same frames on its
stdin and stdout. State lives as long as the script; nothing is shared with other scripts.

=item process

Runs C<cpanbridge call MODULE FUNCTION -> once per call, with the params as JSON on its stdin.
Slow (a process per call) and stateless: functions that keep state are refused with
C<E_STATEFUL>, and attachments are refused with C<E_USAGE>. For legacy set-ups and emergencies
(C<CPAN_BRIDGE_DAEMON=0>).

=back

=head1 ENVIRONMENT

=over 4

=item CPAN_BRIDGE_MODE

C<daemon>, C<private> or C<process>.

=item CPAN_BRIDGE_DAEMON

C<0> selects process mode, like C<$CPANBridge::DAEMON_MODE = 0>; it wins over a script's own
C<$CPANBridge::DAEMON_MODE = 1> (it is the operators' switch).

=item CPAN_BRIDGE_FALLBACK

C<0> makes daemon mode fail with C<E_CONNECT> instead of falling back to private mode.

=item CPAN_BRIDGE_SOCKET

The socket path. Default C<$XDG_RUNTIME_DIR/cpanbridge/bridge.sock>, else
C</tmp/cpanbridge-$UID/bridge.sock>.

=item CPAN_BRIDGE_BIN

The C<cpanbridge> executable. Default F<../../bin/cpanbridge> relative to this file (right both
in a source checkout and in an install prefix with F<perl/lib> and F<bin>), else C<cpanbridge>
on C<PATH>.

=item CPAN_BRIDGE_STARTUP_TIMEOUT

Seconds to wait for an auto-started daemon (default 15).

=item CPAN_BRIDGE_DAEMON_TIMEOUT

Connect timeout in seconds (default 5).

=item CPAN_BRIDGE_TIMEOUT

Seconds to wait for one response; C<0> (default) waits as long as the call takes.

=item CPAN_BRIDGE_JSON

Force the JSON backend: C<Cpanel::JSON::XS>, C<JSON::XS> or C<JSON::PP>.

=item CPAN_BRIDGE_DEBUG

C<1> traces requests and responses on STDERR, like C<$CPANBridge::DEBUG_LEVEL = 1>.

=back

=head1 ERRORS

Failure envelopes carry a C<code>. From the daemon (see F<docs/protocol.md>): C<E_FRAME>,
C<E_FRAME_TOO_LARGE>, C<E_REQUEST>, C<E_UNKNOWN_MODULE>, C<E_UNKNOWN_FUNCTION>, C<E_USAGE>,
C<E_HANDLE>, C<E_LIMIT>, C<E_NOT_SUPPORTED>, C<E_NATIVE>, C<E_STATEFUL>, C<E_SHUTTING_DOWN>,
C<E_REFUSED>, C<E_INTERNAL>. From this client:

=over 4

=item E_CONNECT

No daemon could be reached or started, and no fallback was possible or allowed.

=item E_LOST

The connection broke while the request was in flight. It may or may not have run, and it was
B<not> retried. The next call connects again (starting a daemon if needed); handles from the
lost connection are refused with C<E_HANDLE>.

=item E_TIMEOUT

No response within C<CPAN_BRIDGE_TIMEOUT> (or the C<timeout> option). The connection is dropped,
since later responses would no longer match their requests; the request may still run.

=item E_PIPELINED

An earlier pipelined call failed, so this call was not sent. The message names the failed call;
C<data> holds its C<module>, C<function>, C<code>, C<error> and C<request>.

=item E_USAGE

Also produced by the client for an attachment with wide characters, parameters JSON cannot carry
(code references, objects), and attachments in process mode.

=back

=head1 SEE ALSO

F<docs/protocol.md> (the wire protocol), F<docs/configuration.md> (every environment variable),
C<cpanbridge status>, C<cpanbridge metrics>.

=cut
