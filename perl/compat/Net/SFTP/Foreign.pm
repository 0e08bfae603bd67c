package Net::SFTP::Foreign;

# Drop-in for Net::SFTP::Foreign 1.93. Everything a script can observe -- option checks and their
# croak texts, the client-side working directory, error()/status() dualvars and their wording,
# the put/get option semantics (atomic temporary names, overwrite, resume, copy_perm/copy_time,
# perm/umask, mkpath), ls filtering and ordering, glob, mkpath, autodie -- is decided here in
# core Perl, in the order native does it. The daemon's `sftp` module (docs/protocol.md) runs the
# system `ssh ... -s sftp` once per session and only moves bytes and runs single SFTP requests.
# Local files are checked, created, chmod'ed, utime'd and renamed here, where native does it,
# so local errors carry the script's own $! texts; the daemon only gets absolute local paths.

use strict;
use warnings;
use warnings::register;
no warnings 'uninitialized';

use Carp qw(croak carp);
use Errno ();
use Fcntl ();
use File::Spec ();
use Scalar::Util ();
use JSON::PP ();
use CPANBridge;
use Net::SFTP::Foreign::Constants qw(:fxp :flags :att :status :error SSH2_FILEXFER_VERSION);
use Net::SFTP::Foreign::Attributes;

our $VERSION = '1.93';
our $debug;
our $BRIDGE;
our $NO_SET_PERM;    # the daemon's put has no set_perm (learnt once per process)

my %STATUS_TEXT = (SSH2_FX_OK, 'OK', SSH2_FX_EOF, 'End of file',
                   SSH2_FX_NO_SUCH_FILE, 'No such file or directory',
                   SSH2_FX_PERMISSION_DENIED, 'Permission denied', SSH2_FX_FAILURE, 'Failure',
                   SSH2_FX_BAD_MESSAGE, 'Bad message', SSH2_FX_NO_CONNECTION, 'No connection',
                   SSH2_FX_CONNECTION_LOST, 'Connection lost',
                   SSH2_FX_OP_UNSUPPORTED, 'Operation unsupported');

# Variables of the script's environment that ssh reads (agent, Kerberos, ~/.ssh).
my @SSH_ENV = qw(HOME USER LOGNAME SSH_AUTH_SOCK SSH_AGENT_PID KRB5CCNAME KRB5_CONFIG DISPLAY);

sub _bridge { return $BRIDGE ||= CPANBridge->new }

sub _not_supported {
    my ($what) = @_;
    croak "Net::SFTP::Foreign::$what not supported by CPAN Bridge";
}

sub _croak_bad_options {
    return unless @_;
    my $s = @_ > 1 ? 's' : '';
    croak "Invalid option$s '" . join("', '", @_) . "' or bad combination of options";
}

# ---------------------------------------------------------------------------------------------
# error and status, as native keeps them

sub error  { return $_[0]{_error} }
sub status { return $_[0]{_status} }

sub _set_status {
    my ($self, $code, $text) = @_;
    return $self->{_status} = 0 unless $code;
    $text = $STATUS_TEXT{$code} || "Unknown status ($code)" unless defined $text && length $text;
    return $self->{_status} = Scalar::Util::dualvar($code, $text);
}

# With a code: sets the error (dies under autodie). Without: clears it, except a broken
# connection, which stays for the life of the object as native's does.
sub _set_error {
    my $self = shift;
    my $code = shift;
    if ($code) {
        my $text = @_ ? join(': ', @_) : "Unknown error $code";
        my $error = $self->{_error} = Scalar::Util::dualvar($code, $text);
        croak $error if $self->{_autodie};
    } elsif ($self->{_error} && $self->{_error} != SFTP_ERR_CONNECTION_BROKEN) {
        $self->{_error} = 0;
    }
    return $self->{_error};
}

sub _clear_error_and_status {
    my ($self) = @_;
    $self->_set_error;
    $self->_set_status;
    return;
}

sub _ok_or_autodie {
    my ($self) = @_;
    return 1 unless $self->{_error};
    croak $self->{_error} if $self->{_autodie};
    return undef;
}

sub die_on_error {
    my $self = shift;
    return unless $self->{_error};
    croak(@_ ? "@_: $self->{_error}" : $self->{_error});
}

sub _conn_lost {
    my ($self, $status, $code, @text) = @_;
    $self->_set_status(defined $status ? $status : SSH2_FX_CONNECTION_LOST) unless $self->{_status};
    $self->_set_error(defined $code ? $code : SFTP_ERR_CONNECTION_BROKEN,
                      @text ? @text : 'Connection to remote server is broken') unless $self->{_error};
    $self->{_connected} = 0;
    return;
}

# ssh's stderr is the script's stderr natively; the daemon keeps it, so it is replayed where
# native would have shown it (or where stderr_fh/stderr_discard send it).
sub _replay_ssh_stderr {
    my ($self, $data) = @_;
    my $err = ref $data eq 'HASH' ? $data->{ssh_stderr} : undef;
    return unless defined $err;
    $err = join('', map { /\n\z/ ? $_ : "$_\n" } @$err) if ref $err eq 'ARRAY';
    return unless length $err;
    # The daemon hands over ssh's bytes (CRLF for what ssh logs, LF for the few messages it
    # prints itself). A daemon from before that joined lines with LF: each line then gets the
    # ending ssh gave it.
    unless ($err =~ /\r\n/) {
        $err .= "\n" unless $err =~ /\n\z/;
        $err =~ s/\n/\r\n/g;
        $err =~ s/^(Warning: Identity file [^\r\n]*)\r\n/$1\n/mg;
    }
    return if $self->{_stderr_discard};
    my $fh = $self->{_stderr_fh} || \*STDERR;
    local $\;
    print {$fh} $err;
    return;
}

# ---------------------------------------------------------------------------------------------
# daemon calls

# One call on this session's handle; returns the envelope.
sub _call {
    my ($self, $function, $params, $attachment) = @_;
    # Without its handle a call would reach the connection's current session, someone else's.
    return { success => 0, code => 'E_HANDLE', error => 'this Net::SFTP::Foreign object has no session' }
        unless defined $self->{_handle};
    my %p = (%{ $params || {} }, handle => $self->{_handle});
    return _bridge()->call('sftp', $function, \%p, defined $attachment ? { attachment => $attachment } : ());
}

sub _is_session_gone {
    my ($env) = @_;
    my $d = ref $env->{data} eq 'HASH' ? $env->{data} : {};
    return 'daemon' if ($env->{code} || '') =~ /\AE_(?:LOST|HANDLE|CONNECT|TIMEOUT|SHUTTING_DOWN)\z/;
    return $d->{connection} if defined $d->{connection} && !defined $d->{status};
    return;
}

# A failed envelope that says the session is gone (ssh exited, server closed, the daemon went
# away): the object is disconnected for good, as native's is after a broken pipe.
sub _session_gone {
    my ($self, $env) = @_;
    my $why = _is_session_gone($env) or return 0;
    if ($why eq 'daemon') {
        # No native counterpart: the daemon that held this session is gone, and with it the ssh
        # process. Said outright, naming the session, whatever error was there before.
        $self->_set_status(SSH2_FX_CONNECTION_LOST);
        $self->{_connected} = 0;
        $self->_set_error(SFTP_ERR_CONNECTION_BROKEN,
                          "Connection to remote server is broken",
                          "the cpanbridge daemon holding SFTP session $self->{_dest} went away ($env->{code}: $env->{error})");
        return 1;
    }
    $self->_replay_ssh_stderr($env->{data});
    if ($why eq 'timeout') {
        $self->_conn_lost(undef, undef, 'Connection to remote server stalled');
    } else {
        $self->_conn_lost;
    }
    return 1;
}

# A remote request that failed: the server's status, then "$errstr: $status" as the error.
# Returns 1 when $env carried an SFTP status (or lost the session), 0 when the caller must look
# at it (local errors).
sub _remote_failed {
    my ($self, $env, $code, $errstr) = @_;
    return 1 if $self->_session_gone($env);
    my $d = ref $env->{data} eq 'HASH' ? $env->{data} : {};
    if (defined $d->{status}) {
        my $status = $self->_set_status($d->{status}, $d->{status_message});
        $self->_set_error($code, $errstr, $status);
        return 1;
    }
    return 0 if defined $d->{local_errno};
    # Not an SFTP answer: the bridge itself refused (usage, unknown module...). Its words.
    $self->_set_status(SSH2_FX_FAILURE);
    $self->_set_error($code, $errstr, "cpanbridge: $env->{code}: $env->{error}");
    return 1;
}

# Native's failed requests on a dead connection: the status becomes "Connection lost", the
# error stays what it was (or becomes "stalled").
sub _alive {
    my ($self) = @_;
    return 1 if $self->{_connected};
    $self->_conn_lost(undef, undef, 'Connection to remote server stalled');
    return 0;
}

# Simple requests: returns the result hash, or undef with error and status set.
sub _request {
    my ($self, $function, $params, $code, $errstr) = @_;
    $self->_alive or return undef;
    my $env = $self->_call($function, $params);
    if ($env->{success}) {
        $self->_clear_error_and_status;
        return $env->{result} || {};
    }
    $self->_remote_failed($env, $code, $errstr)
        or $self->_set_error($code, $errstr, "cpanbridge: $env->{error}");
    return undef;
}

# ---------------------------------------------------------------------------------------------
# construction

sub _ensure_list {
    my ($l) = @_;
    return () unless defined $l;
    return ref $l eq 'ARRAY' ? @$l : ($l);
}

sub new {
    my $class = shift;
    unshift @_, 'host' if @_ & 1;
    my %opts = @_;

    my $self = bless { _error => 0, _status => 0, _connected => 0, _handle => undef }, $class;

    my $backend = delete $opts{backend};
    _not_supported("new option 'backend'") if defined $backend && $backend ne 'Unix';
    $self->{_autodie} = delete $opts{autodie};
    $self->{_block_size} = delete $opts{block_size} || 32 * 1024;
    $self->{_min_block_size} = delete $opts{min_block_size} || 512;
    $self->{_queue_size} = delete $opts{queue_size} || 32;
    delete @opts{qw(autoflush dirty_cleanup expect_log_user)};
    $self->{_late_set_perm} = delete $opts{late_set_perm};
    $self->{_remote_has_volumes} = delete $opts{remote_has_volumes};
    $self->{_timeout} = delete $opts{timeout};
    croak "invalid timeout" if defined $self->{_timeout} && $self->{_timeout} <= 0;
    $self->{_fs_encoding} = delete $opts{fs_encoding};
    $self->autodisconnect(delete $opts{autodisconnect});

    for (qw(transport open2_cmd ssh1)) {
        _not_supported("new option '$_'") if defined delete $opts{$_};
    }
    my $user = delete $opts{user};
    my $pass = delete $opts{passphrase};
    my $is_passphrase = defined $pass;
    $pass = delete $opts{password} unless defined $pass;
    delete $opts{password};
    my $password_prompt = delete $opts{password_prompt};
    my $ask_user = delete($opts{ask_for_username_at_login}) || delete($opts{asks_for_username_at_login});
    if (defined $pass && !$is_passphrase && $ask_user) {
        croak "ask_for_username_at_login set but user was not given" unless defined $user;
        croak "ask_for_username_at_login can not be used with a custom password prompt" if defined $password_prompt;
        _not_supported("new option 'ask_for_username_at_login'");
    }
    $self->{_stderr_discard} = delete $opts{stderr_discard};
    my $stderr_fh = delete $opts{stderr_fh};
    $self->{_stderr_fh} = $stderr_fh unless $self->{_stderr_discard};
    my $interface = delete $opts{ssh_cmd_interface};
    my $host = delete $opts{host};
    croak "sftp target host not defined" unless defined $host;
    my $key_path = delete $opts{key_path};
    my $ssh_cmd = delete $opts{ssh_cmd};
    my @ssh_cmd = defined $ssh_cmd ? _ensure_list($ssh_cmd) : ('ssh');
    $interface = "@ssh_cmd" =~ /\bplink\b/i ? 'plink' : "@ssh_cmd" =~ /\bsshg3\b/i ? 'tectia' : 'ssh'
        unless defined $interface;
    _not_supported("ssh_cmd_interface '$interface'") unless $interface eq 'ssh';
    my $port = delete $opts{port};
    my $more = delete $opts{more};
    warnings::warnif('Net::SFTP::Foreign', "'more' argument looks like it should be split first")
        if defined $more && !ref $more && $more =~ /^-\w\s+\S/;
    my @more = _ensure_list($more);
    delete $opts{redirect_stderr_to_tty};
    _croak_bad_options(sort keys %opts) if %opts;

    # The ssh arguments native adds, in its order; the daemon adds -p, -l, the host and -s sftp.
    my (@args, @prefer);
    if (defined $key_path) {
        push @prefer, 'publickey';
        push @args, map { (-i => $_) } _ensure_list($key_path);
    }
    if (defined $pass && !$is_passphrase) {
        push @args, -o => 'NumberOfPasswordPrompts=1';
        push @prefer, 'keyboard-interactive', 'password';
    }
    if (@prefer && !grep { $more[$_] eq '-o' && $more[$_ + 1] =~ /^PreferredAuthentications\W/ } 0 .. $#more - 1) {
        push @args, -o => 'PreferredAuthentications=' . join(',', @prefer);
    }
    push @args, @more;

    my %env = map { ($_ => $ENV{$_}) } grep { defined $ENV{$_} } @SSH_ENV;
    my %p = (host => $host, more => [ map { "$_" } @args ], env => \%env);
    $p{user} = "$user" if defined $user;
    $p{port} = 0 + $port if defined $port;
    $p{password} = "$pass" if defined $pass;
    $p{timeout} = 0 + $self->{_timeout} if defined $self->{_timeout};
    $p{ssh_cmd} = $ssh_cmd[0] if defined $ssh_cmd;
    unshift @{ $p{more} }, @ssh_cmd[1 .. $#ssh_cmd] if @ssh_cmd > 1;
    $self->{_dest} = (defined $user ? "$user\@" : '') . $host . (defined $port ? ":$port" : '');
    $self->{_password_authentication} = 1 if defined $pass && !$is_passphrase;

    my $env = _bridge()->call('sftp', 'open', \%p);
    if ($env->{success}) {
        my $r = $env->{result} || {};
        $self->{_handle} = $r->{handle};
        $self->{_connected} = 1;
        $self->{server_version} = $r->{server_version};
        $self->{server_extensions} = ref $r->{extensions} eq 'HASH' ? { %{ $r->{extensions} } } : {};
        $self->{_home} = $r->{home};
        $self->_replay_ssh_stderr($r);
    } else {
        $self->_open_failed($env);
    }
    return $self;
}

sub _open_failed {
    my ($self, $env) = @_;
    my $d = ref $env->{data} eq 'HASH' ? $env->{data} : {};
    my $conn = $d->{connection} || '';
    my $stderr = ref $d->{ssh_stderr} eq 'ARRAY' ? join("\n", @{ $d->{ssh_stderr} }) : $d->{ssh_stderr};
    if ($conn eq 'timeout') {
        # Native waits for the password prompt on a pty with its own clock, else for the
        # server's VERSION packet.
        return $self->_conn_lost(SSH2_FX_NO_CONNECTION, SFTP_ERR_CONNECTION_BROKEN, 'login procedure timed out')
            if $self->{_password_authentication};
        return $self->_conn_lost(undef, undef, 'Connection to remote server stalled');
    }
    if ($conn eq 'failed' || $conn eq 'lost') {
        if ($self->{_password_authentication} && defined $stderr && $stderr =~ /Host key verification failed/) {
            # Natively the host-key question shows up on the pty that also carries the password
            # prompt, and the login stops with these words (nothing reaches stderr).
            return $self->_conn_lost(SSH2_FX_NO_CONNECTION, SFTP_ERR_CONNECTION_BROKEN,
                                     "the authenticity of the target host can't be established, the remote "
                                   . "host public key is probably not present on the '~/.ssh/known_hosts' file");
        }
        $self->_replay_ssh_stderr($d);
        return $self->_conn_lost;
    }
    # The bridge could not run the session at all (no daemon, no sftp module, bad request).
    return $self->_conn_lost(SSH2_FX_NO_CONNECTION, SFTP_ERR_CONNECTION_BROKEN,
                             "Connection to remote server is broken", "cpanbridge: $env->{code}: $env->{error}");
}

sub autodisconnect {
    my ($self, $ad) = @_;
    $self->{_pid} = $$;
    # compared as numbers, as native compares them
    croak "bad value '$ad' for autodisconnect" if defined $ad && $ad != 0 && $ad != 1 && $ad != 2;
    $self->{_autodisconnect} = $ad;
    return 1;
}

sub disconnect {
    my ($self) = @_;
    my $handle = delete $self->{_handle};
    local $self->{_autodie};
    $self->_conn_lost;
    if (defined $handle) {
        # The session's own end; a daemon that is already gone took the session with it. What
        # ssh says as it exits (with -v, its closing lines) is the script's stderr natively.
        my $env = _bridge()->call('sftp', 'close', { handle => $handle });
        $self->_replay_ssh_stderr($env->{result}) if $env->{success} && ref $env->{result} eq 'HASH';
    }
    return 1;
}

# After END, CPANBridge's own END has closed (or is closing) the connection, and with it the
# daemon ends every session made on it; a DESTROY in global destruction must not open a new
# connection just to close what is already gone.
our $ENDED;
END { $ENDED = 1 }

sub DESTROY {
    local ($?, $!, $@);
    my ($self) = @_;
    return if $ENDED;
    return unless defined $self->{_handle};
    my $ad = $self->{_autodisconnect};
    return if defined $ad && $ad == 0;
    # By default only the process that made the session ends it (a forked child's copy of the
    # object goes away quietly), as native does.
    return if (!defined $ad || $ad == 2) && $self->{_pid} != $$;
    eval { $self->disconnect; 1 };
    return;
}

sub server_extensions { return %{ $_[0]{server_extensions} || {} } }

# ---------------------------------------------------------------------------------------------
# paths

sub join {
    my $self = shift;
    my ($vol, $acc) = ('', '.');
    for my $part (@_) {
        next unless defined $part;
        my $p = $part;
        if (ref $self && $self->{_remote_has_volumes} && $p =~ /^([a-z]:)(.*)/i) {
            ($vol, $acc, $p) = ($1, '.', $2);
        }
        $p =~ s{^(?:\./+)+}{};
        next if $p eq '' || $p eq '.';
        if ($p =~ m{^/} || $acc eq '.') {
            $acc = $p;
        } else {
            $acc .= '/' unless $acc =~ m{/$};
            $acc .= $p;
        }
        $acc =~ s{(?:/+\.)+/?$}{/};     # "a/./." names the directory "a/"
        $acc =~ s{(?<=[^/])/+$}{};      # ...and a trailing slash goes, except for "/"
        $acc = '.' if $acc eq '';
    }
    return "$vol$acc";
}

sub _rel2abs {
    my ($self, $path) = @_;
    return $self->join($self->{cwd}, $path);
}

# The daemon gets local paths as JSON text and opens them UTF-8 encoded. Perl opens a byte
# string's bytes and a character string's UTF-8 form, so a byte string goes as the characters
# its UTF-8 spells (the same bytes come out). A name whose bytes are not UTF-8 (Latin-1 file
# names) cannot be spelt in JSON text: the daemon gets a symbolic link with a plain name in a
# private directory of ours, pointing at the file (removed after the call by _unlink_alias).
my ($ALIAS_DIR, $ALIAS_SEQ);
sub _local_abs {
    my ($path) = @_;
    my $abs = File::Spec->rel2abs($path);
    return $abs if utf8::is_utf8($abs) || $abs !~ /[^\x00-\x7f]/;
    my $chars = $abs;
    return $chars if utf8::decode($chars);
    unless ($ALIAS_DIR) {
        require File::Temp;
        $ALIAS_DIR = File::Temp::tempdir('cpanbridge-sftp-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    }
    my $alias = "$ALIAS_DIR/" . ++$ALIAS_SEQ;
    CORE::symlink($abs, $alias) or return $abs;
    return $alias;
}

sub _unlink_alias {
    my ($p) = @_;
    unlink $p if $ALIAS_DIR && index($p, "$ALIAS_DIR/") == 0;
    return;
}

sub _file_part {
    my ($path) = @_;
    $path =~ m{([^/]*)$} or croak "unable to get file part from path '$path'";
    return $1;
}

sub _is_dir { return (($_[0] || 0) & 0170000) == 0040000 }
sub _is_lnk { return (($_[0] || 0) & 0170000) == 0120000 }

sub _inc_numbered {
    $_[0] =~ s{^(.*)\((\d+)\)((?:\.[^\.]*)?)$}{"$1(" . ($2 + 1) . ")$3"}e
        or $_[0] =~ s{((?:\.[^\.]*)?)$}{(1)$1};
    return;
}

# ---------------------------------------------------------------------------------------------
# single requests

sub realpath {
    @_ == 2 or croak 'Usage: $sftp->some_method($path)';
    my ($self, $path) = @_;
    $path = $self->_rel2abs($path);
    my $r = $self->_request('realpath', { path => $path }, SFTP_ERR_REMOTE_REALPATH_FAILED,
                            "Couldn't get realpath for remote '$path'") or return undef;
    return $r->{path};
}

sub readlink {
    @_ == 2 or croak 'Usage: $sftp->some_method($path)';
    my ($self, $path) = @_;
    $path = $self->_rel2abs($path);
    my $r = $self->_request('readlink', { path => $path }, SFTP_ERR_REMOTE_READLINK_FAILED,
                            "Couldn't get link target for remote '$path'") or return undef;
    return $r->{target};
}

sub symlink {
    @_ == 3 or croak 'Usage: $sftp->symlink($sl, $target)';
    my ($self, $link, $target) = @_;
    $link = $self->_rel2abs($link);
    $self->_request('symlink', { link_path => $link, target => $target }, SFTP_ERR_REMOTE_SYMLINK_FAILED,
                    "Couldn't create symlink '$link' pointing to '$target'") or return undef;
    return 1;
}

sub _attrs_of {
    my ($self, $function, $path, $code, $errstr) = @_;
    my $r = $self->_request($function, { path => $path }, $code, $errstr) or return undef;
    return Net::SFTP::Foreign::Attributes->_from_wire($r->{attrs});
}

sub stat {
    @_ <= 2 or croak 'Usage: $sftp->stat($path_or_fh)';
    my ($self, $path) = @_;
    $path = '.' unless defined $path;
    _not_supported('stat on a remote file handle') if ref $path;
    return $self->_attrs_of('stat', $self->_rel2abs($path), SFTP_ERR_REMOTE_STAT_FAILED, "Couldn't stat remote file");
}

sub lstat {
    @_ <= 2 or croak 'Usage: $sftp->lstat($path)';
    my ($self, $path) = @_;
    $path = '.' unless defined $path;
    return $self->_attrs_of('lstat', $self->_rel2abs($path), SFTP_ERR_REMOTE_LSTAT_FAILED, "Couldn't stat remote link");
}

sub remove {
    @_ == 2 or croak "Usage: \$sftp->remove(\$path)";
    my ($self, $path) = @_;
    $path = $self->_rel2abs($path);
    $self->_request('remove', { path => $path }, SFTP_ERR_REMOTE_REMOVE_FAILED, "Couldn't delete remote file")
        or return undef;
    return 1;
}

sub rmdir {
    @_ == 2 or croak "Usage: \$sftp->rmdir(\$path)";
    my ($self, $path) = @_;
    $path = $self->_rel2abs($path);
    $self->_request('rmdir', { path => $path }, SFTP_ERR_REMOTE_RMDIR_FAILED, "Couldn't remove remote directory")
        or return undef;
    return 1;
}

sub mkdir {
    (@_ >= 2 and @_ <= 3) or croak 'Usage: $sftp->mkdir($path [, $attrs])';
    my ($self, $path, $attrs) = @_;
    $path = $self->_rel2abs($path);
    my %p = (path => $path);
    $p{attrs} = $attrs->_to_wire if defined $attrs && ($attrs->{flags} || 0);
    $self->_request('mkdir', \%p, SFTP_ERR_REMOTE_MKDIR_FAILED, "Couldn't create remote directory") or return undef;
    return 1;
}

sub setstat {
    @_ == 3 or croak 'Usage: $sftp->setstat($path_or_fh, $attrs)';
    my ($self, $path, $attrs) = @_;
    _not_supported('setstat on a remote file handle') if ref $path;
    $path = $self->_rel2abs($path);
    $self->_request('setstat', { path => $path, attrs => $attrs->_to_wire }, SFTP_ERR_REMOTE_SETSTAT_FAILED,
                    "Couldn't setstat remote file") or return undef;
    return 1;
}

# chmod/chown/utime/truncate: setstat with one member, worded "(name)" as native words them.
for my $shortcut ([chmod => 1, sub { { perm => 0 + $_[0] } }],
                  [chown => 2, sub { { uid => 0 + $_[0], gid => 0 + $_[1] } }],
                  [utime => 2, sub { { atime => 0 + $_[0], mtime => 0 + $_[1] } }],
                  [truncate => 1, sub { { size => 0 + $_[0] } }]) {
    my ($name, $nargs, $make) = @$shortcut;
    my $usage = "\$sftp->$name(" . CORE::join(', ', '$path_or_fh', map { "arg$_" } 1 .. $nargs) . ')';
    no strict 'refs';
    *$name = sub {
        @_ == 2 + $nargs or croak $usage;
        my ($self, $path, @args) = @_;
        _not_supported("$name on a remote file handle") if ref $path;
        $path = $self->_rel2abs($path);
        $self->_request('setstat', { path => $path, attrs => $make->(@args) }, SFTP_ERR_REMOTE_SETSTAT_FAILED,
                        "Couldn't setstat remote file ($name)") or return undef;
        return 1;
    };
}

sub _rename {
    my ($self, $old, $new, $overwrite) = @_;
    $old = $self->_rel2abs($old);
    $new = $self->_rel2abs($new);
    $self->_request('rename', { old_path => $old, new_path => $new, ($overwrite ? (overwrite => JSON::PP::true()) : ()) },
                    SFTP_ERR_REMOTE_RENAME_FAILED, "Couldn't rename remote file '$old' to '$new'") or return undef;
    return 1;
}

sub atomic_rename {
    @_ == 3 or croak 'Usage: $sftp->atomic_rename($old, $new)';
    my ($self, $old, $new) = @_;
    unless (($self->{server_extensions}{'posix-rename@openssh.com'} || '') eq '1') {
        $self->_set_status(SSH2_FX_OP_UNSUPPORTED);
        $self->_set_error(SFTP_ERR_REMOTE_RENAME_FAILED, 'atomic rename failed: extended operation not supported by server');
        return undef;
    }
    return $self->_rename($old, $new, 1);
}

sub rename {
    (@_ & 1) or croak 'Usage: $sftp->rename($old, $new, %opts)';
    my ($self, $old, $new, %opts) = @_;
    my $overwrite = delete $opts{overwrite};
    my $numbered = delete $opts{numbered};
    croak "'overwrite' and 'numbered' options can not be used together" if $overwrite && $numbered;
    _croak_bad_options(sort keys %opts) if %opts;
    if ($overwrite) {
        return 1 if $self->atomic_rename($old, $new);
        return undef if $self->{_status} != SSH2_FX_OP_UNSUPPORTED;
    }
    {
        local $self->{_autodie};
        # Optimistic, as native: rename first, look at what is in the way only when it fails.
        if (!$self->_rename($old, $new) && $self->{_status} == SSH2_FX_FAILURE) {
            if ($numbered && $self->test_e($new)) {
                _inc_numbered($new);
                ${$numbered} = $new if ref $numbered;
                redo;
            }
            elsif ($overwrite) {
                my $rp_old = $self->realpath($old);
                my $rp_new = $self->realpath($new);
                if (defined $rp_old && defined $rp_new && $rp_old eq $rp_new) {
                    $self->_clear_error_and_status;
                } elsif ($self->remove($new)) {
                    $overwrite = 0;
                    redo;
                }
            }
        }
    }
    return $self->_ok_or_autodie;
}

sub test_d {
    my ($self, $name) = @_;
    {
        local $self->{_autodie};
        my $a = $self->stat($name);
        return _is_dir($a->perm) if $a;
    }
    if ($self->{_status} == SSH2_FX_NO_SUCH_FILE) {
        $self->_clear_error_and_status;
        return undef;
    }
    return $self->_ok_or_autodie;
}

sub test_e {
    my ($self, $name) = @_;
    {
        local $self->{_autodie};
        return 1 if $self->stat($name);
    }
    if ($self->{_status} == SSH2_FX_NO_SUCH_FILE) {
        $self->_clear_error_and_status;
        return undef;
    }
    return $self->_ok_or_autodie;
}

# ---------------------------------------------------------------------------------------------
# working directory (client side, as native keeps it)

sub setcwd {
    my ($self, $cwd, %opts) = @_;
    $self->_clear_error_and_status;
    my $check = delete $opts{check};
    $check = 1 unless defined $check;
    _croak_bad_options(sort keys %opts) if %opts;
    if (defined $cwd) {
        if ($check) {
            $cwd = $self->realpath($cwd);
            return undef unless defined $cwd;
            my $a = $self->stat($cwd) or return undef;
            unless (_is_dir($a->perm)) {
                $self->_set_error(SFTP_ERR_REMOTE_BAD_OBJECT, "Remote object '$cwd' is not a directory");
                return undef;
            }
        } else {
            $cwd = $self->_rel2abs($cwd);
        }
        return $self->{cwd} = $cwd;
    }
    delete $self->{cwd};
    return $self->cwd if defined wantarray;
    return;
}

sub cwd {
    @_ == 1 or croak 'Usage: $sftp->cwd()';
    my ($self) = @_;
    return $self->{cwd} if defined $self->{cwd};
    # realpath('.') of a live session never changes: the daemon told it at open.
    if (defined $self->{_home} && $self->{_connected}) {
        $self->_clear_error_and_status;
        return $self->{_home};
    }
    return $self->realpath('');
}

sub mkpath {
    (@_ >= 2 and @_ <= 4) or croak 'Usage: $sftp->mkpath($path [, $attrs [, $parent]])';
    my ($self, $path, $attrs, $parent) = @_;
    $self->_clear_error_and_status;
    my $skip_last = !$parent;    # the first trip round removes nothing unless only the parent is wanted
    $path =~ s{^(/*)}{};
    my $root = $1;
    $path =~ s{/+$}{};
    my @missing;
    while (1) {
        if ($skip_last) { $skip_last = 0 } else { $path =~ s{/*[^/]*$}{} }
        my $p = "$root$path";
        last if $self->test_d($p);
        unless (length $path) {
            $self->_set_error(SFTP_ERR_REMOTE_MKDIR_FAILED, 'Unable to make path, bad root');
            return undef;
        }
        unshift @missing, $p;
    }
    for my $p (@missing) {
        if ($p =~ m{^(?:.*/)?\.{1,2}$} || $p =~ m{/$}) {
            unless ($self->test_d($p)) {
                $self->_set_error(SFTP_ERR_REMOTE_MKDIR_FAILED, 'Unable to make path, bad name') unless $self->{_error};
                return undef;
            }
        } else {
            $self->mkdir($p, $attrs) or return undef;
        }
    }
    return 1;
}

# ---------------------------------------------------------------------------------------------
# listing

sub _gen_wanted {
    my ($w, $nw) = @_;
    my ($ow, $onw) = ($w, $nw);
    $w = sub { $_[1]{filename} =~ $ow } if ref $w eq 'Regexp';
    if (ref $nw eq 'Regexp') {
        $nw = sub { $_[1]{filename} !~ $onw };
    } elsif (defined $nw) {
        $nw = sub { !&$onw };
    }
    return sub { &$nw and &$w } if defined $w && defined $nw;
    return $w || $nw;
}

sub ls {
    @_ >= 1 or croak 'Usage: $sftp->ls($remote_dir, %opts)';
    my $self = shift;
    my %opts = @_ & 1 ? (dir => @_) : @_;
    my $dir = delete $opts{dir};
    my $ordered = delete $opts{ordered};
    my $follow_links = delete $opts{follow_links};
    my $atomic_readdir = delete $opts{atomic_readdir};
    my $names_only = delete $opts{names_only};
    my $realpath = delete $opts{realpath};
    delete $opts{queue_size};
    my $wanted = delete $opts{_wanted} || _gen_wanted(delete $opts{wanted}, delete $opts{no_wanted});
    _croak_bad_options(sort keys %opts) if %opts;

    $dir = '.' unless defined $dir;
    $dir = $self->_rel2abs($dir);
    my $r = $self->_request('list_files', { remote_path => $dir }, SFTP_ERR_REMOTE_OPENDIR_FAILED,
                            "Couldn't open remote dir '$dir'") or return;
    my @dir;
    {
        local $self->{_autodie};
        for my $e (@{ $r->{entries} || [] }) {
            my $fn = $e->{filename};
            my $entry = { filename => $fn, longname => $e->{longname},
                          a => Net::SFTP::Foreign::Attributes->_from_wire($e->{attrs}) };
            if ($follow_links && _is_lnk($entry->{a}->perm)) {
                if (my $a = $self->stat($self->join($dir, $fn))) { $entry->{a} = $a }
                else { $self->_clear_error_and_status }
            }
            if ($realpath) {
                my $rp = $self->realpath($self->join($dir, $fn));
                if (defined $rp) { $fn = $entry->{realpath} = $rp }
                else { $self->_clear_error_and_status }
            }
            # atomic_readdir only changes when wanted runs (after the listing); one request
            # lists the whole directory here, so the result is the same either way.
            if (!$wanted || $wanted->($self, $entry)) {
                push @dir, $names_only ? $fn : $entry;
            }
        }
    }
    return undef unless $self->_ok_or_autodie;
    if ($ordered) {
        @dir = $names_only ? sort(@dir) : sort { $a->{filename} cmp $b->{filename} } @dir;
    }
    return \@dir;
}

sub _glob_to_regex {
    my ($glob, $strict_leading_dot, $ignore_case) = @_;
    my ($re, $depth, $escaped, $wild) = ('', 0, 0, 0);
    my $at_start = 1;
    while ($glob =~ /\G(.)/gs) {
        my $c = $1;
        if ($c eq '\\' && !$escaped) { $escaped = 1; next }
        if ($at_start) {
            $re .= '(?=[^\.])' if $strict_leading_dot && $c ne '.';
            $at_start = 0;
        }
        $at_start = 1 if $c eq '/';
        if ($escaped) {
            $re .= quotemeta $c;
        } elsif ($c eq '*') { $re .= '.*'; $wild++ }
        elsif ($c eq '?') { $re .= '.'; $wild++ }
        elsif ($c eq '{') { $re .= '(?:(?:'; $depth++; $wild++ }
        elsif ($c eq '}') {
            $re .= '))';
            croak 'invalid glob pattern' if --$depth < 0;
            $wild++;
        }
        elsif ($c eq ',' && $depth) { $re .= ')|(?:'; $wild++ }
        elsif ($c eq '[') {
            $glob =~ /\G((?:\\.|[^\]])+)\]/gc or croak 'invalid glob pattern';
            $re .= "[$1]";
            $wild++;
        }
        else { $re .= quotemeta $c }
        $escaped = 0;
    }
    croak 'invalid glob pattern' if $depth;
    my $qr = $ignore_case ? qr/^$re$/i : qr/^$re$/;
    return wantarray ? ($qr, $wild ? 1 : undef) : $qr;
}

sub glob {
    @_ >= 2 or croak 'Usage: $sftp->glob($pattern, %opts)';
    my ($self, $glob, %opts) = @_;
    return () if $glob eq '';
    my $on_error = delete $opts{on_error};
    local $self->{_autodie} if $on_error;
    my $follow_links = delete $opts{follow_links};
    my $ignore_case = delete $opts{ignore_case};
    my $names_only = delete $opts{names_only};
    my $realpath = delete $opts{realpath};
    my $ordered = delete $opts{ordered};
    my $wanted = _gen_wanted(delete $opts{wanted}, delete $opts{no_wanted});
    my $strict = delete $opts{strict_leading_dot};
    $strict = 1 unless defined $strict;
    _croak_bad_options(sort keys %opts) if %opts;

    my $wantarray = wantarray;
    my $on_err = sub {
        my ($e) = @_;
        $on_error->($self, $e) if $on_error && $self->error;
        $self->_clear_error_and_status;
    };
    my (@parts, $top);
    if (ref $glob eq 'Regexp') {
        @parts = ($glob);
        $top = '.';
    } else {
        @parts = ($glob =~ m{\G/*([^/]+)}g);
        push @parts, '.' unless @parts;
        $top = $glob =~ m{^/} ? '/' : '.';
    }
    my @res = ({ filename => $top });
    my $count = 0;
    while (@parts && @res) {
        my @parents = @res;
        @res = ();
        my $part = shift @parts;
        my ($re, $wild) = ref $part eq 'Regexp' ? ($part, 1) : _glob_to_regex($part, $strict, $ignore_case);
        for my $parent (@parents) {
            my $pfn = $parent->{filename};
            if ($wild) {
                $self->ls($pfn, ordered => $ordered, _wanted => sub {
                    my $e = $_[1];
                    return undef unless $e->{filename} =~ $re;
                    my $fn = $e->{filename} = $self->join($pfn, $e->{filename});
                    if ((@parts || $follow_links) && _is_lnk($e->{a}->perm)) {
                        my $a = $self->stat($fn);
                        unless ($a) { $on_err->($e) if $on_error; return undef }
                        $e->{a} = $a;
                    }
                    if (@parts) {
                        push @res, $e if _is_dir($e->{a}->perm);
                    } elsif (!$wanted || $wanted->($self, $e)) {
                        if ($wantarray) {
                            if ($realpath) {
                                my $rp = $e->{realpath} = $self->realpath($e->{filename});
                                unless (defined $rp) { $on_err->($e) if $on_error; return undef }
                            }
                            push @res, $names_only ? ($realpath ? $e->{realpath} : $e->{filename}) : $e;
                        }
                        $count++;
                    }
                    return undef;
                }) or ($on_error and $on_err->($parent));
            } else {
                my $fn = $self->join($pfn, $part);
                my $method = (@parts || $follow_links) ? 'stat' : 'lstat';
                my $a = $self->$method($fn) or next;
                my $e = { filename => $fn, a => $a };
                if (@parts) {
                    push @res, $e if _is_dir($a->{perm});
                } elsif (!$wanted || $wanted->($self, $e)) {
                    if ($wantarray) {
                        if ($realpath) {
                            my $rp = $fn = $e->{realpath} = $self->realpath($fn);
                            unless (defined $rp) { $on_err->($e) if $on_error; next }
                        }
                        push @res, $names_only ? $fn : $e;
                    }
                    $count++;
                }
            }
        }
    }
    return wantarray ? @res : $count;
}

# ---------------------------------------------------------------------------------------------
# transfers

# Which SFTP request of a daemon transfer failed. The daemon runs open, write/read and close as
# one call; its data may name the request, else the status tells (an open is what answers "no
# such file" or "permission denied", and "failure" when the file had to be new).
sub _failed_request {
    my ($env, $exclusive) = @_;
    my $d = ref $env->{data} eq 'HASH' ? $env->{data} : {};
    for my $k (qw(request op stage)) {
        return lc $d->{$k} if defined $d->{$k} && !ref $d->{$k};
    }
    return 'open' if defined $d->{status} && ($d->{status} == SSH2_FX_NO_SUCH_FILE
                                           || $d->{status} == SSH2_FX_PERMISSION_DENIED
                                           || ($exclusive && $d->{status} == SSH2_FX_FAILURE));
    return 'open' if ($env->{error} || '') =~ /\bopen\b/i && !defined $d->{bytes};
    return 'write';
}

sub put {
    @_ >= 2 or croak 'Usage: $sftp->put($local, $remote, %opts)';
    my ($self, $local, $remote, %opts) = @_;
    croak "local file path is undefined" unless defined $local;
    $self->_clear_error_and_status;
    my $is_fh = ref $local && UNIVERSAL::isa($local, 'GLOB');
    unless (defined $remote) {
        croak "unable to infer remote file name when a file handler is passed as local" if $is_fh;
        $remote = (File::Spec->splitpath($local))[2];
    }
    return $self->_put({ local => $local, is_fh => $is_fh }, $remote, %opts);
}

sub put_content {
    @_ >= 3 or croak 'Usage: $sftp->put_content($content, $remote, %opts)';
    my ($self, undef, $remote, %opts) = @_;
    my %put = map { ($_ => delete $opts{$_}) }
              grep { exists $opts{$_} }
              qw(perm umask block_size queue_size overwrite conversion resume numbered late_set_perm atomic
                 best_effort mkpath);
    _croak_bad_options(sort keys %opts) if %opts;
    $self->_clear_error_and_status;
    my $content = $_[1];
    $content = '' unless defined $content;
    utf8::downgrade($content, 1) or croak 'wide characters unexpectedly read from file';
    return $self->_put({ content => \$content, is_fh => 1 }, $remote, %put);
}

sub _put {
    my ($self, $src, $remote, %opts) = @_;
    my $is_fh = $src->{is_fh};
    my $local = $src->{local};

    my $umask = delete $opts{umask};
    my $perm = delete $opts{perm};
    my $copy_perm = delete $opts{copy_perm};
    $copy_perm = delete $opts{copy_perms} unless defined $copy_perm;
    delete $opts{copy_perms};
    my $copy_time = delete $opts{copy_time};
    my $overwrite = delete $opts{overwrite};
    my $resume = delete $opts{resume};
    my $append = delete $opts{append};
    my $block_size = delete $opts{block_size} || $self->{_block_size};
    my $queue_size = delete $opts{queue_size} || $self->{_queue_size};
    my $late_set_perm = delete $opts{late_set_perm};
    my $numbered = delete $opts{numbered};
    my $atomic = delete $opts{atomic};
    my $cleanup = delete $opts{cleanup};
    my $best_effort = delete $opts{best_effort};
    my $mkpath = delete $opts{mkpath};
    for (qw(callback conversion sparse)) {
        _not_supported("put option '$_'") if defined delete $opts{$_};
    }

    croak "'perm' and 'umask' options can not be used simultaneously" if defined $perm && defined $umask;
    croak "'perm' and 'copy_perm' options can not be used simultaneously" if defined $perm && $copy_perm;
    croak "'resume' and 'append' options can not be used simultaneously" if $resume && $append;
    croak "'resume' and 'overwrite' options can not be used simultaneously" if $resume && $overwrite;
    croak "'numbered' can not be used with 'overwrite', 'resume' or 'append'"
        if $numbered && ($overwrite || $resume || $append);
    croak "'atomic' can not be used with 'resume' or 'append'" if $atomic && ($resume || $append);
    _croak_bad_options(sort keys %opts) if %opts;
    _not_supported("put option 'append'") if $append;
    _not_supported("put option 'numbered'") if $numbered;

    $overwrite = 1 unless defined $overwrite || $numbered;
    $copy_perm = 1 unless defined $perm || defined $copy_perm || $is_fh;
    $copy_time = 1 unless defined $copy_time || $is_fh;
    $late_set_perm = $self->{_late_set_perm} unless defined $late_set_perm;
    $cleanup = ($atomic || $numbered) unless defined $cleanup;
    $mkpath = 1 unless defined $mkpath;

    my $neg_umask;
    if (defined $perm) {
        $neg_umask = $perm;
    } else {
        $umask = umask unless defined $umask;
        $neg_umask = 0777 & ~$umask;
    }

    # The local side, read as native reads it: open first (its $! is the script's), then stat.
    my ($lmode, $lsize, $latime, $lmtime);
    my ($path_abs, $content);
    if ($src->{content}) {
        $content = $src->{content};
        $lsize = length $$content;
    } elsif ($is_fh) {
        # A handle of the script's: what is left in it travels as the content.
        local $/;
        my $data = readline($local);
        $data = '' unless defined $data;
        utf8::downgrade($data, 1) or croak 'wide characters unexpectedly read from file';
        $content = \$data;
        my @st = eval { no warnings; CORE::stat($local) };
        ($lmode, $latime, $lmtime) = @st[2, 8, 9] if @st;
        $lsize = length $data;
    } else {
        my $fh;
        unless (CORE::open($fh, '<', $local)) {
            $self->_set_error(SFTP_ERR_LOCAL_OPEN_FAILED, "Unable to open local file '$local'", $!);
            return undef;
        }
        my @st = CORE::stat($fh);
        if (@st) {
            ($lmode, $lsize, $latime, $lmtime) = @st[2, 7, 8, 9];
        } elsif ($copy_perm || $copy_time) {
            $self->_set_error(SFTP_ERR_LOCAL_STAT_FAILED, "Couldn't stat local file '$local'", $!);
            return undef;
        } elsif ($resume && $resume eq 'auto') {
            undef $resume;
        }
        CORE::close($fh);
        $path_abs = _local_abs($local);
        # open(2) takes a directory; native then makes the remote file and fails at the first
        # read. The same here: an empty remote file, then the read error.
        if (-d $local) {
            $src->{is_dir} = 1;
            undef $path_abs;
            $content = \'';
        }
    }

    $perm = $lmode & $neg_umask if $copy_perm;
    my $writeoff = 0;

    if ($resume) {
        my $rattrs = do { local $self->{_autodie}; $self->stat($remote) };
        if ($rattrs) {
            if ($resume eq 'auto' && $rattrs->mtime <= $lmtime) {
                undef $resume;
            } else {
                $writeoff = $rattrs->size;
            }
        } else {
            $self->_clear_error_and_status;
        }
        if ($writeoff) {
            if (defined $lsize && $writeoff > $lsize) {
                $self->_set_error(SFTP_ERR_REMOTE_BIGGER_THAN_LOCAL,
                                  "Couldn't resume transfer, remote file is bigger than local");
                return undef;
            }
            if (defined $lsize && $writeoff == $lsize) {
                # Native compares the whole st_mode with the permission bits here, so it always
                # sets them again.
                if (defined $perm && $rattrs->perm != $perm) {
                    my $a = Net::SFTP::Foreign::Attributes->new;
                    $a->set_perm($perm);
                    return $self->_best_effort($best_effort, setstat => $remote, $a);
                }
                return 1;
            }
        }
    }

    my ($atomic_remote);
    my $target = $remote;
    my $exclusive = !$overwrite;
    if (!$writeoff && $atomic) {
        if (!$overwrite && $self->test_e($remote)) {
            $self->_set_status(SSH2_FX_FAILURE);
            $self->_set_error(SFTP_ERR_REMOTE_ALREADY_EXISTS, "Remote file '$remote' already exists");
            return undef;
        }
        $atomic_remote = $remote;
        $target = $remote . sprintf('(%d).tmp', rand(10000));
        $exclusive = 1;
    }

    # The mode and times go with the transfer (the daemon sets them on the open file, as native
    # does the mode) unless best_effort wants their failures ignored, which takes calls of
    # their own.
    my %set;
    if (!$best_effort && !$src->{is_dir}) {
        @set{qw(atime mtime)} = ($latime, $lmtime) if $copy_time && defined $lmtime && defined $path_abs;
        $set{perm} = 1 if defined $perm;
    }
    my $sent = do {
        local $self->{_autodie};
        $self->_put_bytes($path_abs, $content, $target, $writeoff, $exclusive, $perm, $mkpath, $overwrite,
                          !!$atomic_remote, $block_size, $queue_size, $local, \%set);
    };
    _unlink_alias($path_abs) if defined $path_abs;
    if (!$sent) {
        if ($sent->{opened} && $cleanup && $self->{_error}) {
            warn "cleanup $target";
            $self->_remove_save_status($target);
        }
        return $self->_ok_or_autodie;
    }

    {
        local $self->{_autodie};
        # Native sets the mode on the open file before writing and the times after closing; both
        # land on the same file, so one setstat after the bytes has the same outcome.
        my $attrs = Net::SFTP::Foreign::Attributes->new;
        $attrs->set_perm($perm) if defined $perm && !$sent->{_perm_set};
        if ($src->{is_dir}) {
            if ($attrs->{flags}) {
                $self->_best_effort($best_effort, setstat => $target, $attrs) or goto CLEANUP;
            }
            local $! = Errno::EISDIR();
            $self->_set_error(SFTP_ERR_LOCAL_READ_ERROR, "Couldn't read from local file '$local'", "$!");
            goto CLEANUP;
        }
        $attrs->set_amtime($latime, $lmtime) if $copy_time && defined $lmtime && !$sent->{_times_set};
        if ($attrs->{flags}) {
            $self->_best_effort($best_effort, setstat => $target, $attrs) or goto CLEANUP;
        }
        if ($atomic_remote) {
            $self->rename($target, $atomic_remote, overwrite => $overwrite) or goto CLEANUP;
        }
      CLEANUP:
        if ($cleanup && $self->{_error}) {
            warn "cleanup $target";
            $self->_remove_save_status($target);
        }
    }
    return $self->_ok_or_autodie;
}

# The failure result of _put_bytes: false, but says whether the remote file was opened (so
# cleanup applies).
sub _put_failed { my $opened = $_[0]; return bless { opened => $opened }, 'Net::SFTP::Foreign::_Failed' }
{ package Net::SFTP::Foreign::_Failed; use overload 'bool' => sub { 0 }, fallback => 1; }

# One daemon transfer with native's open retries: a missing directory is made (mkpath) and a
# file the server will not open for writing is removed first when overwriting.
sub _put_bytes {
    my ($self, $path_abs, $content, $remote, $writeoff, $exclusive, $perm, $mkpath, $overwrite, $numbered,
        $block_size, $queue_size, $local, $set) = @_;
    $self->_alive or return _put_failed(0);
    my $rpath = $self->_rel2abs($remote);
    my $removed;
    my $made_path;
    while (1) {
        my %p = (remote_file => $rpath, block_size => 0 + $block_size, queue_size => 0 + $queue_size);
        $p{perm} = $perm & 07777 if defined $perm;
        $p{exclusive} = JSON::PP::true() if $exclusive;
        if ($writeoff) {
            $p{offset} = 0 + $writeoff;
            $p{truncate} = JSON::PP::false();
        }
        my $set_perm = $set->{perm} && !$NO_SET_PERM;
        $p{set_perm} = JSON::PP::true() if $set_perm;
        my $set_times = defined $set->{mtime} && defined $path_abs;
        @p{qw(atime mtime)} = (0 + $set->{atime}, 0 + $set->{mtime}) if $set_times;
        my $env;
        if (defined $path_abs) {
            $env = $self->_call('put', { %p, local_file => $path_abs });
        } else {
            my $bytes = $writeoff ? substr($$content, $writeoff) : $$content;
            delete @p{qw(offset truncate block_size queue_size)};
            _not_supported('put_content with resume') if $writeoff;
            $env = $self->_call('put_content', \%p, $bytes);
        }
        if (!$env->{success} && $set_perm && ($env->{code} || '') eq 'E_USAGE'
            && ($env->{error} || '') =~ /unknown parameter 'set_perm'/) {
            # A daemon without it: the mode then takes a setstat of its own (docs/sftp.md).
            $NO_SET_PERM = 1;
            next;
        }
        if ($env->{success}) {
            $self->_clear_error_and_status;
            my $r = $env->{result} || {};
            $r->{_perm_set} = 1 if $set_perm;
            $r->{_times_set} = 1 if $set_times;
            return $r;
        }
        # Lost half-way: natively the file was open by then (and cleanup applies), unless the
        # daemon says it was the open that never got an answer.
        return _put_failed(_failed_request($env, $exclusive) eq 'open' && ref $env->{data} eq 'HASH'
                           && defined $env->{data}{request} ? 0 : 1) if $self->_session_gone($env);
        my $d = ref $env->{data} eq 'HASH' ? $env->{data} : {};
        if (defined $d->{local_errno}) {
            local $! = $d->{local_errno};
            $self->_set_error(SFTP_ERR_LOCAL_READ_ERROR, "Couldn't read from local file '$local'", "$!");
            return _put_failed(1);
        }
        my $stage = _failed_request($env, $exclusive);
        if ($stage eq 'open') {
            my $status = $d->{status};
            if ($mkpath && !$made_path && defined $status && $status == SSH2_FX_NO_SUCH_FILE) {
                $made_path = 1;
                my $da = Net::SFTP::Foreign::Attributes->new;
                $da->set_perm(($perm || 0) | 0700);
                $self->mkpath($remote, $da, 1) or return _put_failed(0);
                next;
            }
            if ($numbered && defined $status && $status == SSH2_FX_FAILURE) {
                # the temporary name is taken: the next number, as native's numbered open
                my $taken = do { local ($self->{_error}, $self->{_status}); $self->test_e($remote) };
                if ($taken) {
                    _inc_numbered($remote);
                    $rpath = $self->_rel2abs($remote);
                    $_[3] = $remote;
                    next;
                }
            }
            if (!$removed && $overwrite && !$exclusive && defined $status && $status == SSH2_FX_PERMISSION_DENIED) {
                $removed = 1;
                local ($self->{_status}, $self->{_error});
                $self->remove($remote);
                next;
            }
            $self->_remote_failed($env, SFTP_ERR_REMOTE_OPEN_FAILED, "Couldn't open remote file '$rpath'");
            return _put_failed(0);
        }
        if ($stage =~ /setstat/) {
            $self->_remote_failed($env, SFTP_ERR_REMOTE_SETSTAT_FAILED, "Couldn't setstat remote file");
            return _put_failed(1);
        }
        if ($stage eq 'close') {
            $self->_remote_failed($env, SFTP_ERR_REMOTE_CLOSE_FAILED, "Couldn't close remote file");
            return _put_failed(1);
        }
        $self->_remote_failed($env, SFTP_ERR_REMOTE_WRITE_FAILED, "Couldn't write to remote file")
            or $self->_set_error(SFTP_ERR_REMOTE_WRITE_FAILED, "Couldn't write to remote file", $env->{error});
        return _put_failed(1);
    }
}

sub _best_effort {
    my ($self, $best_effort, $method, @args) = @_;
    local ($self->{_error}, $self->{_autodie}) if $best_effort;
    $self->$method(@args);
    return ($best_effort || !$self->{_error}) ? 1 : undef;
}

sub _remove_save_status {
    my ($self, $path) = @_;
    local ($self->{_error}, $self->{_status}) if $self->{_error};
    local $self->{_autodie};
    $self->remove($path);
    return;
}

sub get {
    @_ >= 2 or croak 'Usage: $sftp->get($remote, $local, %opts)';
    my ($self, $remote, $local, %opts) = @_;
    croak "remote file path is undefined" unless defined $remote;
    $self->_clear_error_and_status;
    $remote = $self->_rel2abs($remote);
    $local = _file_part($remote) unless defined $local;
    my $is_fh = ref $local && UNIVERSAL::isa($local, 'GLOB');

    my $umask = delete $opts{umask};
    my $perm = delete $opts{perm};
    my $copy_perm = delete $opts{exists $opts{copy_perm} ? 'copy_perm' : 'copy_perms'};
    my $copy_time = delete $opts{copy_time};
    my $overwrite = delete $opts{overwrite};
    my $resume = delete $opts{resume};
    my $append = delete $opts{append};
    my $block_size = delete $opts{block_size} || $self->{_block_size};
    my $queue_size = delete $opts{queue_size} || $self->{_queue_size};
    my $dont_save = delete $opts{dont_save};
    my $numbered = delete $opts{numbered};
    my $cleanup = delete $opts{cleanup};
    my $atomic = delete $opts{atomic};
    my $best_effort = delete $opts{best_effort};
    my $mkpath = delete $opts{mkpath};
    for (qw(callback conversion)) {
        _not_supported("get option '$_'") if defined delete $opts{$_};
    }

    croak "'perm' and 'copy_perm' options can not be used simultaneously" if defined $perm && defined $copy_perm;
    croak "'numbered' can not be used with 'overwrite', 'resume' or 'append'"
        if $numbered && ($overwrite || $resume || $append);
    if ($resume || $append) {
        croak "'resume' and 'append' options can not be used simultaneously" if $resume && $append;
        croak "'atomic' can not be used with 'resume' or 'append'" if $atomic;
        croak "'overwrite' can not be used with 'resume' or 'append'" if $overwrite;
    }
    if ($is_fh) {
        my $tail = 'option can not be used when target is a file handle';
        croak "'resume' $tail" if $resume;
        croak "'overwrite' $tail" if $overwrite;
        croak "'numbered' $tail" if $numbered;
        croak "'dont_save' $tail" if $dont_save;
        croak "'croak' $tail" if $atomic;
    }
    _croak_bad_options(sort keys %opts) if %opts;
    _not_supported("get option 'append'") if $append;
    _not_supported("get option 'numbered'") if $numbered;
    _not_supported("get option 'dont_save'") if $dont_save;

    $overwrite = 1 unless defined $overwrite || $is_fh || $numbered || $append;
    $copy_perm = 1 unless defined $perm || defined $copy_perm || $is_fh;
    $copy_time = 1 unless defined $copy_time || $is_fh;
    $mkpath = 1 unless defined $mkpath;
    $cleanup = ($atomic || $numbered) unless defined $cleanup;

    my $a = do { local $self->{_autodie}; $self->stat($remote) };
    my ($rperm, $size, $atime, $mtime) = $a ? ($a->perm, $a->size, $a->atime, $a->mtime) : ();
    $size = -1 unless defined $size;

    if ($copy_time && !defined $atime) {
        if ($best_effort) {
            undef $copy_time;
        } else {
            $self->_ok_or_autodie
                and $self->_set_error(SFTP_ERR_REMOTE_STAT_FAILED, 'Not enough information on stat, amtime not included');
            return undef;
        }
    }
    $umask = (defined $perm ? 0 : umask) unless defined $umask;
    if ($copy_perm) {
        if (defined $rperm) {
            $perm = $rperm;
        } elsif ($best_effort) {
            undef $copy_perm;
        } else {
            $self->_ok_or_autodie
                and $self->_set_error(SFTP_ERR_REMOTE_STAT_FAILED, 'Not enough information on stat, mode not included');
            return undef;
        }
    }
    $perm &= ~$umask if defined $perm;
    $self->_clear_error_and_status;

    if ($resume && $resume eq 'auto') {
        undef $resume;
        if (defined $mtime) {
            if (my @lst = CORE::stat($local)) { $resume = ($mtime <= $lst[9]) }
        }
    }

    if ($is_fh) {
        # The script's own handle: the bytes come back as content and are printed into it.
        my $env = $self->_alive ? $self->_call('get_content', { remote_file => $remote }) : undef;
        return $self->_ok_or_autodie unless $env;
        unless ($env->{success}) {
            $self->_remote_failed($env, SFTP_ERR_REMOTE_OPEN_FAILED, "Couldn't open remote file '$remote'");
            return $self->_ok_or_autodie;
        }
        local $\;
        my $data = defined $env->{attachment} ? $env->{attachment} : '';
        unless (print {$local} $data) {
            local $self->{_autodie};
            $self->_set_error(SFTP_ERR_LOCAL_WRITE_FAILED, "unable to write data to local file $local", $!);
        }
        return $self->_ok_or_autodie;
    }

    unless ($overwrite || $resume) {
        if (-e $local) {
            $self->_set_error(SFTP_ERR_LOCAL_ALREADY_EXISTS, "local file $local already exists");
            return undef;
        }
    }
    my ($atomic_local, $atomic_cleanup);
    if ($atomic) {
        $atomic_local = $local;
        $local .= sprintf('(%d).tmp', rand(10000));
        $numbered = 1;
    }

    my $askoff = 0;
    my $fh;
    if ($resume) {
        if (CORE::open($fh, '+<', $local)) {
            binmode $fh;
            CORE::seek($fh, 0, 2);
            $askoff = CORE::tell($fh);
            if ($askoff < 0) {
                $askoff = 0;
                undef $fh;
            } else {
                if ($size >= 0 && $askoff > $size) {
                    $self->_set_error(SFTP_ERR_LOCAL_BIGGER_THAN_REMOTE,
                                      "Couldn't resume transfer, local file is bigger than remote");
                    return undef;
                }
                return 1 if $size == $askoff;
            }
            CORE::close($fh) if $fh;
        } else {
            undef $fh;
        }
    }
    $self->_alive or return $self->_ok_or_autodie;

    # Native opens the remote file before touching the local one; here the daemon opens it while
    # writing, so a file being replaced is moved aside and comes back if the remote open fails.
    my $saved;
    unless ($fh) {
        my $flags = Fcntl::O_CREAT() | Fcntl::O_WRONLY();
        $flags |= Fcntl::O_EXCL() if $numbered || !$overwrite;
        if ($overwrite && -e $local && !-d _) {
            $saved = $local . sprintf('.cpanbridge-%d-%d', $$, rand(1e9));
            undef $saved unless CORE::rename($local, $saved);
            unlink $local unless $saved;
        }
        my $open_perm = defined $perm ? $perm : 0666;
        my $autodie = $self->{_autodie};
        my $ok;
        {
            # Failures are raised below, once the umask and a moved-aside file are back.
            local $self->{_autodie};
            my $old_umask = umask $umask;
            $self->_mkpath_local($local, $open_perm | 0700, 1) if $mkpath;
            # under autodie native dies of a failed mkpath; otherwise the open reports
            unless ($autodie && $self->{_error}) {
                while (1) {
                    if (sysopen(my $new, $local, $flags, $open_perm & 07777)) { CORE::close($new); $ok = 1; last }
                    unless ($numbered && -e $local) {
                        $self->_set_error(SFTP_ERR_LOCAL_OPEN_FAILED, "Can't open $local", $!);
                        last;
                    }
                    _inc_numbered($local);
                }
            }
            umask $old_umask;
        }
        unless ($ok) {
            CORE::rename($saved, $local) if $saved;
            return $self->_ok_or_autodie;
        }
    }
    # A resumed file gets the mode too, as natively.
    if (defined $perm) {
        my $error;
        $error = $! unless eval { CORE::chmod($perm & 07777, $local) > 0 };
        if ($error && !$best_effort) {
            unless ($resume) {
                unlink $local;
                CORE::rename($saved, $local) if $saved;
            }
            local $self->{_autodie};
            $self->_set_error(SFTP_ERR_LOCAL_CHMOD_FAILED, "Can't chmod $local", $error);
            return $self->_ok_or_autodie;
        }
    }

    my %p = (remote_file => $remote, local_file => _local_abs($local),
             block_size => 0 + $block_size, queue_size => 0 + $queue_size);
    $p{offset} = 0 + $askoff if $askoff;
    $p{size_hint} = 0 + $size if $size >= 0;
    my $env = $self->_call('get', \%p);
    _unlink_alias($p{local_file});
    do {
        local $self->{_autodie};
        if (!$env->{success}) {
            my $d = ref $env->{data} eq 'HASH' ? $env->{data} : {};
            if ($self->_session_gone($env)) {
            } elsif (defined $d->{local_errno}) {
                local $! = $d->{local_errno};
                $self->_set_error(SFTP_ERR_LOCAL_WRITE_FAILED, "unable to write data to local file $local", "$!");
            } elsif (_failed_request($env) eq 'open') {
                $self->_remote_failed($env, SFTP_ERR_REMOTE_OPEN_FAILED, "Couldn't open remote file '$remote'");
                # nothing was written: native had not touched the local file yet
                unless ($resume) {
                    unlink $local;
                    CORE::rename($saved, $local) if $saved;
                    undef $saved;
                }
            } else {
                $self->_remote_failed($env, SFTP_ERR_REMOTE_READ_FAILED, "Couldn't read from remote file");
            }
            goto CLEANUP;
        }
        $self->_clear_error_and_status;
        if ($copy_time) {
            unless (CORE::utime($atime, $mtime, $local) || $best_effort) {
                $self->_set_error(SFTP_ERR_LOCAL_UTIME_FAILED, "Can't utime $local", $!);
                goto CLEANUP;
            }
        }
        if ($atomic) {
            if (!$overwrite) {
                while (1) {
                    # Not replacing: a hard link fails if the name is taken; where links do not
                    # work, an empty placeholder claims the name before the replacing rename.
                    if (CORE::link($local, $atomic_local)) {
                        unlink $local;
                        last;
                    }
                    my $err = $!;
                    unless (-e $atomic_local) {
                        if (sysopen(my $lock, $atomic_local, Fcntl::O_CREAT() | Fcntl::O_EXCL() | Fcntl::O_WRONLY(), 0600)) {
                            $atomic_cleanup = 1;
                            goto REPLACE;
                        }
                        $err = $!;
                        unless (-e $atomic_local) {
                            $self->_set_error(SFTP_ERR_LOCAL_OPEN_FAILED, "Can't open $local", $err);
                            goto CLEANUP;
                        }
                    }
                    $self->_set_error(SFTP_ERR_LOCAL_ALREADY_EXISTS, "local file $atomic_local already exists");
                    goto CLEANUP;
                }
            } else {
              REPLACE:
                unless (CORE::rename($local, $atomic_local)) {
                    $self->_set_error(SFTP_ERR_LOCAL_RENAME_FAILED,
                                      "Unable to rename temporal file to its final position '$atomic_local'", $!);
                    goto CLEANUP;
                }
            }
        }
      CLEANUP:
        if ($cleanup && $self->{_error}) {
            unlink $local;
            unlink $atomic_local if $atomic_cleanup;
        }
    };
    unlink $saved if $saved;
    return $self->_ok_or_autodie;
}

sub _mkpath_local {
    my ($self, $path, $perm, $parent) = @_;
    my @parts = File::Spec->splitdir($path);
    if ($parent) {
        pop @parts while @parts && !length $parts[-1];
        unless (@parts) {
            $self->_set_error(SFTP_ERR_LOCAL_MKDIR_FAILED, 'mkpath failed, top dir reached');
            return;
        }
        pop @parts;
    }
    my @tail;
    while (@parts) {
        my $dir = File::Spec->catdir(@parts);
        if (-e $dir) {
            unless (-d $dir) {
                $self->_set_error(SFTP_ERR_LOCAL_BAD_OBJECT, "Local file '$dir' is not a directory");
                return;
            }
            last;
        }
        unshift @tail, pop @parts;
    }
    while (@tail) {
        push @parts, shift @tail;
        my $dir = File::Spec->catdir(@parts);
        unless (CORE::mkdir($dir, $perm) || do { local $!; -d $dir }) {
            $self->_set_error(SFTP_ERR_LOCAL_MKDIR_FAILED, "mkdir '$dir' failed", $!);
            return;
        }
    }
    return 1;
}

sub get_content {
    @_ == 2 or croak 'Usage: $sftp->get_content($remote)';
    my ($self, $name) = @_;
    my $path = $self->_rel2abs($name);
    $self->_alive or return undef;
    my $env = $self->_call('get_content', { remote_file => $path });
    unless ($env->{success}) {
        if (_failed_request($env) eq 'open') {
            $self->_remote_failed($env, SFTP_ERR_REMOTE_OPEN_FAILED, "Couldn't open remote file '$path'");
        } else {
            $self->_remote_failed($env, SFTP_ERR_REMOTE_READ_FAILED, "Couldn't read from remote file");
        }
        return undef;
    }
    $self->_clear_error_and_status;
    return defined $env->{attachment} ? $env->{attachment} : '';
}

# ---------------------------------------------------------------------------------------------
# what is not bridged

for my $m (qw(open opendir close closedir read readdir write readline getc seek tell eof flush sftpread
              sftpwrite fstat fsetstat rget rput mget mput rremove find get_symlink put_symlink hardlink
              statvfs fstatvfs fsync abort)) {
    no strict 'refs';
    *$m = sub { _not_supported($m) };
}

1;

__END__

=head1 NAME

Net::SFTP::Foreign - CPAN Bridge drop-in for Net::SFTP::Foreign 1.93 (SFTP over the system ssh)

=head1 SYNOPSIS

    use Net::SFTP::Foreign;
    my $sftp = Net::SFTP::Foreign->new($host, user => 'batch', port => 295, timeout => 30,
                                       more => [-i => '/home/batch/.ssh/id_partner']);
    $sftp->error and die "SSH connection failed: " . $sftp->error;
    $sftp->setcwd('/incoming') or die $sftp->error;
    $sftp->put('report.csv', 'report.csv.tmp', perm => oct(640)) or die $sftp->error;
    $sftp->rename('report.csv.tmp', 'report.csv', overwrite => 1) or die $sftp->error;

=head1 DESCRIPTION

Scripts run unchanged: the same constructor, methods, options, return values, C<error>/C<status>
dualvars and C<autodie> deaths as Net::SFTP::Foreign 1.93. The SSH session is held by the
cpanbridge daemon (one C<ssh ... -s sftp> per C<new>, as native runs it), so the host's OpenSSH
configuration, C<known_hosts>, agent and Kerberos apply. See F<docs/sftp.md>.

=head1 SUPPORTED

C<new> (C<host user port password passphrase key_path more timeout autodie ssh_cmd stderr_fh
stderr_discard block_size queue_size late_set_perm autodisconnect>), C<error>, C<status>,
C<die_on_error>, C<put>, C<get>, C<put_content>, C<get_content>, C<ls>, C<glob>, C<rename>,
C<atomic_rename>, C<remove>, C<mkdir>, C<mkpath>, C<rmdir>, C<setcwd>, C<cwd>, C<realpath>,
C<stat>, C<lstat>, C<setstat>, C<chmod>, C<chown>, C<utime>, C<truncate>, C<test_d>,
C<test_e>, C<readlink>, C<symlink>, C<join>, C<server_extensions>, C<disconnect>.

=head1 NOT SUPPORTED

Remote file and directory handles (C<open>, C<read>, C<write>, C<opendir>...), recursive
transfers (C<rget>, C<rput>, C<find>, C<rremove>, C<mget>, C<mput>), C<callback>,
C<conversion>, C<append>, C<numbered>, C<dont_save>, other backends and transports. Each dies
with "Net::SFTP::Foreign::I<what> not supported by CPAN Bridge".

=head1 SEE ALSO

L<Net::SFTP::Foreign> (the CPAN module), F<docs/sftp.md>, F<docs/protocol.md> (module C<sftp>).

=cut
