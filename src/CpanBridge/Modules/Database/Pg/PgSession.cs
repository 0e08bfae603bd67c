using System.Data;
using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace CpanBridge.Modules.Database.Pg;

/// <summary>
/// One DBD::Pg-like connection. With AutoCommit off a transaction starts before the first
/// statement after connect/commit/rollback (DBD::Pg sends "begin" lazily; Npgsql's transaction
/// does the same by prefixing BEGIN to the next command).
/// </summary>
internal sealed class PgSession : IDbSession
{
    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction? _transaction;
    private bool _autoCommit;
    private bool _begunWork;
    private bool _lost;
    private List<string>? _notices;

    public PgSession(NpgsqlConnection connection, bool autoCommit, string driver)
    {
        _connection = connection;
        // Npgsql raises this while reading the server's replies, so notices queue up in the order
        // the server sent them, ahead of the error or result that follows.
        _connection.Notice += (_, e) => (_notices ??= []).Add(PgErrors.FormatNotice(e.Notice, ActiveQuery));
        _autoCommit = autoCommit;
        Driver = driver;
        if (connection.PostgresParameters.TryGetValue("client_encoding", out var encoding)
            && !encoding.Equals("UTF8", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("UNICODE", StringComparison.OrdinalIgnoreCase))
            TextKind = 'b';
        // DBD::Pg's pg_server_version: 150018 for 15.18.
        var version = connection.PostgreSqlVersion;
        ServerVersion = (version.Major >= 10
            ? version.Major * 10000 + Math.Max(version.Minor, 0)
            : version.Major * 10000 + Math.Max(version.Minor, 0) * 100 + Math.Max(version.Build, 0)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// DBD::Pg flags strings as characters only when the client encoding is UTF8 (pg_enable_utf8 -1);
    /// with PGCLIENTENCODING=LATIN1 and the like a script gets that encoding's bytes.
    /// </summary>
    internal char TextKind { get; } = 'u';

    public string Driver { get; }
    public string Provider => "npgsql";
    public string ServerVersion { get; }
    public bool AutoCommit => _autoCommit;
    public bool HasUncommittedWork => _transaction is not null && !_lost;

    internal NpgsqlConnection Connection => _connection;

    /// <summary>The SQL being run, for a notice's position display (libpq shows it for the active query).</summary>
    internal string? ActiveQuery { get; set; }

    public IReadOnlyList<string> TakeNotices()
    {
        if (_notices is null) return [];
        var notices = _notices;
        _notices = null;
        return notices;
    }
    internal bool IsBroken => _lost || _connection.FullState.HasFlag(ConnectionState.Broken) || _connection.State != ConnectionState.Open;

    /// <summary>Fails as libpq does once the connection is gone.</summary>
    internal void ThrowIfLost()
    {
        if (_lost || _connection.State != ConnectionState.Open)
        {
            _lost = true;
            throw PgErrors.Lost(PgErrors.NoConnection);
        }
    }

    /// <summary>Starts the pending transaction before a statement when AutoCommit is off.</summary>
    internal async ValueTask BeforeStatementAsync(CancellationToken ct)
    {
        ThrowIfLost();
        if (!_autoCommit && _transaction is null)
            _transaction = await _connection.BeginTransactionAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Turns a failure of a database call into what DBD::Pg reports.</summary>
    internal Exception Translate(Exception e, string? query)
    {
        if (e is DbError or OperationCanceledException) return e;
        var broken = _connection.FullState.HasFlag(ConnectionState.Broken) || _connection.State != ConnectionState.Open;
        if (broken)
        {
            _lost = true;
            _transaction = null;
            // libpq shows the server's farewell (FATAL: terminating connection...) and then its own note.
            return PgErrors.Lost(e is PostgresException pg
                ? PgErrors.Format(pg, query) + "\n" + PgErrors.ServerClosed
                : PgErrors.ServerClosed, e);
        }
        if (e is PostgresException postgres) return PgErrors.Statement(postgres, query);
        if (e is NpgsqlException or InvalidOperationException or IOException)
            return new DbError(JsonValue.Create(PgErrors.StatementErr), e.Message, "HY000", e);
        return e;
    }

    public async ValueTask SetAutoCommitAsync(bool on, CancellationToken cancellation)
    {
        if (on == _autoCommit) return;
        if (on && _transaction is not null) await EndAsync(commit: true, cancellation).ConfigureAwait(false);
        _autoCommit = on;
        _begunWork = false;
    }

    public ValueTask BeginWorkAsync(CancellationToken cancellation)
    {
        // DBI refuses begin_work with AutoCommit off before it reaches the driver.
        if (!_autoCommit) throw new DbError(JsonValue.Create(1), "Already in a transaction", "25001");
        _autoCommit = false;
        _begunWork = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(CancellationToken cancellation) => EndAsync(commit: true, cancellation);
    public ValueTask RollbackAsync(CancellationToken cancellation) => EndAsync(commit: false, cancellation);

    private async ValueTask EndAsync(bool commit, CancellationToken ct)
    {
        var transaction = _transaction;
        _transaction = null;
        if (_begunWork)
        {
            _autoCommit = true;
            _begunWork = false;
        }
        if (transaction is null)
        {
            ThrowIfLost();
            return;
        }
        ThrowIfLost();
        ActiveQuery = commit ? "commit" : "rollback";
        try
        {
            if (commit) await transaction.CommitAsync(ct).ConfigureAwait(false);
            else await transaction.RollbackAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Translate(e, commit ? "commit" : "rollback");
        }
        finally
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask<bool> PingAsync(CancellationToken cancellation)
    {
        if (_lost || _connection.State != ConnectionState.Open) return false;
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == "25P02")
        {
            // Inside a failed transaction the probe fails, yet the connection is alive (DBD::Pg: true).
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            _lost = true;
            return false;
        }
    }

    public ValueTask<IDbStatement> PrepareAsync(string sql, CancellationToken cancellation)
    {
        ThrowIfLost();
        // DBD::Pg checks placeholders at prepare and leaves the SQL itself to the first execute.
        var rewritten = PlaceholderRewriter.Rewrite(sql, PlaceholderStyle.Dollar);
        return ValueTask.FromResult<IDbStatement>(new PgStatement(this, sql, rewritten));
    }

    public async ValueTask<JsonNode?> LastInsertIdAsync(string? catalog, string? schema, string? table, string? field,
        CancellationToken cancellation)
    {
        if (string.IsNullOrEmpty(table))
            throw new DbError(JsonValue.Create(1), "last_insert_id needs at least a sequence or table name", "");
        // DBD::Pg: the sequence behind the table's primary key (or its only serial column), then currval.
        const string findTable = """
            SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND CASE WHEN $2::text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid) ELSE n.nspname = $2::text END
            """;
        var tableOid = await ScalarAsync(findTable, [table, string.IsNullOrEmpty(schema) ? null : schema], cancellation).ConfigureAwait(false);
        if (tableOid is null) throw new DbError(JsonValue.Create(1), $"Could not find the table \"{table}\"", "");
        const string findSequence = """
            SELECT pg_catalog.pg_get_serial_sequence($1::oid::regclass::text, a.attname)
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)
            WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
              AND pg_catalog.pg_get_serial_sequence($1::oid::regclass::text, a.attname) IS NOT NULL
            ORDER BY i.indrelid IS NULL, a.attnum LIMIT 1
            """;
        var sequence = await ScalarAsync(findSequence, [tableOid], cancellation).ConfigureAwait(false);
        if (sequence is null)
            throw new DbError(JsonValue.Create(1), $"No suitable column found for last_insert_id of table \"{table}\"", "");
        var id = await ScalarAsync("SELECT pg_catalog.currval($1)", [sequence], cancellation).ConfigureAwait(false);
        return id is null ? null : long.TryParse(id, out var number) ? JsonValue.Create(number) : JsonValue.Create(id);
    }

    /// <summary>Runs an internal query (as DBD::Pg does, inside the script's transaction) and returns the first value as text.</summary>
    private async ValueTask<string?> ScalarAsync(string sql, string?[] args, CancellationToken ct)
    {
        await BeforeStatementAsync(ct).ConfigureAwait(false);
        ActiveQuery = sql;
        await using var command = new NpgsqlCommand(sql, _connection) { AllResultTypesAreUnknown = true };
        foreach (var arg in args)
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown, Value = (object?)arg ?? DBNull.Value });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) && !reader.IsDBNull(0) ? reader.GetString(0) : null;
        }
        catch (Exception e)
        {
            throw Translate(e, sql);
        }
    }

    public ValueTask<IDbStatement> TableInfoAsync(string? catalog, string? schema, string? table, string? type,
        CancellationToken cancellation) => PgCatalog.TableInfoAsync(this, schema, table, type, cancellation);

    public ValueTask<IDbStatement> ColumnInfoAsync(string? catalog, string? schema, string? table, string? column,
        CancellationToken cancellation) => PgCatalog.ColumnInfoAsync(this, schema, table, column, cancellation);

    public async ValueTask DisposeAsync()
    {
        // Closing the session ends the server session, which rolls back anything uncommitted.
        _transaction = null;
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
        {
        }
    }
}
