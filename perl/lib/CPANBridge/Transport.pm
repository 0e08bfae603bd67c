package CPANBridge::Transport;

# Framed byte transport for CPANBridge: a Unix socket (daemon mode) or the two pipes of a
# coprocess (private and process mode). Knows frames (a JSON line plus an optional attachment)
# but not what is in them; CPANBridge.pm owns requests, responses and their bookkeeping.
#
# Core Perl only, 5.16 compatible.

use strict;
use warnings;

use Socket qw(AF_UNIX SOCK_STREAM SOL_SOCKET SO_ERROR pack_sockaddr_un);
use Errno qw(EAGAIN EWOULDBLOCK EINTR EINPROGRESS EPIPE ECONNRESET);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use POSIX ();
use Time::HiRes ();

our $VERSION = '0.1.0';

# Big enough that a 1 MB attachment arrives in a handful of reads, small enough not to
# pre-allocate much for the usual 100-byte response.
use constant READ_CHUNK => 256 * 1024;

# Longest path the kernel accepts in sockaddr_un (108 bytes including the NUL on Linux).
use constant MAX_SUN_PATH => 107;

sub _nonblock {
    my ($fh) = @_;
    my $flags = fcntl($fh, F_GETFL, 0);
    return unless defined $flags;
    fcntl($fh, F_SETFL, $flags | O_NONBLOCK);
}

sub _new {
    my ($class, %f) = @_;
    my $self = bless {
        rbuf    => '',
        scan    => 0,        # where the next search for "\n" in rbuf starts
        hdr     => undef,    # decoded header waiting for its attachment bytes
        want    => 0,        # attachment bytes still missing (sizes the next read)
        eof     => 0,
        owner   => $$,       # a child after fork must not touch this transport
        pending => [],
        next_id => 1,
        %f,
    }, $class;
    $self->{rfd} = fileno $self->{rfh};
    $self->{wfd} = fileno $self->{wfh};
    return $self;
}

# Returns ($transport) or (undef, $errno, $message).
sub connect_unix {
    my ($class, $path, $timeout) = @_;
    if (length($path) > MAX_SUN_PATH) {
        return (undef, 0, "socket path $path is longer than the " . MAX_SUN_PATH
                . " bytes a Unix socket address can hold");
    }
    my $sock;
    socket($sock, AF_UNIX, SOCK_STREAM, 0)
        or return (undef, $! + 0, "cannot create a Unix socket: $!");
    _nonblock($sock);
    my $addr     = pack_sockaddr_un($path);
    my $deadline = Time::HiRes::time() + ($timeout && $timeout > 0 ? $timeout : 5);
    while (1) {
        last if connect($sock, $addr);
        my $e = $! + 0;
        next if $e == EINTR;
        if ($e == EAGAIN || $e == EWOULDBLOCK) {
            # Linux answers EAGAIN when the listen backlog is full: the daemon is busy
            # accepting, not absent, so wait a little and knock again.
            if (Time::HiRes::time() >= $deadline) {
                return (undef, $e, "cannot connect to $path: the daemon did not accept within "
                        . ($timeout || 5) . " s");
            }
            Time::HiRes::sleep(0.005);
            next;
        }
        if ($e == EINPROGRESS) {
            my $win = '';
            vec($win, fileno($sock), 1) = 1;
            my $left = $deadline - Time::HiRes::time();
            $left = 0 if $left < 0;
            my $n = select(undef, my $wout = $win, undef, $left);
            my $err = $n > 0 ? unpack('i', getsockopt($sock, SOL_SOCKET, SO_ERROR) || pack('i', 0)) : 0;
            last if $n > 0 && !$err;
            $! = $err || EAGAIN;
            return (undef, $! + 0, "cannot connect to $path: $!");
        }
        my $msg = "$!";
        close $sock;
        return (undef, $e, "cannot connect to $path: $msg");
    }
    return $class->_new(kind => 'socket', rfh => $sock, wfh => $sock, path => $path);
}

# Wraps the pipes of a coprocess (serve-stdio or `call`).
sub from_pipes {
    my ($class, $rfh, $wfh, $pid, %f) = @_;
    _nonblock($rfh);
    _nonblock($wfh);
    binmode $rfh;
    binmode $wfh;
    return $class->_new(kind => 'pipe', rfh => $rfh, wfh => $wfh, pid => $pid, %f);
}

sub _remaining {
    my ($deadline) = @_;
    return undef unless defined $deadline;
    my $left = $deadline - Time::HiRes::time();
    return $left > 0 ? $left : 0;
}

# Reads what is available without blocking. Returns >0 bytes read, 0 at EOF, -1 when
# nothing is available right now.
sub _read_some {
    my ($self) = @_;
    my $size = $self->{want} > READ_CHUNK ? $self->{want} : READ_CHUNK;
    while (1) {
        my $n = sysread($self->{rfh}, $self->{rbuf}, $size, length $self->{rbuf});
        if (defined $n) {
            if ($n == 0) { $self->{eof} = 1; return 0 }
            $self->{want} -= $n if $self->{want} > 0;
            $self->{want} = 0 if $self->{want} < 0;
            return $n;
        }
        my $e = $! + 0;
        next if $e == EINTR;
        return -1 if $e == EAGAIN || $e == EWOULDBLOCK;
        # ECONNRESET and friends: for us the same as EOF, the peer is gone.
        $self->{eof}       = 1;
        $self->{read_error} = "$!";
        return 0;
    }
}

# Writes all of $$buf, reading whatever responses arrive meanwhile into rbuf so that neither
# side can block forever on a full socket buffer. Returns ($bytes_written, $status) where
# $status is '' (all written), 'closed' (peer gone), 'timeout' or an error message.
sub write_all {
    my ($self, $buf, $deadline) = @_;
    my $len = length $$buf;
    my $off = 0;
    # A peer that died turns a write into SIGPIPE, which would kill the script; we want EPIPE.
    local $SIG{PIPE} = 'IGNORE';
    # Stays set if an exception (a script's alarm handler dying, say) cuts the write short: the
    # stream then holds half a frame and the connection must not be used again.
    $self->{partial} = 1;
    while ($off < $len) {
        my $n = syswrite($self->{wfh}, $$buf, $len - $off, $off);
        if (defined $n) { $off += $n; next }
        my $e = $! + 0;
        next if $e == EINTR;
        return ($off, 'closed') if $e == EPIPE || $e == ECONNRESET;
        return ($off, "write failed: $!") unless $e == EAGAIN || $e == EWOULDBLOCK;
        my ($rin, $win) = ('', '');
        vec($win, $self->{wfd}, 1) = 1;
        vec($rin, $self->{rfd}, 1) = 1 unless $self->{eof};
        my $left = _remaining($deadline);
        return ($off, 'timeout') if defined $left && $left <= 0;
        my $ready = select(my $rout = $rin, my $wout = $win, undef, $left);
        if ($ready < 0) {
            next if $! == EINTR;
            return ($off, "select failed: $!");
        }
        next unless $ready;
        if (!$self->{eof} && vec($rout, $self->{rfd}, 1)) {
            $self->_read_some;
        }
    }
    delete $self->{partial};
    return ($off, '');
}

# Blocks until some bytes arrive. Returns 1 (data), 0 (EOF) or -1 (deadline passed).
sub fill {
    my ($self, $deadline) = @_;
    return 0 if $self->{eof};
    my $rin = '';
    vec($rin, $self->{rfd}, 1) = 1;
    while (1) {
        my $left = _remaining($deadline);
        return -1 if defined $left && $left <= 0;
        my $ready = select(my $rout = $rin, undef, undef, $left);
        if ($ready < 0) {
            next if $! == EINTR;
            $self->{eof} = 1;
            $self->{read_error} = "select failed: $!";
            return 0;
        }
        next unless $ready;
        my $n = $self->_read_some;
        return 1 if $n > 0;
        return 0 if $n == 0;
    }
}

# Non-blocking: pulls in whatever is already there.
sub poll {
    my ($self) = @_;
    return if $self->{eof};
    1 while $self->_read_some > 0 && length($self->{rbuf}) < 4 * READ_CHUNK;
}

# Returns ($header_object, $attachment_or_undef, $raw_line) for the next complete frame,
# or () when more bytes are needed. Dies if a line is not JSON (the caller drops the
# connection: responses could no longer be matched to requests).
sub next_frame {
    my ($self, $decoder) = @_;
    my $hdr = $self->{hdr};
    unless ($hdr) {
        my $nl = index($self->{rbuf}, "\n", $self->{scan});
        if ($nl < 0) {
            $self->{scan} = length $self->{rbuf};
            return;
        }
        my $line = substr($self->{rbuf}, 0, $nl + 1, '');
        $self->{scan} = 0;
        chop $line;
        my $obj = $decoder->decode($line);
        die "response is not a JSON object: " . _clip($line) . "\n" unless ref $obj eq 'HASH';
        my $alen = $obj->{attachment};
        if (defined $alen && (ref $alen || $alen !~ /\A[0-9]+\z/)) {
            die "response has a bad attachment length: " . _clip($line) . "\n";
        }
        $hdr = $self->{hdr} = [ $obj, $alen, $line ];
    }
    my ($obj, $alen, $line) = @$hdr;
    my $att;
    if (defined $alen) {
        my $have = length $self->{rbuf};
        if ($have < $alen) {
            $self->{want} = $alen - $have;
            return;
        }
        $att = $alen ? substr($self->{rbuf}, 0, $alen, '') : '';
        $self->{want} = 0;
    }
    $self->{hdr} = undef;
    return ($obj, $att, $line);
}

sub _clip {
    my ($s) = @_;
    return length($s) > 200 ? substr($s, 0, 200) . '...' : $s;
}

# Closes our ends. For a coprocess, waits up to $wait seconds for it to exit (it exits on
# EOF of its stdin after disposing its handles), then terminates it.
sub close {
    my ($self, $wait) = @_;
    return if $self->{closed}++;
    if ($self->{kind} eq 'socket') {
        CORE::close($self->{rfh});
    }
    else {
        CORE::close($self->{wfh});
        CORE::close($self->{rfh});
    }
    $self->reap($wait) if $self->{pid} && $self->{owner} == $$;
}

sub reap {
    my ($self, $wait) = @_;
    my $pid = $self->{pid} or return;
    my $deadline = Time::HiRes::time() + (defined $wait ? $wait : 0);
    my $termed = 0;
    while (1) {
        my $r = waitpid($pid, POSIX::WNOHANG());
        if ($r == $pid || $r < 0) {      # reaped, or not ours to reap ($SIG{CHLD}='IGNORE')
            $self->{status} = $r == $pid ? $? : undef;
            delete $self->{pid};
            return 1;
        }
        if (Time::HiRes::time() >= $deadline) {
            last if $termed;
            kill 'TERM', $pid;
            $termed   = 1;
            $deadline = Time::HiRes::time() + 2;
        }
        Time::HiRes::sleep(0.005);
    }
    return 0;
}

# After fork: forget the transport without sending anything on it and without shutting the
# socket down (the parent still uses it). Closing our copy of the descriptor is harmless.
sub abandon {
    my ($self) = @_;
    return if $self->{closed}++;
    CORE::close($self->{rfh});
    CORE::close($self->{wfh}) if $self->{kind} ne 'socket';
    delete $self->{pid};
}

1;
