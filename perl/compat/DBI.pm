package DBI;

# Drop-in DBI for hosts without CPAN: the same interface, the database work done by the CPAN
# Bridge daemon's `database` module (docs/protocol.md, "Module `database`"). Core Perl only.
#
# Handles are built as DBI builds them: the object a script holds is a hash tied to an inner
# hash, so attribute stores (AutoCommit, RaiseError, local ...) pass through STORE/FETCH, while
# our methods go straight to the inner hash with tied() -- the per-row fetch path never touches
# the tie machinery.

use strict;
use warnings;

use B ();
use Carp ();
use Cwd ();
use JSON::PP ();
use Scalar::Util ();
use CPANBridge;

our $VERSION = '1.643';

our ($err, $errstr, $state, $rows, $lasth);
our $stderr = 2000000000;
our $neat_maxlen = 1000;
our $connect_via = 'connect';

our %installed_drh;

use constant {
    SQL_GUID => -11, SQL_WLONGVARCHAR => -10, SQL_WVARCHAR => -9, SQL_WCHAR => -8,
    SQL_BIGINT => -5, SQL_BIT => -7, SQL_TINYINT => -6, SQL_LONGVARBINARY => -4,
    SQL_VARBINARY => -3, SQL_BINARY => -2, SQL_LONGVARCHAR => -1, SQL_UNKNOWN_TYPE => 0,
    SQL_ALL_TYPES => 0, SQL_CHAR => 1, SQL_NUMERIC => 2, SQL_DECIMAL => 3, SQL_INTEGER => 4,
    SQL_SMALLINT => 5, SQL_FLOAT => 6, SQL_REAL => 7, SQL_DOUBLE => 8, SQL_DATETIME => 9,
    SQL_DATE => 9, SQL_INTERVAL => 10, SQL_TIME => 10, SQL_TIMESTAMP => 11, SQL_VARCHAR => 12,
    SQL_BOOLEAN => 16, SQL_UDT => 17, SQL_UDT_LOCATOR => 18, SQL_ROW => 19, SQL_REF => 20,
    SQL_BLOB => 30, SQL_BLOB_LOCATOR => 31, SQL_CLOB => 40, SQL_CLOB_LOCATOR => 41,
    SQL_ARRAY => 50, SQL_ARRAY_LOCATOR => 51, SQL_MULTISET => 55, SQL_MULTISET_LOCATOR => 56,
    SQL_TYPE_DATE => 91, SQL_TYPE_TIME => 92, SQL_TYPE_TIMESTAMP => 93,
    SQL_TYPE_TIME_WITH_TIMEZONE => 94, SQL_TYPE_TIMESTAMP_WITH_TIMEZONE => 95,
    SQL_INTERVAL_YEAR => 101, SQL_INTERVAL_MONTH => 102, SQL_INTERVAL_DAY => 103,
    SQL_INTERVAL_HOUR => 104, SQL_INTERVAL_MINUTE => 105, SQL_INTERVAL_SECOND => 106,
    SQL_INTERVAL_YEAR_TO_MONTH => 107, SQL_INTERVAL_DAY_TO_HOUR => 108,
    SQL_INTERVAL_DAY_TO_MINUTE => 109, SQL_INTERVAL_DAY_TO_SECOND => 110,
    SQL_INTERVAL_HOUR_TO_MINUTE => 111, SQL_INTERVAL_HOUR_TO_SECOND => 112,
    SQL_INTERVAL_MINUTE_TO_SECOND => 113,
    SQL_CURSOR_FORWARD_ONLY => 0, SQL_CURSOR_KEYSET_DRIVEN => 1, SQL_CURSOR_DYNAMIC => 2,
    SQL_CURSOR_STATIC => 3, SQL_CURSOR_TYPE_DEFAULT => 0,
    DBIstcf_STRICT => 0x0001, DBIstcf_DISCARD_STRING => 0x0002,
};

our @sql_types = qw(
    SQL_GUID SQL_WLONGVARCHAR SQL_WVARCHAR SQL_WCHAR SQL_BIGINT SQL_BIT SQL_TINYINT
    SQL_LONGVARBINARY SQL_VARBINARY SQL_BINARY SQL_LONGVARCHAR SQL_UNKNOWN_TYPE SQL_ALL_TYPES
    SQL_CHAR SQL_NUMERIC SQL_DECIMAL SQL_INTEGER SQL_SMALLINT SQL_FLOAT SQL_REAL SQL_DOUBLE
    SQL_DATETIME SQL_DATE SQL_INTERVAL SQL_TIME SQL_TIMESTAMP SQL_VARCHAR SQL_BOOLEAN SQL_UDT
    SQL_UDT_LOCATOR SQL_ROW SQL_REF SQL_BLOB SQL_BLOB_LOCATOR SQL_CLOB SQL_CLOB_LOCATOR
    SQL_ARRAY SQL_ARRAY_LOCATOR SQL_MULTISET SQL_MULTISET_LOCATOR SQL_TYPE_DATE SQL_TYPE_TIME
    SQL_TYPE_TIMESTAMP SQL_TYPE_TIME_WITH_TIMEZONE SQL_TYPE_TIMESTAMP_WITH_TIMEZONE
    SQL_INTERVAL_YEAR SQL_INTERVAL_MONTH SQL_INTERVAL_DAY SQL_INTERVAL_HOUR SQL_INTERVAL_MINUTE
    SQL_INTERVAL_SECOND SQL_INTERVAL_YEAR_TO_MONTH SQL_INTERVAL_DAY_TO_HOUR
    SQL_INTERVAL_DAY_TO_MINUTE SQL_INTERVAL_DAY_TO_SECOND SQL_INTERVAL_HOUR_TO_MINUTE
    SQL_INTERVAL_HOUR_TO_SECOND SQL_INTERVAL_MINUTE_TO_SECOND
);

use Exporter ();
our @ISA = ('Exporter');
our @EXPORT = ();
our @EXPORT_OK = (qw(neat neat_list looks_like_number dump_results), @sql_types);
our %EXPORT_TAGS = (
    sql_types    => [@sql_types],
    sql_cursor_types => [qw(SQL_CURSOR_FORWARD_ONLY SQL_CURSOR_KEYSET_DRIVEN SQL_CURSOR_DYNAMIC
                            SQL_CURSOR_STATIC SQL_CURSOR_TYPE_DEFAULT)],
    utils        => [qw(neat neat_list looks_like_number dump_results)],
    profile      => [],
);
push @EXPORT_OK, @{ $EXPORT_TAGS{sql_cursor_types} };

# Attributes a new statement handle copies from its database handle (as DBI's inherited ones).
my @INHERITED = qw(RaiseError PrintError PrintWarn HandleError Warn ChopBlanks LongReadLen
                   LongTruncOk FetchHashKeyName RowCacheSize TaintIn TaintOut Taint CompatMode);

# Prefetch sizes when the script sets no RowCacheSize: small first (a selectrow costs little),
# then growing so a long scan takes few round trips.
use constant { FIRST_BLOCK => 200, MAX_BLOCK => 8192 };
# A void-context execute batch is sent when it holds this many sets or bytes.
use constant { BATCH_SETS => 2000, BATCH_BYTES => 1 << 20 };
# Booleans as JSON true for the daemon's Boolean parameters.
use constant TRUE => JSON::PP::true();
# Bind types are compared as canonical JSON when deciding whether an execute joins a batch.
my $CANONICAL = JSON::PP->new->canonical;

our $BRIDGE;        # tests may put a stand-in here
our $INFLIGHT;      # the read-ahead fetch under way, if any (see _read_ahead)
our $LAST_WHERE;    # the script's last location we saw (see _where)
my %PENDING;        # connection handle string => its dbh inner hash, while it holds a batch
my $PIPELINED = 0;  # close_statement calls sent without waiting for their answer
my %LIVE_DBH;       # inner hashes of connected dbhs (weak), for END
my %CACHED;         # connect_cached
my $TRACE_LEVEL = 0;
my $TRACE_FH;

tie $err,    'DBI::_::ErrVar', 'err';
tie $errstr, 'DBI::_::ErrVar', 'errstr';
tie $state,  'DBI::_::ErrVar', 'state';
tie $rows,   'DBI::_::RowsVar';

sub _bridge {
    return $BRIDGE ||= CPANBridge->new;
}

# Every request leaves through here: an outstanding read-ahead is taken in first, so its answer
# is not read (and dropped) by the client while it waits for another one.
sub _bcall {
    my ($function, $params, $att) = @_;
    _collect() if $INFLIGHT;
    return _bridge()->call('database', $function, $params, defined $att ? { attachment => $att } : ());
}

# Read-ahead: while the script works through one block of rows, the daemon already reads the
# next (two processes, two cores), through CPANBridge's call_start/call_finish. Off with
# CPAN_BRIDGE_DBI_READAHEAD=0 (or with a CPANBridge too old to have call_start).
my $READAHEAD = !(defined $ENV{CPAN_BRIDGE_DBI_READAHEAD} && $ENV{CPAN_BRIDGE_DBI_READAHEAD} =~ /\A\s*(?:0|no|off|false)\s*\z/i);

sub _read_ahead {
    my ($si, $params) = @_;
    return if $INFLIGHT || !$READAHEAD || %PENDING || $PIPELINED;
    my $b = _bridge();
    return unless $b->can('call_start');
    return if $b->mode eq 'process';    # nothing would overlap: the call runs inside call_start
    $INFLIGHT = { si => $si, ticket => $b->call_start('database', 'fetch', $params), pid => $$ };
    Scalar::Util::weaken($INFLIGHT->{si});
    return 1;
}

sub _collect {
    my $f = $INFLIGHT or return;
    $INFLIGHT = undef;
    return if $f->{pid} != $$;
    my $env = _bridge()->call_finish($f->{ticket});
    $f->{si}{_ahead} = $env if $f->{si};
    return;
}

# ---------------------------------------------------------------------------------------------
# Errors

# The script's file and line, as DBI's XS reports them: the first frame outside this file.
our $WHERE;    # set while a batched execute's error is reported: where that execute was called
sub _where {
    return $WHERE if defined $WHERE;
    my $i = 0;
    while (my @c = caller($i++)) {
        next if $c[1] eq __FILE__;
        return $LAST_WHERE = " at $c[1] line $c[2].\n";
    }
    return ".\n";
}

sub _set_err {
    my ($i, $e, $str, $st) = @_;
    my $errs = $i->{_errs};
    $errs->{err} = $e;
    $errs->{errstr} = $str;
    $errs->{state} = defined $st && $st ne '' ? $st : ($e ? 'S1000' : '');
    $lasth = $i;
    return undef;
}

sub _clear_err {
    my ($i) = @_;
    my $errs = $i->{_errs};
    $errs->{err} = $errs->{errstr} = undef;
    $errs->{state} = '';
    $lasth = $i;
}

# Turns a failed bridge reply into err/errstr/state on $i.
sub _reply_err {
    my ($i, $r) = @_;
    my $d = $r->{data};
    if ($r->{code} && $r->{code} eq 'E_NATIVE' && ref $d eq 'HASH' && defined $d->{err}) {
        return _set_err($i, $d->{err}, defined $d->{errstr} ? $d->{errstr} : $r->{error}, $d->{state});
    }
    my $what = $i->{_handle} ? " ($i->{_handle})" : '';
    return _set_err($i, $stderr, "CPAN Bridge: $r->{error}$what", 'S1000');
}

# Reports the error recorded on $i as method $method failed, the way DBI's dispatcher does:
# HandleError first, then RaiseError (die) or PrintError (warn). Returns $ret (or what
# HandleError left in $_[2]).
sub _report {
    my ($i, $method, $ret) = @_;
    my $errs = $i->{_errs};
    my $e = $errs->{err};
    return $ret unless defined $e;
    my $str = defined $errs->{errstr} ? $errs->{errstr} : '';
    if (!$e) {
        # err "0" or "": a warning / information, shown with PrintWarn.
        if (length $str && $e eq '0' && $i->{PrintWarn}) {
            warn "$i->{_class}::$i->{_type} $method warning: $str" . _where();
        }
        return $ret;
    }
    my $msg = "$i->{_class}::$i->{_type} $method failed: $str";
    if (my $he = $i->{HandleError}) {
        my @args = ($msg, $i->{_outer}, $ret);
        return $args[2] if $he->(@args);
        $msg = $args[0];    # the handler may have rewritten it
    }
    # Both set: DBI warns, then dies.
    warn $msg . _where() if $i->{PrintError};
    die $msg . _where() if $i->{RaiseError};
    return $ret;
}

sub _fail {
    my ($i, $method, $e, $str, $st) = @_;
    _set_err($i, $e, $str, $st);
    return _report($i, $method, undef);
}

# ---------------------------------------------------------------------------------------------
# Talking to the daemon

# Every call goes through here: pending batches are sent first so the daemon sees the work in
# the order the script did it.
sub _call {
    my ($i, $function, $params, $att) = @_;
    _flush_all() if %PENDING;
    _collect() if $INFLIGHT;
    if ($PIPELINED) {
        $PIPELINED = 0;
        _bridge()->sync;    # answers to close_statement; a statement already gone is no news
    }
    _trace_call($i, $function, $params) if $TRACE_LEVEL;
    my $r = _bcall($function, $params, $att);
    if ($r->{success}) {
        my $res = $r->{result};
        return $r if ref $res ne 'HASH';
        # The daemon says where the connection's transaction state stands after statements like
        # BEGIN/COMMIT sent as SQL (DBD::SQLite follows them too).
        if (defined $res->{auto_commit}) {
            my $di = $i->{_type} eq 'db' ? $i : $i->{_dbi};
            if ($di) {
                my $on = $res->{auto_commit} ? 1 : 0;
                $di->{AutoCommit} = $on;
                $di->{BegunWork} = 0 if $on;
            }
        }
        _notices($i, $res->{notices}) if $res->{notices};
        _tx_state($i, $res);
    }
    elsif (ref $r->{data} eq 'HASH') {
        _notices($i, $r->{data}{notices}) if $r->{data}{notices};
        _tx_state($i, $r->{data});
    }
    return $r;
}

# What a reply says beyond its result: whether the connection has a transaction open (DBI warns
# about the rollback at DESTROY only when there is one), and the errno an in-process driver
# would have left in $! (DBD::SQLite's ENOENT, which is the exit status of a script that dies).
sub _tx_state {
    my ($i, $from) = @_;
    $! = $from->{os_errno} if $from->{os_errno};
    return unless exists $from->{in_transaction};
    my $di = $i->{_type} eq 'db' ? $i : $i->{_dbi};
    $di->{_in_tx} = $from->{in_transaction} ? 1 : 0 if $di;
}

# Server messages (PostgreSQL NOTICE, WARNING...) that came with a reply: DBD::Pg hands each to
# warn as libpq wrote it (ending in a newline, so no "at line"), when PrintWarn is on. Callers
# report the call's own error after this.
sub _notices {
    my ($i, $notices) = @_;
    return unless $i->{PrintWarn} && ref $notices eq 'ARRAY';
    warn $_ for @$notices;
}

sub _close_later {
    my ($handle) = @_;
    return if !$BRIDGE || $DBI::ENDED;
    _collect() if $INFLIGHT;
    $PIPELINED = 1;
    $BRIDGE->call_pipelined('database', 'close_statement', { handle => $handle });
}

my $SVf_IOK = B::SVf_IOK();
my $SVf_NOK = B::SVf_NOK();
my $SVf_POK = B::SVf_POK();

# One bind set, packed per the contract (marks N/u/b/i/f).
sub _pack_binds {
    my $vals = shift;
    return undef unless @$vals;
    my $marks = '';
    my @out;
    for my $v (@$vals) {
        if (!defined $v) {
            $marks .= 'N';
            push @out, '';
            next;
        }
        if (ref $v) {
            Carp::croak('CPAN Bridge: binding $DBDPG_DEFAULT (DBD::Pg sends DEFAULT for it) is not supported; '
                        . 'write DEFAULT in the SQL instead')
                if ref $v eq 'DBD::Pg::DefaultValue';
            my $s = "$v";
            if (utf8::is_utf8($s)) { utf8::encode($s); $marks .= 'u' } else { $marks .= 'b' }
            push @out, $s;
            next;
        }
        my $f = B::svref_2object(\$v)->FLAGS;
        if (($f & ($SVf_IOK | $SVf_NOK)) && !($f & $SVf_POK)) {
            my $s = "$v";
            $marks .= ($f & $SVf_IOK) && $s =~ /\A-?[0-9]+\z/ ? 'i' : 'f';
            push @out, $s;
            next;
        }
        if (utf8::is_utf8($v)) {
            my $s = $v;
            utf8::encode($s);
            $marks .= 'u';
            push @out, $s;
        }
        else {
            $marks .= 'b';
            push @out, $v;
        }
    }
    return pack('w/a* (w/a*)*', $marks, @out);
}

# Unpacks a row block into one flat array of values, row after row. Cells are converted
# column by column (the kinds), then the few cells the marks single out (NULLs, SQLite values
# typed per cell) are put right -- so a block with some NULLs costs little more than one without.
sub _unpack_rows {
    my ($att, $n, $kinds, $chars) = @_;
    return [] unless defined $att && length $att && $n;
    if ($chars) {
        # Character form (docs/protocol.md): one decode for the whole block instead of one per
        # cell; every value unpack hands out is then a character string, as DBD::Pg's are.
        utf8::decode($att) or Carp::croak('CPAN Bridge: a row block in character form is not UTF-8');
        utf8::upgrade($att);    # an all-ASCII block decodes to bytes; DBD::Pg flags those too
    }
    my ($marks, @v) = unpack('w/a* (w/a*)*', $att);
    my (%special, %orig);
    my $only_nulls = 1;
    if ($marks ne '' && $marks =~ /[^.N]/) {
        $only_nulls = 0;
        while ($marks =~ /[^.]/g) {
            my $p = pos($marks) - 1;
            my $k = $special{$p} = substr($marks, $p, 1);
            $orig{$p} = $v[$p] if $k ne 'N';
        }
    }
    no warnings 'numeric';
    for my $c (0 .. $n - 1) {
        my $k = substr($kinds, $c, 1);
        next if $k eq 'b' || $k eq '';
        if ($k eq 'u') {
            next if $chars;
            # DBD::Pg flags every text value, plain ASCII too; decode alone would not.
            for (my $x = $c; $x < @v; $x += $n) { utf8::decode($v[$x]); utf8::upgrade($v[$x]) }
        }
        else {
            for (my $x = $c; $x < @v; $x += $n) { $v[$x] += 0 }
        }
    }
    if ($marks ne '') {
        if ($only_nulls) {
            while ($marks =~ /N/g) { $v[pos($marks) - 1] = undef }
        }
        else {
            while (my ($p, $k) = each %special) {
                if ($k eq 'N') { $v[$p] = undef; next }
                my $x = $orig{$p};
                if ($k eq 'u') { if (!$chars) { utf8::decode($x); utf8::upgrade($x) } }
                elsif ($k eq 'i' || $k eq 'f') { $x += 0 }
                $v[$p] = $x;
            }
        }
    }
    return \@v;
}

# SQL text for prepare/do. A byte string with high bytes (a script without `use utf8`, a Latin-1
# source) travels as one character per byte with sql_bytes set: DBD::SQLite hands those bytes to
# SQLite as they are, DBD::Pg reads them as Latin-1 -- the daemon does the same per driver.
our $NO_SQL_BYTES;
sub _sql_params {
    my ($p, $sql) = @_;
    $sql = "$sql";
    $p->{sql} = $sql;
    $p->{sql_bytes} = JSON::PP::true() if !$NO_SQL_BYTES && !utf8::is_utf8($sql) && $sql =~ /[\x80-\xff]/;
    return $p;
}

# A daemon older than sql_bytes refuses the parameter (E_USAGE naming it): say it once, in
# the trace, and go on without it.
sub _sql_call {
    my ($i, $function, $p, $att) = @_;
    my $r = _call($i, $function, $p, $att);
    if (!$r->{success} && $p->{sql_bytes} && ($r->{code} || '') eq 'E_USAGE' && $r->{error} =~ /sql_bytes/) {
        $NO_SQL_BYTES = 1;
        delete $p->{sql_bytes};
        $r = _call($i, $function, $p, $att);
    }
    return $r;
}

# ---------------------------------------------------------------------------------------------
# Batches of void-context executes

sub _flush_all {
    for my $key (keys %PENDING) {
        my $di = delete $PENDING{$key} or next;
        _flush($di);
    }
}

# Sends the batch held by $di. An error is reported as the failing execute's error on its
# statement; without RaiseError the sets after it are still run, as the script would have.
sub _flush {
    my ($di) = @_;
    my $b = delete $di->{_batch} or return 1;
    delete $PENDING{ $di->{_handle} };
    my $si = $b->{sth};
    my @sets = @{ $b->{sets} };
    while (@sets) {
        my %p = (handle => $si->{_handle}, count => scalar @sets);
        $p{bind_types} = $b->{types} if $b->{types};
        _trace_call($si, 'execute_batch', \%p) if $TRACE_LEVEL;
        my $r = _bcall('execute_batch', \%p, join('', @sets));
        if ($r->{success}) {
            my $res = $r->{result};
            _notices($si, $res->{notices}) if $res->{notices};
            _tx_state($si, $res);
            $si->{_rows} = ref $res->{rows} eq 'ARRAY' ? $res->{rows}[-1] : $res->{rows};
            return 1;
        }
        my $d = ref $r->{data} eq 'HASH' ? $r->{data} : {};
        _notices($si, $d->{notices}) if $d->{notices};
        _tx_state($si, $d);
        my $at = defined $d->{index} ? $d->{index} : defined $d->{executed} ? $d->{executed} : scalar(@sets) - 1;
        _reply_err($si, $r);
        $si->{_rows} = -1;
        {
            local $WHERE = $b->{where}[$at];
            _report($si, 'execute', undef);    # dies with RaiseError
        }
        splice(@{ $b->{where} }, 0, $at + 1);
        return 0 if !$r->{code} || $r->{code} ne 'E_NATIVE';
        splice(@sets, 0, $at + 1);
    }
    return 0;
}

# ---------------------------------------------------------------------------------------------
# Handles

sub _new_handle {
    my ($class, $inner) = @_;
    my %outer;
    tie %outer, 'DBI::_::Tie', $inner;
    my $outer = bless \%outer, $class;
    $inner->{_outer} = $outer;
    Scalar::Util::weaken($inner->{_outer});
    return $outer;
}

sub _parse_dsn {
    my ($dsn) = @_;
    return unless defined $dsn && $dsn =~ /\A(?i:dbi):([^:;(]*)(?:\(([^)]*)\))?:(.*)\z/s;
    my ($driver, $attrs, $rest) = ($1, $2, $3);
    my %attr;
    if (defined $attrs && length $attrs) {
        for my $kv (split /\s*,\s*/, $attrs) {
            my ($k, $v) = split /\s*=>?\s*/, $kv, 2;
            $attr{$k} = $v if defined $k && length $k;
        }
    }
    return ($driver, $rest, \%attr);
}

sub connect {
    my ($class, $dsn, $user, $pass, $attr) = @_;
    if (ref $user eq 'HASH' && !defined $pass && !defined $attr) {
        ($attr, $user) = ($user, undef);
    }
    $dsn = $ENV{DBI_DSN} if !defined $dsn || $dsn eq '';
    $user = $ENV{DBI_USER} unless defined $user;
    $pass = $ENV{DBI_PASS} unless defined $pass;
    my %attr = (PrintError => 1, AutoCommit => 1, PrintWarn => 1, Warn => 1,
                ref $attr eq 'HASH' ? %$attr : ());
    my ($driver, $rest, $dsn_attr) = _parse_dsn($dsn);
    if (!defined $driver) {
        Carp::croak("Can't connect to data source '" . (defined $dsn ? $dsn : '')
                    . "' because I can't work out what driver to use (it doesn't seem to contain a "
                    . "'dbi:driver:' prefix and the DBI_DRIVER env var is not set)");
    }
    $driver = $ENV{DBI_DRIVER} if $driver eq '' && $ENV{DBI_DRIVER};
    %attr = (%attr, %$dsn_attr);

    my %private = map { $_ => $attr{$_} } grep { /^[a-z]/ && !ref $attr{$_} } keys %attr;
    my %env = map { $_ => $ENV{$_} } grep { /^(?:PG|ORACLE_|NLS_)/ || $_ eq 'TNS_ADMIN' || $_ eq 'TWO_TASK' } keys %ENV;
    my %p = (dsn => "dbi:$driver:$rest", auto_commit => ($attr{AutoCommit} ? JSON::PP::true() : JSON::PP::false()),
             cwd => Cwd::getcwd());
    $p{username} = $user if defined $user;
    $p{password} = $pass if defined $pass;
    $p{attributes} = \%private if %private;
    $p{env} = \%env if %env;

    my %errs = (err => undef, errstr => undef, state => '');
    my $di = {
        %attr,
        _type => 'db', _class => "DBD::$driver", _driver => $driver, _errs => \%errs,
        Name => $rest, Username => $user, Statement => '', Active => 0,
        Driver => bless({ Name => $driver, Version => $VERSION }, 'DBI::dr'),
        FetchHashKeyName => $attr{FetchHashKeyName} || 'NAME',
        LongReadLen => defined $attr{LongReadLen} ? $attr{LongReadLen} : 80,
        LongTruncOk => $attr{LongTruncOk} ? 1 : '',
        ChopBlanks => $attr{ChopBlanks} ? 1 : '',
        RaiseError => $attr{RaiseError} ? 1 : '',
        PrintError => $attr{PrintError} ? 1 : '',
        AutoCommit => $attr{AutoCommit} ? 1 : 0,
        _kids => {},
    };
    my $r = _bcall('connect', \%p);
    if (!$r->{success}) {
        _reply_err($di, $r);
        my $u = defined $user ? $user : '';
        my $msg = "DBI connect('$rest','$u',...) failed: " . (defined $errs{errstr} ? $errs{errstr} : '');
        if (my $he = $attr{HandleError}) {
            my @args = ($msg, undef, undef);
            return $args[2] if $he->(@args);
            $msg = $args[0];
        }
        Carp::croak($msg) if $attr{RaiseError};
        Carp::carp($msg) if $attr{PrintError};
        return undef;
    }
    my $res = $r->{result};
    _notices($di, $res->{notices}) if $res->{notices};
    _tx_state($di, $res);
    $di->{_handle} = $res->{handle};
    $di->{_pid} = $$;
    $di->{_provider} = $res->{provider};
    $di->{Active} = 1;
    $di->{AutoCommit} = $res->{auto_commit} ? 1 : 0 if defined $res->{auto_commit};
    $di->{_server_version} = $res->{server_version};
    my $dbh = _new_handle('DBI::db', $di);
    $LIVE_DBH{ $di->{_handle} } = $di;
    Scalar::Util::weaken($LIVE_DBH{ $di->{_handle} });
    $err = undef;
    $lasth = $di;
    return $dbh;
}

sub connect_cached {
    my ($class, $dsn, $user, $pass, $attr) = @_;
    my $key = join("\0", map { defined $_ ? $_ : '' } $dsn, $user, $pass,
                   map { ($_, defined $attr->{$_} ? $attr->{$_} : '') } sort keys %{ $attr || {} });
    my $dbh = $CACHED{$key};
    return $dbh if $dbh && $dbh->{Active} && $dbh->ping;
    $dbh = $class->connect($dsn, $user, $pass, $attr) or return undef;
    return $CACHED{$key} = $dbh;
}

sub available_drivers {
    my $r = _bcall('drivers', {});
    return $r->{success} ? @{ $r->{result}{drivers} || [] } : ();
}

sub installed_drivers { return map { $_ => 1 } available_drivers() }

sub data_sources {
    my ($class, $driver, $attr) = @_;
    $driver = $1 if defined $driver && $driver =~ /\A(?i:dbi):([^:]+)/;
    return _pg_data_sources(defined $attr && !ref $attr ? $attr : '') if defined $driver && $driver eq 'Pg';
    my $r = _bcall('data_sources', { driver => $driver });
    return $r->{success} ? @{ $r->{result}{sources} || [] } : ();
}

# DBD::Pg lists the databases of the server the environment points at: it connects to the
# "postgres" database (or DBI_DSN's), with extra conninfo appended to each name it returns.
sub _pg_data_sources {
    my ($conninfo) = @_;
    my $target = 'dbname=postgres';
    ($target = $ENV{DBI_DSN}) =~ s/\Adbi:Pg://i if $ENV{DBI_DSN};
    $target .= ";$conninfo" if length $conninfo;
    my $dbh = DBI->connect("dbi:Pg:$target", $ENV{DBI_USER}, $ENV{DBI_PASS},
                           { PrintError => 0, RaiseError => 0, AutoCommit => 1 }) or return;
    my $names = $dbh->selectcol_arrayref('SELECT pg_catalog.quote_ident(datname) FROM pg_catalog.pg_database ORDER BY 1');
    $dbh->disconnect;
    return map { "dbi:Pg:dbname=$_" . (length $conninfo ? ";$conninfo" : '') } @{ $names || [] };
}

sub install_driver {
    my ($class, $driver) = @_;
    return $installed_drh{$driver} ||= bless { Name => $driver, Version => $VERSION }, 'DBI::dr';
}

sub err    { $lasth ? $lasth->{_errs}{err} : undef }
sub errstr { $lasth ? $lasth->{_errs}{errstr} : undef }
sub state  { $lasth && defined $lasth->{_errs}{state} ? $lasth->{_errs}{state} : '' }

sub looks_like_number {
    my @r = map { defined $_ ? (Scalar::Util::looks_like_number($_) ? 1 : '') : undef } @_;
    return wantarray ? @r : $r[0];
}

sub neat {
    my ($v, $maxlen) = @_;
    return 'undef' unless defined $v;
    return "$v" if ref $v;
    my $f = B::svref_2object(\$v)->FLAGS;
    return "$v" if ($f & ($SVf_IOK | $SVf_NOK)) && !($f & $SVf_POK);
    $maxlen = $neat_maxlen unless $maxlen;
    my $s = "$v";
    my $q = "'";
    if (utf8::is_utf8($s)) {
        # As DBI: character strings in double quotes, shown (and cut) as their UTF-8 bytes.
        utf8::encode($s);
        $q = '"';
    }
    if (length($s) > $maxlen - 2) {
        my $keep = $maxlen - 5;
        $s = substr($s, 0, $keep < 1 ? 1 : $keep) . '...';
    }
    $s =~ tr/\x00-\x08\x0e-\x1f\x7f/./;    # control characters, but not whitespace
    return "$q$s$q";
}

sub neat_list {
    my ($list, $maxlen, $sep) = @_;
    $sep = ', ' unless defined $sep;
    return join($sep, map { neat($_, $maxlen) } @$list);
}

sub dump_results {
    my $sth = shift;
    return $sth->dump_results(@_);
}

# ---------------------------------------------------------------------------------------------
# Tracing: accepted; writes one line per daemon call at level >= 1.

sub trace {
    my ($self, $level, $file) = @_;
    my $old = $TRACE_LEVEL;
    if (defined $level) {
        ($TRACE_LEVEL) = "$level" =~ /([0-9]+)/;
        $TRACE_LEVEL ||= 0;
        $TRACE_LEVEL = 1 if !$TRACE_LEVEL && "$level" =~ /[a-zA-Z]/;    # named flags ("SQL")
    }
    if (defined $file) {
        if (ref $file) { $TRACE_FH = $file }
        elsif (open(my $fh, '>>', $file)) { my $old_fh = select $fh; $| = 1; select $old_fh; $TRACE_FH = $fh }
    }
    if ($TRACE_LEVEL && !$old) {
        _trace_line("    DBI $VERSION-cpanbridge default trace level set to $TRACE_LEVEL");
    }
    return $old;
}

sub trace_msg {
    my ($self, $msg, $min) = @_;
    _trace_line($msg) if $TRACE_LEVEL >= (defined $min ? $min : 1);
    return 1;
}

sub _trace_line {
    my ($line) = @_;
    chomp $line;
    my $fh = $TRACE_FH || \*STDERR;
    print {$fh} "$line\n";
}

sub _trace_call {
    my ($i, $function, $params) = @_;
    my $what = $function;
    $what .= " '$params->{sql}'" if ref $params eq 'HASH' && defined $params->{sql};
    _trace_line("    -> $function for $i->{_class}::$i->{_type} ($what)");
}

# Batches are sent before CPANBridge's END closes the connection (our END runs first: this file
# loads CPANBridge, so its END was defined earlier). Handles still open are left to DESTROY,
# which warns as DBI does; the daemon rolls back what they had not committed when the
# connection closes, so nothing reconnects during global destruction.
our $ENDED = 0;
END {
    local ($?, $!, $@);
    eval { _flush_all() } if %PENDING;
    $ENDED = 1;
}

# =============================================================================================
package DBI::_::ErrVar;

sub TIESCALAR { my ($class, $what) = @_; return bless \$what, $class }
sub FETCH {
    my $self = shift;
    my $h = $DBI::lasth or return $$self eq 'state' ? '' : undef;
    DBI::_flush_all() if %PENDING;
    return $h->{_errs}{$$self};
}
sub STORE {
    my ($self, $v) = @_;
    $DBI::lasth->{_errs}{$$self} = $v if $DBI::lasth;
}

# $DBI::rows: the rows of the last handle used, -1 when that is not a statement (as DBI).
package DBI::_::RowsVar;

sub TIESCALAR { my ($class) = @_; return bless \(my $unused), $class }
sub FETCH {
    my $h = $DBI::lasth;
    return -1 unless $h && $h->{_type} eq 'st' && $h->{_outer};
    return $h->{_outer}->rows;
}
sub STORE { }

# =============================================================================================
package DBI::_::Tie;

# The inner hash is the tie object; FETCH/STORE add what DBI computes or acts on.

my %DB_KNOWN = map { $_ => 1 } qw(AutoCommit RaiseError PrintError PrintWarn HandleError Warn
    ChopBlanks LongReadLen LongTruncOk RowCacheSize FetchHashKeyName Name Username Statement
    Active Driver Type Kids ActiveKids CachedKids TraceLevel Taint TaintIn TaintOut
    CompatMode InactiveDestroy AutoInactiveDestroy BegunWork RowsInCache Profile
    HandleSetErr ErrCount ShowErrorStatement);

sub TIEHASH { return bless $_[1], $_[0] }

sub FETCH {
    my ($i, $k) = @_;
    if ($i->{_type} eq 'st') {
        my $cols = $i->{_cols};
        if ($k eq 'NAME') { return $cols ? [ map { $_->{name} } @$cols ] : undef }
        if ($k eq 'NAME_lc') { return $cols ? [ map { lc $_->{name} } @$cols ] : undef }
        if ($k eq 'NAME_uc') { return $cols ? [ map { uc $_->{name} } @$cols ] : undef }
        if ($k =~ /\ANAME(_lc|_uc)?_hash\z/) {
            return undef unless $cols;
            my $n = 0;
            my $f = !$1 ? sub { $_[0] } : $1 eq '_lc' ? sub { lc $_[0] } : sub { uc $_[0] };
            return { map { $f->($_->{name}) => $n++ } @$cols };
        }
        if ($k eq 'NUM_OF_FIELDS') { return $cols ? scalar @$cols : defined $i->{_fields} ? $i->{_fields} : undef }
        if ($k eq 'TYPE') { return $cols ? [ map { $_->{type} } @$cols ] : undef }
        if ($k eq 'PRECISION') { return $cols ? [ map { $_->{precision} } @$cols ] : undef }
        if ($k eq 'SCALE') { return $cols ? [ map { $_->{scale} } @$cols ] : undef }
        if ($k eq 'NULLABLE') { return $cols ? [ map { defined $_->{nullable} ? $_->{nullable} : 2 } @$cols ] : undef }
        if ($k eq 'pg_type' || $k eq 'sqlite_type') { return $cols ? [ map { $_->{type_name} } @$cols ] : undef }
        if ($k eq 'Active') { return $i->{Active} ? 1 : '' }
        if ($k eq 'RowsInCache') { return $i->{_ncols} ? @{ $i->{_vals} } / $i->{_ncols} : 0 }
        if ($k eq 'Database') { return $i->{_dbh} }
        if ($k eq 'ParamValues') {
            my %v;
            my $b = $i->{_binds} || [];
            my $names = $i->{_param_names};
            for my $n (0 .. ($i->{NUM_OF_PARAMS} || 0) - 1) {
                my $key = $names && defined $names->[$n] ? $names->[$n] : $n + 1;
                $v{$key} = $b->[$n];
            }
            return \%v;
        }
        if ($k eq 'ParamTypes') { return { map { ($_ + 1) => $i->{_bind_types}[$_] } 0 .. $#{ $i->{_bind_types} || [] } } }
        if ($k eq 'Kids' || $k eq 'ActiveKids') { return 0 }
    }
    else {
        if ($k eq 'Kids') { return scalar grep { defined } values %{ $i->{_kids} } }
        if ($k eq 'ActiveKids') { return scalar grep { defined && $_->{Active} } values %{ $i->{_kids} } }
        if ($k eq 'AutoCommit') { return $i->{AutoCommit} ? 1 : '' }
        if ($k eq 'Active') { return $i->{Active} ? 1 : '' }
    }
    if ($k eq 'Type') { return $i->{_type} }
    if ($k eq 'Warn' && !exists $i->{Warn}) { return 1 }
    return $i->{$k};
}

sub STORE {
    my ($i, $k, $v) = @_;
    if ($k eq 'AutoCommit' && $i->{_type} eq 'db') {
        my $on = $v ? 1 : 0;
        return if $on == ($i->{AutoCommit} ? 1 : 0) && !$i->{BegunWork};
        if ($i->{Active}) {
            my $r = DBI::_call($i, 'set_auto_commit', { handle => $i->{_handle},
                                                       on => $on ? JSON::PP::true() : JSON::PP::false() });
            if (!$r->{success}) {
                DBI::_reply_err($i, $r);
                DBI::_report($i, 'STORE', undef);
                return;
            }
        }
        $i->{AutoCommit} = $on;
        $i->{BegunWork} = 0;
        return;
    }
    if ($k =~ /\A(?:RaiseError|PrintError|PrintWarn|ChopBlanks|LongTruncOk)\z/) {
        $i->{$k} = $v ? 1 : '';
        return;
    }
    if ($k eq 'RowCacheSize') {
        $i->{$k} = $v;
        return;
    }
    $i->{$k} = $v;
}

sub EXISTS {
    my ($i, $k) = @_;
    return 1 if $DB_KNOWN{$k};
    return 1 if $i->{_type} eq 'st' && $k =~ /\A(?:NAME|NAME_lc|NAME_uc|NUM_OF_FIELDS|NUM_OF_PARAMS|TYPE|PRECISION|SCALE|NULLABLE|Database|ParamValues|CursorName)\z/;
    return exists $i->{$k};
}

sub DELETE { my ($i, $k) = @_; return delete $i->{$k} }
sub CLEAR { }

sub FIRSTKEY {
    my ($i) = @_;
    my @k = grep { !/\A_/ } keys %$i;
    $i->{_iter} = \@k;
    return shift @k;
}

sub NEXTKEY {
    my ($i) = @_;
    my $k = shift @{ $i->{_iter} || [] };
    delete $i->{_iter} unless defined $k;
    return $k;
}

sub SCALAR { return 1 }

# =============================================================================================
package DBI::dr;

sub FETCH { return $_[0]->{ $_[1] } }

# =============================================================================================
package DBI::common;

sub err    { my $i = tied %{ $_[0] }; DBI::_flush_all() if %PENDING; return $i->{_errs}{err} }
sub errstr { my $i = tied %{ $_[0] }; DBI::_flush_all() if %PENDING; return $i->{_errs}{errstr} }
sub state  {
    my $i = tied %{ $_[0] };
    DBI::_flush_all() if %PENDING;
    my $s = $i->{_errs}{state};
    return defined $s ? $s : '';
}

sub set_err {
    my ($h, $e, $str, $st, $method, $rv) = @_;
    my $i = tied %$h;
    DBI::_set_err($i, $e, $str, $st);
    return $rv unless defined $e;
    my ($caller_method) = (caller(1))[3] =~ /([^:]+)\z/;
    return DBI::_report($i, $method || $caller_method || 'set_err', $rv);
}

sub trace     { shift; return DBI->trace(@_) }
sub trace_msg { shift; return DBI->trace_msg(@_) }

sub FETCH { my ($h, $k) = @_; return tied(%$h)->FETCH($k) }
sub STORE { my ($h, $k, $v) = @_; return tied(%$h)->STORE($k, $v) }

sub func {
    my $h = shift;
    my $method = pop;
    my $i = tied %$h;
    return DBI::_fail($i, $method, $DBI::stderr, "$i->{_class}::$i->{_type}::$method (func) not supported by CPAN Bridge");
}

sub can { my ($h, $m) = @_; return UNIVERSAL::can($h, $m) }

sub private_attribute_info { return undef }

# =============================================================================================
package DBI::db;

our @ISA = ('DBI::common');

sub _live {
    my ($i, $method) = @_;
    return 1 if $i->{Active};
    my $msg = $i->{_driver} eq 'Pg' ? 'Database handle has been disconnected'
            : "attempt to $method on inactive database handle";
    DBI::_set_err($i, $i->{_driver} eq 'Pg' ? 7 : 21, $msg, $i->{_driver} eq 'Pg' ? '08003' : 'S1000');
    return 0;
}

sub _simple {
    my ($dbh, $method, $function, $params) = @_;
    my $i = tied %$dbh;
    DBI::_clear_err($i);
    return DBI::_report($i, $method, undef) unless _live($i, $method);
    my $r = DBI::_call($i, $function, { handle => $i->{_handle}, %{ $params || {} } });
    if (!$r->{success}) {
        DBI::_reply_err($i, $r);
        return (DBI::_report($i, $method, undef), undef);
    }
    return (1, $r->{result});
}

# prepare without error reporting: returns the sth or undef with the error set on the dbh.
sub _prepare {
    my ($dbh, $sql, $attr) = @_;
    my $i = tied %$dbh;
    DBI::_clear_err($i);
    if (!$i->{Active} && $i->{_driver} eq 'Pg') {
        # DBD::Pg prepares lazily: prepare on a disconnected handle succeeds, execute fails.
        my $sth = DBI::st::_new($i, undef, $sql, { num_params => 0 }, $attr);
        tied(%$sth)->{_closed} = 1;
        return $sth;
    }
    return undef unless _live($i, 'prepare');
    $i->{Statement} = $sql;
    my $r = DBI::_sql_call($i, 'prepare', DBI::_sql_params({ handle => $i->{_handle} }, $sql));
    if (!$r->{success}) {
        DBI::_reply_err($i, $r);
        return undef;
    }
    my $res = $r->{result};
    return DBI::st::_new($i, $res->{handle}, $sql, $res, $attr);
}

sub prepare {
    my $dbh = shift;
    my $sth = _prepare($dbh, @_);
    return $sth if $sth;
    return DBI::_report(tied(%$dbh), 'prepare', undef);
}

sub prepare_cached {
    my ($dbh, $sql, $attr, $if_active) = @_;
    my $i = tied %$dbh;
    my $cache = $i->{CachedKids} ||= {};
    my $key = $sql;
    if (my $sth = $cache->{$key}) {
        if ($sth->{Active}) {
            $if_active ||= 0;
            if ($if_active == 3) { $sth = undef }
            elsif ($if_active != 2) {
                Carp::carp("prepare_cached($sql) statement handle $sth still Active") if $if_active == 0 && $i->{PrintError};
                $sth->finish;
            }
        }
        return $sth if $sth;
    }
    my $sth = $dbh->prepare($sql, $attr) or return undef;
    return $cache->{$key} = $sth;
}

sub do {
    my ($dbh, $sql, $attr, @binds) = @_;
    my $i = tied %$dbh;
    DBI::_clear_err($i);
    return DBI::_report($i, 'do', undef) unless _live($i, 'do');
    $i->{Statement} = $sql;
    my $r = DBI::_sql_call($i, 'do', DBI::_sql_params({ handle => $i->{_handle} }, $sql), DBI::_pack_binds(\@binds));
    if (!$r->{success}) {
        DBI::_reply_err($i, $r);
        return DBI::_report($i, 'do', undef);
    }
    my $rows = $r->{result}{rows};
    return !defined $rows ? -1 : $rows == 0 ? '0E0' : $rows;
}

sub disconnect {
    my ($dbh) = @_;
    my $i = tied %$dbh;
    DBI::_clear_err($i);
    return 1 unless $i->{Active};
    DBI::_flush_all() if %PENDING;
    my @active = grep { defined && $_->{Active} } values %{ $i->{_kids} };
    if (@active && $i->{Warn} // 1) {
        my $n = @active;
        warn "$dbh->disconnect invalidates $n active statement handle" . ($n > 1 ? 's' : '')
             . " (either destroy statement handles or call finish on them before disconnecting)" . DBI::_where();
    }
    my $r = DBI::_call($i, 'disconnect', { handle => $i->{_handle} });
    _gone($i);
    if (!$r->{success}) {
        DBI::_reply_err($i, $r);
        return DBI::_report($i, 'disconnect', undef);
    }
    return 1;
}

sub _gone {
    my ($i) = @_;
    $i->{Active} = 0;
    for my $k (grep { defined } values %{ $i->{_kids} }) {
        $k->{Active} = 0;
        $k->{_vals} = [];
        $k->{_more} = 0;
        $k->{_closed} = 1;
    }
    delete $LIVE_DBH{ $i->{_handle} } if defined $i->{_handle};
}

sub _destroy {
    my ($i) = @_;
    return unless $i->{Active};
    # A forked child's copy: the connection is the parent's (the daemon holds it on the parent's
    # socket), so the child leaves it alone -- as DBI's AutoInactiveDestroy would.
    return _gone($i) if defined $i->{_pid} && $i->{_pid} != $$;
    eval { DBI::_flush($i) } if $i->{_batch};
    if (!$i->{AutoCommit} && !$i->{InactiveDestroy} && (!exists $i->{_in_tx} || $i->{_in_tx})) {
        my $where = DBI::_where();
        if ($where eq ".\n" && defined $LAST_WHERE && $i->{_driver} ne 'Pg') {
            # Freed at the end with no script frame to name (after a die in here, say): DBI
            # names the script statement Perl was last at, which DBD::SQLite's XS leaves alone;
            # DBD::Pg's Perl-level code leaves no location at all.
            $where = $LAST_WHERE;
        }
        warn "Issuing rollback() due to DESTROY without explicit disconnect() of $i->{_class}::db handle $i->{Name}"
             . $where if $i->{Warn} // 1;
    }
    if ($BRIDGE && !$DBI::ENDED) {
        eval { DBI::_bcall('disconnect', { handle => $i->{_handle} }) };
    }
    _gone($i);
}

sub DESTROY {
    my $i = tied %{ $_[0] } or return;
    local ($@, $?, $!);
    _destroy($i);
}

sub ping {
    my ($dbh) = @_;
    my $i = tied %$dbh;
    return 0 unless $i->{Active};
    my $r = DBI::_call($i, 'ping', { handle => $i->{_handle} });
    return $r->{success} && $r->{result}{alive} ? 1 : 0;
}

sub begin_work {
    my ($dbh) = @_;
    my $i = tied %$dbh;
    DBI::_clear_err($i);
    return DBI::_report($i, 'begin_work', undef) unless _live($i, 'begin_work');
    return DBI::_fail($i, 'begin_work', $DBI::stderr, 'Already in a transaction') unless $i->{AutoCommit};
    my ($ok) = _simple($dbh, 'begin_work', 'begin_work');
    return $ok unless $ok;
    $i->{AutoCommit} = 0;
    $i->{BegunWork} = 1;
    return 1;
}

sub _end_tx {
    my ($dbh, $what) = @_;
    my $i = tied %$dbh;
    DBI::_flush_all() if %PENDING;
    DBI::_clear_err($i);
    if ($i->{AutoCommit} && $i->{Active}) {
        warn "$what ineffective with AutoCommit enabled" . DBI::_where() if $i->{Warn} // 1;
        return $i->{_driver} eq 'Pg' ? '' : 1;
    }
    my ($ok) = _simple($dbh, $what, $what);
    if ($i->{BegunWork}) {
        $i->{AutoCommit} = 1;
        $i->{BegunWork} = 0;
    }
    return $ok;
}

sub commit   { return _end_tx($_[0], 'commit') }
sub rollback { return _end_tx($_[0], 'rollback') }

sub last_insert_id {
    my ($dbh, $catalog, $schema, $table, $field, $attr) = @_;
    my %p;
    $p{catalog} = $catalog if defined $catalog;
    $p{schema} = $schema if defined $schema;
    $p{table} = $table if defined $table;
    $p{field} = $field if defined $field;
    my ($ok, $res) = _simple($dbh, 'last_insert_id', 'last_insert_id', \%p);
    return $ok ? $res->{id} : undef;
}

sub quote {
    my ($dbh, $v, $type) = @_;
    return 'NULL' unless defined $v;
    my $i = tied %$dbh;
    $type = $type->{TYPE} if ref $type eq 'HASH';
    if ($i->{_driver} eq 'Pg' && defined $type
        && grep { $type == $_ } 2, 3, 4, 5, 6, 7, 8, -5, -6, 16) {
        return $v if $v =~ /\A[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\z/;
    }
    (my $q = $v) =~ s/'/''/g;
    if ($i->{_driver} eq 'Pg' && $q =~ /\\/) {
        $q =~ s/\\/\\\\/g;
        return "E'$q'";
    }
    return "'$q'";
}

sub quote_identifier {
    my ($dbh, @id) = @_;
    my $attr = @id > 3 && ref $id[-1] ? pop @id : undef;
    my @parts = map { (my $s = $_) =~ s/"/""/g; qq{"$s"} } grep { defined && length } @id;
    return join('.', @parts);
}

sub _info_sth {
    my ($dbh, $method, $params) = @_;
    my $i = tied %$dbh;
    DBI::_clear_err($i);
    return DBI::_report($i, $method, undef) unless _live($i, $method);
    my %p = (handle => $i->{_handle}, characters => DBI::TRUE);
    while (my ($k, $v) = each %$params) { $p{$k} = $v if defined $v }
    my $r = DBI::_call($i, $method, \%p);
    if (!$r->{success}) {
        DBI::_reply_err($i, $r);
        return DBI::_report($i, $method, undef);
    }
    my $res = $r->{result};
    my $sth = DBI::st::_new($i, $res->{statement}, '', { num_params => 0 }, undef);
    DBI::st::_take_result(tied(%$sth), $res, $r->{attachment});
    return $sth;
}

sub table_info {
    my ($dbh, $catalog, $schema, $table, $type) = @_;
    return _info_sth($dbh, 'table_info', { catalog => $catalog, schema => $schema, table => $table, type => $type });
}

sub column_info {
    my ($dbh, $catalog, $schema, $table, $column) = @_;
    return _info_sth($dbh, 'column_info', { catalog => $catalog, schema => $schema, table => $table, column => $column });
}

sub tables {
    my ($dbh, @args) = @_;
    my $sth = $dbh->table_info(@args) or return;
    my $rows = $sth->fetchall_arrayref or return;
    if (tied(%$dbh)->{_driver} eq 'Pg') {
        # DBD::Pg's table_info carries names ready for SQL: quoted only when they need it.
        return map { join('.', map { /\A[a-z_][a-z0-9_]*\z/ ? $_ : $dbh->quote_identifier($_) } grep { defined } @$_[1, 2]) } @$rows;
    }
    return map { $dbh->quote_identifier(@$_[0 .. 2]) } @$rows;
}

sub data_sources {
    my ($dbh) = @_;
    return DBI->data_sources(tied(%$dbh)->{_driver});
}

sub get_info {
    my ($dbh, $type) = @_;
    my $i = tied %$dbh;
    return $i->{_driver} if $type == 17;                      # SQL_DBMS_NAME
    return $i->{_server_version} if $type == 18;              # SQL_DBMS_VER
    return '"' if $type == 29;                                # SQL_IDENTIFIER_QUOTE_CHAR
    return '.' if $type == 41;                                # SQL_CATALOG_NAME_SEPARATOR
    return undef;
}

sub clone {
    my ($dbh, $attr) = @_;
    my $i = tied %$dbh;
    return DBI->connect("dbi:$i->{_driver}:$i->{Name}", $i->{Username}, undef,
                        { (map { $_ => $i->{$_} } grep { !/\A_/ && !ref $i->{$_} } keys %$i), %{ $attr || {} } });
}

# Runs $sql (text or sth) with binds; returns the sth or undef (error set on the dbh).
sub _run {
    my ($dbh, $sql, $attr, $binds) = @_;
    my $sth = ref $sql ? $sql : _prepare($dbh, $sql, $attr) or return undef;
    my $rv = DBI::st::_execute($sth, @$binds);
    return defined $rv ? $sth : undef;
}

sub selectrow_arrayref {
    my ($dbh, $sql, $attr, @binds) = @_;
    my $sth = _run($dbh, $sql, $attr, \@binds) or return DBI::_report(tied(%$dbh), 'selectrow_arrayref', undef);
    my $row = DBI::st::_fetch(tied %$sth);
    my $si = tied %$sth;
    return DBI::_report($si, 'selectrow_arrayref', undef) if !$row && $si->{_errs}{err};
    DBI::st::_finish($si);
    return $row;
}

sub selectrow_array {
    my ($dbh, $sql, $attr, @binds) = @_;
    my $sth = _run($dbh, $sql, $attr, \@binds);
    if (!$sth) {
        DBI::_report(tied(%$dbh), 'selectrow_array', undef);
        return;
    }
    my $si = tied %$sth;
    my $row = DBI::st::_fetch($si);
    if (!$row && $si->{_errs}{err}) {
        DBI::_report($si, 'selectrow_array', undef);
        return;
    }
    DBI::st::_finish($si);
    return () unless $row;
    return wantarray ? @$row : $row->[0];
}

sub selectrow_hashref {
    my ($dbh, $sql, $attr, @binds) = @_;
    my $sth = _run($dbh, $sql, $attr, \@binds) or return DBI::_report(tied(%$dbh), 'selectrow_hashref', undef);
    my $row = $sth->fetchrow_hashref;
    DBI::st::_finish(tied %$sth);
    return $row;
}

sub selectall_arrayref {
    my ($dbh, $sql, $attr, @binds) = @_;
    my $sth = _run($dbh, $sql, $attr, \@binds) or return DBI::_report(tied(%$dbh), 'selectall_arrayref', undef);
    $attr ||= {};
    my $slice = $attr->{Slice};
    if (!defined $slice && $attr->{Columns}) {
        $slice = ref $attr->{Columns} eq 'ARRAY' ? [ map { $_ > 0 ? $_ - 1 : $_ } @{ $attr->{Columns} } ] : $attr->{Columns};
    }
    my $rows = DBI::st::_fetchall($sth, $slice, $attr->{MaxRows});
    my $si = tied %$sth;
    return DBI::_report($si, 'selectall_arrayref', undef) if $si->{_errs}{err};
    DBI::st::_finish($si) if defined $attr->{MaxRows};
    return $rows;
}

sub selectall_hashref {
    my ($dbh, $sql, $key, $attr, @binds) = @_;
    my $sth = _run($dbh, $sql, $attr, \@binds) or return DBI::_report(tied(%$dbh), 'selectall_hashref', undef);
    return $sth->fetchall_hashref($key);
}

sub selectcol_arrayref {
    my ($dbh, $sql, $attr, @binds) = @_;
    my $sth = _run($dbh, $sql, $attr, \@binds) or return DBI::_report(tied(%$dbh), 'selectcol_arrayref', undef);
    my @cols = $attr && $attr->{Columns} ? @{ $attr->{Columns} } : (1);
    my $si = tied %$sth;
    my @out;
    my $max = $attr && defined $attr->{MaxRows} ? $attr->{MaxRows} : -1;
    while ($max-- != 0 && (my $row = DBI::st::_fetch($si))) {
        push @out, @$row[ map { $_ - 1 } @cols ];
    }
    return DBI::_report($si, 'selectcol_arrayref', undef) if $si->{_errs}{err};
    DBI::st::_finish($si);
    return \@out;
}

sub type_info_all { return [] }
sub type_info { return }

sub take_imp_data { return undef }

# =============================================================================================
package DBI::st;

our @ISA = ('DBI::common');

sub _new {
    my ($di, $handle, $sql, $res, $attr) = @_;
    my $si = {
        (map { $_ => $di->{$_} } grep { exists $di->{$_} } @INHERITED),
        _type => 'st', _class => $di->{_class}, _driver => $di->{_driver}, _errs => $di->{_errs},
        _dbi => $di, _dbh => $di->{_outer}, _handle => $handle, Statement => $sql,
        NUM_OF_PARAMS => $res->{num_params} || 0,
        _param_names => $res->{param_names},
        _batchable => $res->{batchable},
        _vals => [], _row => [], _more => 0, _delivered => 0, _rows => -1, Active => 0,
    };
    # prepare's attributes are driver hints (pg_server_prepare, ora_check_sql ...); DBI does not
    # make them handle attributes -- prepare($sql, {ChopBlanks => 1}) chops nothing natively.
    if (ref $attr eq 'HASH') {
        $si->{$_} = $attr->{$_} for grep { /\A[a-z]/ } keys %$attr;
    }
    my $sth = DBI::_new_handle('DBI::st', $si);
    if (defined $handle) {
        $di->{_kids}{$handle} = $si;
        Scalar::Util::weaken($di->{_kids}{$handle});
    }
    return $sth;
}

sub _block_rows {
    my ($si) = @_;
    my $rcs = $si->{RowCacheSize};
    return $rcs if defined $rcs && $rcs > 0;
    my $n = $si->{_next_block} || DBI::FIRST_BLOCK;
    $si->{_next_block} = $n * 4 > DBI::MAX_BLOCK ? DBI::MAX_BLOCK : $n * 4;
    return $n;
}

sub _take_result {
    my ($si, $res, $att) = @_;
    $si->{_rows} = defined $res->{rows} ? $res->{rows} : -1;
    $si->{_by_fetch} = $res->{rows_counted_by_fetch} ? 1 : 0;
    $si->{_delivered} = 0;
    $si->{_handle} = $res->{statement} if defined $res->{statement} && !defined $si->{_handle};
    my $fields = $res->{fields} || 0;
    $si->{_fields} = $fields;
    if ($fields) {
        $si->{_cols} = $res->{columns};
        $si->{_ncols} = $fields;
        $si->{_kinds} = $res->{kinds};
        $si->{_vals} = $res->{block_rows} ? DBI::_unpack_rows($att, $fields, $res->{kinds}, $res->{characters}) : [];
        $si->{_delivered} = @{ $si->{_vals} } / $fields;
        $si->{_more} = $res->{done} ? 0 : 1;
        $si->{Active} = 1;
    }
    else {
        $si->{_vals} = [];
        $si->{_more} = 0;
        $si->{Active} = 0;
    }
}

# Binds for this execute: the arguments, else what bind_param stored.
sub _binds {
    my ($si, $args) = @_;
    return $args if @$args;
    if (my $fresh = delete $si->{_inout_fresh}) {
        # DBD::Pg reads an in/out variable at the first execute after bind_param_inout and
        # sends that value again at later executes, whatever the rows put into it since.
        $si->{_binds}[$_] = ${ $si->{_inout}{$_} } for keys %$fresh;
    }
    return $si->{_binds} || [];
}

sub _bind_types {
    my ($si) = @_;
    my $t = $si->{_bind_types} or return undef;
    return undef unless grep { defined } @$t;
    return [ map { defined $_ ? $_ : undef } @$t[0 .. ($si->{NUM_OF_PARAMS} || @$t) - 1] ];
}

# execute without error reporting: returns the row count or undef with the error set.
sub _execute {
    my ($sth, @args) = @_;
    my $si = tied %$sth;
    my $di = $si->{_dbi};
    DBI::_clear_err($si);
    if (!$di->{Active} || $si->{_closed}) {
        return DBI::_set_err($si, $DBI::stderr, 'Database handle has been disconnected')
            if $si->{_driver} eq 'Pg';
        return DBI::_set_err($si, 21, 'attempt to execute on inactive database handle');
    }
    if (@args && @args != ($si->{NUM_OF_PARAMS} || 0)) {
        return DBI::_set_err($si, -1, 'called with ' . @args . ' bind variables when '
                                     . ($si->{NUM_OF_PARAMS} || 0) . ' are needed', '');
    }
    my %p = (handle => $si->{_handle});
    my $bt = _bind_types($si);
    $p{bind_types} = $bt if $bt;
    my $values = _binds($si, \@args);
    my $params = $si->{NUM_OF_PARAMS} || 0;
    if (!@args && grep { !exists $values->[$_] } 0 .. $params - 1) {
        # Placeholders nobody bound: DBD::Pg refuses to run; DBD::SQLite binds NULL.
        return DBI::_set_err($si, 7, 'execute called with an unbound placeholder', '25P01') if $si->{_driver} eq 'Pg';
        $values = [ map { $values->[$_] } 0 .. $params - 1 ];
    }
    my $binds = DBI::_pack_binds($values);
    DBI::_collect() if $DBI::INFLIGHT;
    delete $si->{_ahead};
    $si->{_vals} = [];
    $si->{_more} = 0;
    $si->{_next_block} = undef;
    $p{block_rows} = _block_rows($si);
    $p{characters} = DBI::TRUE;
    $p{chop_blanks} = JSON::PP::true() if $si->{ChopBlanks};
    $p{long_read_len} = $si->{LongReadLen} if defined $si->{LongReadLen};
    $p{long_trunc_ok} = JSON::PP::true() if $si->{LongTruncOk};
    my $r = DBI::_call($si, 'execute', \%p, $binds);
    if (!$r->{success}) {
        $si->{Active} = 0;
        $si->{_rows} = -1;
        return DBI::_reply_err($si, $r);
    }
    _take_result($si, $r->{result}, $r->{attachment});
    my $rows = $si->{_rows};
    return $rows == 0 ? '0E0' : $rows;
}

sub execute {
    my $sth = $_[0];
    my $si = tied %$sth;
    # Void context: nobody reads the result, so it may wait for a batch -- unless the script is
    # inside an eval with RaiseError/HandleError, where it means to catch this execute's error
    # right here (`eval { $sth->execute(...) };` is void context too).
    if (!defined wantarray && $si->{_batchable} && !$si->{_inout} && $si->{_dbi}{Active} && !$si->{_closed}
        && !($^S && ($si->{RaiseError} || $si->{HandleError}))) {
        return _queue($si, @_[1 .. $#_]);
    }
    my $rv = _execute(@_);
    return $rv if defined $rv;
    return DBI::_report($si, 'execute', undef);
}

# A void-context execute of a batchable statement: kept for one execute_batch.
sub _queue {
    my ($si, @args) = @_;
    my $di = $si->{_dbi};
    if (@args && @args != ($si->{NUM_OF_PARAMS} || 0)) {
        DBI::_flush_all() if %PENDING;
        DBI::_set_err($si, -1, 'called with ' . @args . ' bind variables when '
                               . ($si->{NUM_OF_PARAMS} || 0) . ' are needed', '');
        return DBI::_report($si, 'execute', undef);
    }
    my $bt = _bind_types($si);
    my $b = $di->{_batch};
    if ($b && ($b->{sth} != $si || (defined $bt) != (defined $b->{types})
               || ($bt && $CANONICAL->encode($bt) ne $b->{types_json}))) {
        DBI::_flush($di);
        $b = undef;
    }
    # A batch on another connection goes first: the script did that work first.
    if (%PENDING && keys(%PENDING) > ($b ? 1 : 0)) {
        for my $key (grep { $_ ne $di->{_handle} } keys %PENDING) {
            my $other = delete $PENDING{$key};
            DBI::_flush($other) if $other;
        }
    }
    DBI::_collect() if $DBI::INFLIGHT;
    if ($PIPELINED) {
        $PIPELINED = 0;
        DBI::_bridge()->sync;
    }
    if (defined $si->{_errs}{err}) { DBI::_clear_err($si) } else { $DBI::lasth = $si }
    if (!$b) {
        $b = $di->{_batch} = { sth => $si, sets => [], where => [], bytes => 0, types => $bt,
                               types_json => $bt ? $CANONICAL->encode($bt) : '' };
        $PENDING{ $di->{_handle} } = $di;
    }
    my $set = DBI::_pack_binds(_binds($si, \@args));
    $set = pack('w/a*', '') unless defined $set;
    push @{ $b->{sets} }, $set;
    push @{ $b->{where} }, DBI::_where();
    $b->{bytes} += length $set;
    $si->{_rows} = -1;
    DBI::_flush($di) if @{ $b->{sets} } >= DBI::BATCH_SETS || $b->{bytes} >= DBI::BATCH_BYTES;
    return;
}

sub _refill {
    my ($si) = @_;
    return 0 unless $si->{_more};
    DBI::_collect() if $DBI::INFLIGHT && $DBI::INFLIGHT->{si} && $DBI::INFLIGHT->{si} == $si;
    my $r = delete $si->{_ahead}
         || DBI::_call($si, 'fetch', { handle => $si->{_handle}, block_rows => _block_rows($si), characters => DBI::TRUE });
    if (!$r->{success}) {
        $si->{_more} = 0;
        $si->{Active} = 0;
        DBI::_reply_err($si, $r);
        return 0;
    }
    my $res = $r->{result};
    $si->{_kinds} = $res->{kinds} if defined $res->{kinds};
    if ($res->{block_rows}) {
        my $v = DBI::_unpack_rows($r->{attachment}, $si->{_ncols}, $si->{_kinds}, $res->{characters});
        if (@{ $si->{_vals} }) { push @{ $si->{_vals} }, @$v } else { $si->{_vals} = $v }
        $si->{_delivered} += @$v / $si->{_ncols};
    }
    $si->{_more} = 0 if $res->{done};
    DBI::_read_ahead($si, { handle => $si->{_handle}, block_rows => _block_rows($si), characters => DBI::TRUE }) if $si->{_more};
    return scalar @{ $si->{_vals} };
}

# Next row (a fresh arrayref) or undef at the end / on error (then err is set).
sub _fetch {
    my ($si) = @_;
    my $v = $si->{_vals};
    if (!@$v) {
        if ($si->{_more} && _refill($si)) {
            $v = $si->{_vals};
        }
        else {
            $si->{Active} = 0;
            return undef;
        }
    }
    my $row = [ splice(@$v, 0, $si->{_ncols}) ];
    if (my $bound = $si->{_bound}) {
        for my $c (keys %$bound) { ${ $bound->{$c} } = $row->[$c] }
    }
    if (my $inout = $si->{_inout}) {
        for my $c (keys %$inout) { ${ $inout->{$c} } = $row->[$c] if $c < @$row }
    }
    return $row;
}

# The hot path: like DBI, one row array reused for every fetch, filled from the prefetched
# values without building a row of our own.
sub fetchrow_arrayref {
    my $si = tied %{ $_[0] };
    my $v = $si->{_vals};
    if (@$v && !$si->{_bound}) {
        my $row = $si->{_row};
        @$row = splice(@$v, 0, $si->{_ncols});
        return $row;
    }
    my $r = _fetch($si) or return $si->{_errs}{err} ? DBI::_report($si, 'fetchrow_arrayref', undef) : undef;
    my $row = $si->{_row};
    @$row = @$r;
    return $row;
}

{ no warnings 'once'; *fetch = \&fetchrow_arrayref; }

sub fetchrow_array {
    my $si = tied %{ $_[0] };
    my $v = $si->{_vals};
    if (@$v && !$si->{_bound}) {    # `while (my @row = $sth->fetchrow_array)`: no row array at all
        return splice(@$v, 0, $si->{_ncols}) if wantarray;
        return (splice(@$v, 0, $si->{_ncols}))[0];
    }
    my $row = _fetch($si);
    if (!$row) {
        DBI::_report($si, 'fetchrow_array', undef) if $si->{_errs}{err};
        return;
    }
    return wantarray ? @$row : $row->[0];
}

sub fetchrow_hashref {
    my ($sth, $name) = @_;
    my $si = tied %$sth;
    my $row = _fetch($si);
    if (!$row) {
        return $si->{_errs}{err} ? DBI::_report($si, 'fetchrow_hashref', undef) : undef;
    }
    my $keys = $sth->{ $name || $si->{FetchHashKeyName} || 'NAME' };
    my %h;
    @h{@$keys} = @$row;
    return \%h;
}

sub _fetchall {
    my ($sth, $slice, $max) = @_;
    my $si = tied %$sth;
    my @out;
    return \@out unless $si->{_cols};
    $max = -1 unless defined $max;
    if (!defined $slice && !$si->{_bound} && $max < 0) {
        my $n = $si->{_ncols};
        my $last = $n - 1;
        while (1) {
            my $v = $si->{_vals};
            for (my $x = 0; $x < @$v; $x += $n) { push @out, [ @$v[$x .. $x + $last] ] }
            $si->{_vals} = [];
            last unless $si->{_more} && _refill($si);
        }
        $si->{Active} = 0;
        return \@out;
    }
    if (ref $slice eq 'HASH') {
        my $names = $sth->{ $si->{FetchHashKeyName} || 'NAME' };
        my @idx = (0 .. $#$names);
        my @keys = @$names;
        if (%$slice) {
            my %pos;
            my $lc = $sth->{NAME_lc};
            for my $n (0 .. $#$names) { $pos{ $names->[$n] } = $n; $pos{ $lc->[$n] } = $n unless exists $pos{ $lc->[$n] } }
            @keys = grep { exists $pos{$_} || exists $pos{ lc $_ } } sort keys %$slice;
            @idx = map { exists $pos{$_} ? $pos{$_} : $pos{ lc $_ } } @keys;
        }
        while ($max-- != 0 && (my $row = _fetch($si))) {
            my %h;
            @h{@keys} = @$row[@idx];
            push @out, \%h;
        }
    }
    elsif (ref $slice eq 'ARRAY' && @$slice) {
        my @idx = @$slice;
        while ($max-- != 0 && (my $row = _fetch($si))) {
            push @out, [ @$row[@idx] ];
        }
    }
    else {
        while ($max-- != 0 && (my $row = _fetch($si))) {
            push @out, $si->{_bound} ? [@$row] : $row;
        }
    }
    return \@out;
}

sub fetchall_arrayref {
    my ($sth, $slice, $max) = @_;
    my $si = tied %$sth;
    DBI::_clear_err($si);
    my $rows = _fetchall($sth, $slice, $max);
    return DBI::_report($si, 'fetchall_arrayref', undef) if $si->{_errs}{err};
    return $rows;
}

sub fetchall_hashref {
    my ($sth, $key) = @_;
    my $si = tied %$sth;
    my $names = $sth->{ $si->{FetchHashKeyName} || 'NAME' };
    my $lcnames = $sth->{NAME_lc} || [];
    my %pos;
    for my $n (0 .. $#{ $names || [] }) { $pos{ $names->[$n] } = $n; $pos{ $lcnames->[$n] } = $n unless exists $pos{ $lcnames->[$n] } }
    my @keys = ref $key ? @$key : ($key);
    my @kidx;
    for my $k (@keys) {
        my $p = $k =~ /\A[0-9]+\z/ && !exists $pos{$k} ? $k - 1 : exists $pos{$k} ? $pos{$k} : $pos{ lc $k };
        return DBI::_fail($si, 'fetchall_hashref', $DBI::stderr,
                          "Field '$k' does not exist (not one of @{ $names || [] })") unless defined $p;
        push @kidx, $p;
    }
    my %out;
    no warnings 'uninitialized';    # NULL keys, as DBI makes them ''
    while (my $row = _fetch($si)) {
        my $ref = \%out;
        $ref = $ref->{ $row->[$_] } ||= {} for @kidx[0 .. $#kidx - 1];
        my %h;
        @h{@$names} = @$row;
        $ref->{ $row->[ $kidx[-1] ] } = \%h;
    }
    return DBI::_report($si, 'fetchall_hashref', undef) if $si->{_errs}{err};
    return \%out;
}

sub _finish {
    my ($si) = @_;
    return 1 unless $si->{Active};
    $si->{Active} = 0;
    $si->{_delivered} -= @{ $si->{_vals} } / $si->{_ncols} if $si->{_ncols};    # rows() counts what the script fetched
    $si->{_vals} = [];
    if ($si->{_more}) {
        $si->{_more} = 0;
        my $r = DBI::_call($si, 'finish', { handle => $si->{_handle} });
        if (!$r->{success}) {
            DBI::_reply_err($si, $r);
            return undef;
        }
    }
    return 1;
}

sub finish {
    my $si = tied %{ $_[0] };
    return _finish($si) || DBI::_report($si, 'finish', undef);
}

sub rows {
    my $si = tied %{ $_[0] };
    DBI::_flush_all() if %PENDING;
    return $si->{_delivered} - @{ $si->{_vals} } / $si->{_ncols} if $si->{_by_fetch} && $si->{_cols};
    return $si->{_rows};
}

sub _param_index {
    my ($si, $p) = @_;
    return $p - 1 if $p =~ /\A[0-9]+\z/;
    my $names = $si->{_param_names} || [];
    for my $n (0 .. $#$names) {
        next unless defined $names->[$n];
        return $n if $names->[$n] eq $p || ":$names->[$n]" eq $p || $names->[$n] eq ":$p";
    }
    return undef;
}

sub _type_spec {
    my ($type) = @_;
    return undef unless defined $type;
    return { sql_type => $type + 0 } unless ref $type;
    return { sql_type => $type->{TYPE} + 0 } if defined $type->{TYPE};
    return { pg_type => $type->{pg_type} + 0 } if defined $type->{pg_type};
    return { ora_type => $type->{ora_type} + 0 } if defined $type->{ora_type};
    return undef;
}

sub bind_param {
    my ($sth, $p, $v, $type) = @_;
    my $si = tied %$sth;
    DBI::_clear_err($si);
    my $n = _param_index($si, $p);
    if (!defined $n || $n < 0 || $n >= ($si->{NUM_OF_PARAMS} || 0)) {
        return DBI::_fail($si, 'bind_param', $DBI::stderr, "Illegal parameter number")
            if $si->{_driver} eq 'SQLite';
        return DBI::_fail($si, 'bind_param', $DBI::stderr, "Cannot bind unknown placeholder '$p'");
    }
    $si->{_binds}[$n] = $v;
    my $spec = _type_spec($type);
    $si->{_bind_types}[$n] = $spec if $spec || !$si->{_bind_types} || !$si->{_bind_types}[$n];
    return 1;
}

# Array binding, as DBI's own default implementation behaves: one execute per tuple, a status
# per tuple, and one summary error for the whole call.
sub bind_param_array {
    my ($sth, $p, $values, $type) = @_;
    my $si = tied %$sth;
    DBI::_clear_err($si);
    return DBI::_fail($si, 'bind_param_array', $DBI::stderr,
                      "Value for parameter $p must be a scalar or an arrayref, not a " . ref($values))
        if ref $values && ref $values ne 'ARRAY';
    return DBI::_fail($si, 'bind_param_array', $DBI::stderr,
                      "Can't use named placeholder '$p' for non-driver supported bind_param_array")
        unless DBI::looks_like_number($p);
    return DBI::_fail($si, 'bind_param_array', $DBI::stderr, "Placeholder '$p' is out of range") if $p <= 0;
    ($si->{ParamArrays} ||= {})->{$p} = $values;
    return $sth->bind_param($p, undef, $type) if $type;
    return 1;
}

sub execute_array {
    my ($sth, $attr, @columns) = @_;
    my $si = tied %$sth;
    DBI::_clear_err($si);
    $attr ||= {};
    my $status = $attr->{ArrayTupleStatus};
    my $params = $si->{NUM_OF_PARAMS};
    my $fail = sub { DBI::_fail($si, 'execute_array', $DBI::stderr, $_[0]) };
    return $fail->('ArrayTupleStatus attribute must be an arrayref') if $status && ref $status ne 'ARRAY';
    if (@columns) {
        return $fail->(@columns . " bind values supplied but $params expected")
            if defined $params && @columns != $params;
        $si->{ParamArrays} = {};
        for my $n (1 .. @columns) { $sth->bind_param_array($n, $columns[$n - 1]) or return }
    }
    my $next;
    if (my $source = $attr->{ArrayTupleFetch}) {
        return $fail->("Can't use both ArrayTupleFetch and explicit bind values") if @columns;
        if (Scalar::Util::blessed($source) && $source->isa('DBI::st')) {
            return $fail->('ArrayTupleFetch sth is not Active, need to execute() it first') unless $source->{Active};
            my $fields = $source->{NUM_OF_FIELDS};
            return $fail->("$fields columns from ArrayTupleFetch sth but $params expected")
                if defined $fields && defined $params && $fields != $params;
            $next = sub { $source->fetchrow_arrayref };
        }
        elsif (ref $source eq 'CODE') { $next = $source }
        else { return $fail->("ArrayTupleFetch '$source' is not a code ref or statement handle") }
    }
    else {
        my %arrays = %{ $si->{ParamArrays} || {} };
        my $given = keys %arrays;
        return $fail->("$given bind values supplied but $params expected") if defined $params && $params != $given;
        my $tuples = 1;    # scalars only: executed once
        my $any_array;
        for (values %arrays) {
            next unless ref $_ eq 'ARRAY';
            $tuples = @$_ if !$any_array++ || @$_ > $tuples;
        }
        my $i = 0;
        $next = sub {
            return undef if $i >= $tuples;
            my $at = $i++;
            return [ map { my $v = $arrays{$_}; ref $v ? $v->[$at] : $v } 1 .. $given ];
        };
    }
    return _execute_tuples($sth, $next, $status, 'execute_array');
}

sub execute_for_fetch { return _execute_tuples(@_[0 .. 2], 'execute_for_fetch') }

sub _execute_tuples {
    my ($sth, $next, $status, $method) = @_;
    my $si = tied %$sth;
    $status ? (@$status = ()) : ($status = []);
    my ($total, $errors) = (0, 0);
    DBI::_flush_all() if %PENDING;
    while (my $tuple = $next->()) {
        # Quietly: as with DBI, only the summary error is reported (and raised), after every
        # tuple has had its turn.
        my $rc = _execute($sth, @$tuple);
        if ($rc) {
            push @$status, $rc;
            $total = $rc >= 0 && $total >= 0 ? $total + $rc : -1;
        }
        else {
            $errors++;
            push @$status, [ $sth->err, $sth->errstr, $sth->state ];
        }
    }
    my $tuples = @$status;
    return DBI::_fail($si, $method, $DBI::stderr, "executing $tuples generated $errors errors") if $errors;
    $tuples ||= '0E0';
    return wantarray ? ($tuples, $total) : $tuples;
}

sub bind_param_inout {
    my ($sth, $p, $ref, $maxlen, $type) = @_;
    my $si = tied %$sth;
    Carp::croak('bind_param_inout needs a reference to a scalar value')
        unless ref $ref eq 'SCALAR' || ref $ref eq 'REF';
    DBI::_clear_err($si);
    if ($si->{_driver} eq 'SQLite') {
        DBI::_set_err($si, -2, 'InOut bind params not implemented', 'S1000');
        DBI::_report($si, 'bind_param_inout', undef);
        return '';
    }
    my $n = _param_index($si, $p);
    return DBI::_fail($si, 'bind_param_inout', $DBI::stderr, "Cannot bind unknown placeholder '$p'") unless defined $n;
    # In: the variable's value at the next execute. Out, as DBD::Pg does it: each fetched row
    # puts its column N into the variable bound to placeholder N.
    $si->{_inout}{$n} = $ref;
    $si->{_inout_fresh}{$n} = 1;
    $si->{_bound} ||= {};    # rows then take the path that assigns bound variables
    my $spec = _type_spec($type);
    $si->{_bind_types}[$n] = $spec if $spec;
    return 1;
}

sub bind_col {
    my ($sth, $col, $ref, $attr) = @_;
    my $si = tied %$sth;
    return DBI::_fail($si, 'bind_col', $DBI::stderr, "bind_col: column $col is not a valid column (1..$si->{_ncols})")
        if $si->{_ncols} && ($col < 1 || $col > $si->{_ncols});
    Carp::croak("bind_col($col,$ref) needs a reference to a scalar") if defined $ref && ref $ref ne 'SCALAR' && ref $ref ne 'REF';
    $si->{_bound}{ $col - 1 } = $ref if defined $ref;
    return 1;
}

sub bind_columns {
    my ($sth, @refs) = @_;
    shift @refs if @refs && (!defined $refs[0] || ref $refs[0] eq 'HASH');
    my $si = tied %$sth;
    my $n = $si->{_ncols} || scalar @refs;
    if ($si->{_ncols} && @refs != $si->{_ncols}) {
        return DBI::_fail($si, 'bind_columns', $DBI::stderr,
                          "bind_columns called with " . @refs . " values but $si->{_ncols} are needed");
    }
    $sth->bind_col($_ + 1, $refs[$_]) or return undef for 0 .. $#refs;
    return 1;
}

sub dump_results {
    my ($sth, $maxlen, $lsep, $fsep, $fh) = @_;
    $maxlen ||= 35;
    $lsep = "\n" unless defined $lsep;
    $fsep = ', ' unless defined $fsep;
    $fh ||= \*STDOUT;
    my $n = 0;
    while (my $row = $sth->fetchrow_arrayref) {
        print {$fh} DBI::neat_list($row, $maxlen, $fsep), $lsep;
        $n++;
    }
    print {$fh} "$n rows" . ($sth->err ? " (" . $sth->err . ": " . $sth->errstr . ")" : '') . "\n";
    return $n;
}

sub DESTROY {
    my $si = tied %{ $_[0] } or return;
    local ($@, $?, $!);
    DBI::_where();    # remembers where the script is, for a database handle freed with us
    my $di = $si->{_dbi};
    if ($di && $di->{_batch} && $di->{_batch}{sth} == $si) {
        eval { DBI::_flush($di) };
    }
    return if $si->{_closed} || !$di || !$di->{Active} || !defined $si->{_handle};
    return if defined $di->{_pid} && $di->{_pid} != $$;
    delete $di->{_kids}{ $si->{_handle} };
    eval { DBI::_close_later($si->{_handle}) };
}

1;

__END__

=head1 NAME

DBI - CPAN Bridge drop-in for DBI: the database work is done by the cpanbridge daemon

=head1 SYNOPSIS

    use DBI;
    my $dbh = DBI->connect('dbi:Pg:dbname=app', $user, $pass, { RaiseError => 1, AutoCommit => 0 });
    my $sth = $dbh->prepare('select id, name from item where kind = ?');
    $sth->execute('book');
    while (my $row = $sth->fetchrow_arrayref) { print "@$row\n" }
    $dbh->commit;

=head1 SUPPORTED

The surface of DBI that batch jobs use: connect, connect_cached, prepare(_cached), do,
execute, execute_array, execute_for_fetch, bind_param(_inout|_array), bind_col(umns), every fetch and select helper, transactions
(AutoCommit switching, begin_work, commit, rollback), quote, quote_identifier, last_insert_id,
table_info, column_info, the error attributes (RaiseError, PrintError, HandleError, err, errstr,
state, $DBI::err ...) and statement attributes (NAME*, TYPE, NUM_OF_FIELDS, NUM_OF_PARAMS ...).
Values come back as the native driver (DBD::Pg, DBD::SQLite) returns them.

Rows are prefetched in blocks (RowCacheSize sets the block size; by default blocks grow from
200 to 8192 rows), and while the script works through one block the daemon already reads the
next (CPAN_BRIDGE_DBI_READAHEAD=0 turns that off).

Repeated executes of an insert/update/delete in void context (C<< $sth->execute(@row) for
@rows; >>) are sent in batches. The batch goes out before any other database call of the
script, when it holds 2000 sets or 1 MB, and at the end of the script. An error in it is
reported as that execute's error, with that execute's script line: PrintError warns (and the
remaining sets still run, as they would have), RaiseError dies -- at the point where the batch
was sent. Inside an C<eval> with RaiseError or HandleError nothing is batched, since the script
means to catch the error right there. C<< $sth->rows >>, C<err>, C<errstr>, C<state> and
C<$DBI::err> send the batch first.

=head1 NOT SUPPORTED / CAVEATS

bind_param_inout on plug-in databases sends the value but returns nothing; func() and driver
private methods; Profile; trace output is not DBI's (one line per daemon call). With batched
executes and RaiseError outside any eval, a failing insert kills the script a little later than
native DBI would (at the next database call), so output printed in between differs. See docs/dbi.md.

=head1 SEE ALSO

L<DBI> (the real module), docs/protocol.md (the wire contract), docs/dbi.md.

=cut
