using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SQLitePCL;

namespace CpanBridge.Modules.Database.Sqlite;

/// <summary>
/// One SQLite database opened the way DBD::SQLite 1.72 opens it, with its transaction rules:
/// with AutoCommit off a transaction (BEGIN IMMEDIATE by default) starts before the first
/// statement after connect, commit or rollback; a BEGIN/COMMIT the script runs itself switches
/// AutoCommit as DBD::SQLite does.
/// </summary>
internal sealed partial class SqliteSession : IDbSession, IDbDirectDo, IDbByteSql
{
    private readonly sqlite3 _db;
    private readonly string _file;
    private readonly bool _immediate;
    private readonly List<SqliteStatement> _statements = [];
    private bool _autoCommit;
    private bool _begunWork;
    private bool _closed;

    public SqliteSession(sqlite3 db, string file, bool autoCommit, bool unicode, bool immediateTransactions, bool seeIfItsANumber)
    {
        _db = db;
        _file = file;
        _autoCommit = autoCommit;
        Unicode = unicode;
        _immediate = immediateTransactions;
        SeeIfItsANumber = seeIfItsANumber;
        ServerVersion = raw.sqlite3_libversion().utf8_to_string();
    }

    internal sqlite3 Db => _db;
    /// <summary>sqlite_unicode: text comes back as characters ('u') and byte strings are bound upgraded.</summary>
    internal bool Unicode { get; }
    internal bool SeeIfItsANumber { get; }
    internal char TextKind => Unicode ? 'u' : 'b';

    public string Driver => "SQLite";
    public string Provider => "sqlite";
    public string ServerVersion { get; }
    public bool AutoCommit => _autoCommit;
    public bool HasUncommittedWork => !_closed && raw.sqlite3_get_autocommit(_db) == 0;

    public ValueTask SetAutoCommitAsync(bool on, CancellationToken cancellation)
    {
        if (on && !_autoCommit && HasUncommittedWork) Exec("COMMIT TRANSACTION");
        _autoCommit = on;
        _begunWork = false;
        return ValueTask.CompletedTask;
    }

    public ValueTask BeginWorkAsync(CancellationToken cancellation)
    {
        if (!_autoCommit) throw new DbError(JsonValue.Create(2000000000), "Already in a transaction", "S1000");
        _autoCommit = false;
        _begunWork = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(CancellationToken cancellation)
    {
        if (HasUncommittedWork) Exec("COMMIT TRANSACTION");
        EndTransaction();
        return ValueTask.CompletedTask;
    }

    public ValueTask RollbackAsync(CancellationToken cancellation)
    {
        if (HasUncommittedWork)
        {
            // Open statements would make ROLLBACK fail with "cannot rollback - SQL statements in progress" on old SQLite; reset them.
            foreach (var statement in _statements) statement.ResetQuietly();
            Exec("ROLLBACK TRANSACTION");
        }
        EndTransaction();
        return ValueTask.CompletedTask;
    }

    private void EndTransaction()
    {
        if (_begunWork)
        {
            _autoCommit = true;
            _begunWork = false;
        }
    }

    public ValueTask<bool> PingAsync(CancellationToken cancellation)
    {
        // DBD::SQLite's ping: false once the database file has gone.
        var alive = !_closed && (_file is "" or ":memory:" || _file.StartsWith("file:", StringComparison.Ordinal) || File.Exists(_file));
        return ValueTask.FromResult(alive);
    }

    public ValueTask<IDbStatement> PrepareAsync(string sql, CancellationToken cancellation) =>
        ValueTask.FromResult<IDbStatement>(Prepare(SqliteProvider.Utf8(sql)));

    public ValueTask<IDbStatement> PrepareAsync(byte[] sql, CancellationToken cancellation) =>
        ValueTask.FromResult<IDbStatement>(Prepare(sql));

    internal SqliteStatement Prepare(byte[] sql) => Prepare(sql, out _);

    /// <summary>Prepares the first statement of <paramref name="sql"/>; <paramref name="consumed"/> is how many bytes it took.</summary>
    internal SqliteStatement Prepare(ReadOnlySpan<byte> sql, out int consumed)
    {
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var stmt, out ReadOnlySpan<byte> tail);
        if (rc != raw.SQLITE_OK)
        {
            var error = SqliteProvider.Error(_db);
            stmt?.Dispose();
            throw error;
        }
        consumed = sql.Length - tail.Length;
        var statement = new SqliteStatement(this, stmt, BeginStatement().IsMatch(global::System.Text.Encoding.Latin1.GetString(sql[..consumed])));
        _statements.Add(statement);
        return statement;
    }

    internal void Forget(SqliteStatement statement) => _statements.Remove(statement);

    /// <summary>Makes the running statement fail with SQLITE_INTERRUPT (safe from another thread).</summary>
    internal void Interrupt()
    {
        if (!_closed) raw.sqlite3_interrupt(_db);
    }

    /// <summary>
    /// DBD::SQLite's do without binds: the first statement of the text (every statement with
    /// sqlite_allow_multiple_statements), returning sqlite3_changes() after the last whatever it was.
    /// </summary>
    public ValueTask<long> DoAsync(string sql, CancellationToken cancellation) => DoAsync(SqliteProvider.Utf8(sql), cancellation);

    public async ValueTask<long> DoAsync(byte[] sql, CancellationToken cancellation)
    {
        var offset = 0;
        int consumed;
        do
        {
            var statement = Prepare(sql.AsSpan(offset), out consumed);
            offset += consumed;
            try
            {
                if (statement.IsEmpty) break;
                await statement.ExecuteAsync([], new ExecuteOptions(), cancellation);
                statement.RunToEnd();
            }
            finally
            {
                await statement.DisposeAsync();
            }
        } while (AllowMultipleStatements && offset < sql.Length && consumed > 0);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>sqlite_allow_multiple_statements: do runs every statement of its text.</summary>
    internal bool AllowMultipleStatements { get; init; }

    /// <summary>Called before each statement runs: starts the transaction DBD::SQLite would start.</summary>
    internal void BeforeExecute(bool isBegin)
    {
        if (!_autoCommit && !isBegin && raw.sqlite3_get_autocommit(_db) != 0)
            Exec(_immediate ? "BEGIN IMMEDIATE TRANSACTION" : "BEGIN TRANSACTION");
    }

    /// <summary>Called after each statement ran: a BEGIN/COMMIT/ROLLBACK of the script's own switches AutoCommit as DBD::SQLite does.</summary>
    internal void AfterExecute()
    {
        var inTransaction = raw.sqlite3_get_autocommit(_db) == 0;
        if (_autoCommit && inTransaction)
        {
            _autoCommit = false;
            _begunWork = true;
        }
        else if (!_autoCommit && _begunWork && !inTransaction)
        {
            _autoCommit = true;
            _begunWork = false;
        }
    }

    [GeneratedRegex(@"\A(?:\s+|--[^\n]*(?:\n|\z)|/\*.*?\*/)*BEGIN\b", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex BeginStatement();

    private void Exec(string sql)
    {
        var rc = raw.sqlite3_exec(_db, sql);
        if (rc != raw.SQLITE_OK) throw SqliteProvider.Error(_db);
    }

    public ValueTask<JsonNode?> LastInsertIdAsync(string? catalog, string? schema, string? table, string? field,
        CancellationToken cancellation) =>
        ValueTask.FromResult<JsonNode?>(JsonValue.Create(raw.sqlite3_last_insert_rowid(_db)));

    public ValueTask<IDbStatement> TableInfoAsync(string? catalog, string? schema, string? table, string? type,
        CancellationToken cancellation) =>
        ValueTask.FromResult<IDbStatement>(SqliteCatalog.TableInfo(this, catalog, schema, table, type));

    // SQLite has no server messages.
    public IReadOnlyList<string> TakeNotices() => [];

    public bool LeavesErrnoInScript => true;

    public ValueTask<IDbStatement> ColumnInfoAsync(string? catalog, string? schema, string? table, string? column,
        CancellationToken cancellation) =>
        ValueTask.FromResult<IDbStatement>(SqliteCatalog.ColumnInfo(this, schema, table, column));

    /// <summary>Runs a catalog query and returns its rows as .NET values (long, double, string, byte[] or null).</summary>
    internal List<object?[]> Query(string sql, params string?[] binds)
    {
        var rc = raw.sqlite3_prepare_v2(_db, SqliteProvider.Utf8(sql), out var stmt, out _);
        if (rc != raw.SQLITE_OK)
        {
            var error = SqliteProvider.Error(_db);
            stmt?.Dispose();
            throw error;
        }
        using (stmt)
        {
            for (var i = 0; i < binds.Length; i++)
            {
                if (binds[i] is null) raw.sqlite3_bind_null(stmt, i + 1);
                else raw.sqlite3_bind_text(stmt, i + 1, binds[i]);
            }
            var rows = new List<object?[]>();
            var columns = raw.sqlite3_column_count(stmt);
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                var row = new object?[columns];
                for (var c = 0; c < columns; c++)
                {
                    row[c] = raw.sqlite3_column_type(stmt, c) switch
                    {
                        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, c),
                        raw.SQLITE_FLOAT => raw.sqlite3_column_double(stmt, c),
                        raw.SQLITE_NULL => null,
                        raw.SQLITE_BLOB => raw.sqlite3_column_blob(stmt, c).ToArray(),
                        _ => raw.sqlite3_column_text(stmt, c).utf8_to_string(),
                    };
                }
                rows.Add(row);
            }
            if (rc != raw.SQLITE_DONE) throw SqliteProvider.Error(_db);
            return rows;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_closed) return ValueTask.CompletedTask;
        _closed = true;
        foreach (var statement in _statements.ToArray()) statement.Close();
        _statements.Clear();
        // A transaction still open here is rolled back by SQLite when the connection closes.
        raw.sqlite3_close_v2(_db);
        _db.Dispose();
        return ValueTask.CompletedTask;
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
