using System.Text.Json.Nodes;

namespace CpanBridge.Modules.Database;

/// <summary>
/// One open database connection, whatever the provider. The module (DatabaseModule) owns the
/// wire; a provider only does database work and reports what the native Perl driver would.
/// Calls on one connection never overlap (the daemon runs one request per client at a time).
/// </summary>
internal interface IDbSession : IAsyncDisposable
{
    /// <summary>The DBI driver name the script used: "Pg", "SQLite", "Oracle", ...</summary>
    string Driver { get; }
    /// <summary>Which provider serves it: "npgsql", "sqlite", or the plug-in's name.</summary>
    string Provider { get; }
    string ServerVersion { get; }
    bool AutoCommit { get; }
    /// <summary>True when work was done since the last commit/rollback with AutoCommit off.</summary>
    bool HasUncommittedWork { get; }

    ValueTask SetAutoCommitAsync(bool on, CancellationToken cancellation);
    ValueTask BeginWorkAsync(CancellationToken cancellation);
    ValueTask CommitAsync(CancellationToken cancellation);
    ValueTask RollbackAsync(CancellationToken cancellation);
    ValueTask<bool> PingAsync(CancellationToken cancellation);

    /// <summary>Prepares <paramref name="sql"/>. Throws <see cref="DbError"/> when the native driver fails at prepare.</summary>
    ValueTask<IDbStatement> PrepareAsync(string sql, CancellationToken cancellation);

    ValueTask<JsonNode?> LastInsertIdAsync(string? catalog, string? schema, string? table, string? field,
        CancellationToken cancellation);

    /// <summary>DBI's table_info/column_info: a statement (binds fixed, if any) that the module executes once with no binds; its rows follow DBI's column layout.</summary>
    ValueTask<IDbStatement> TableInfoAsync(string? catalog, string? schema, string? table, string? type,
        CancellationToken cancellation);
    ValueTask<IDbStatement> ColumnInfoAsync(string? catalog, string? schema, string? table, string? column,
        CancellationToken cancellation);

    /// <summary>
    /// The server messages (PostgreSQL NOTICE, WARNING, INFO...) received since the last call, in
    /// order, each as the native driver passes it to Perl's warn; empty when there are none.
    /// </summary>
    IReadOnlyList<string> TakeNotices();

    /// <summary>
    /// True when the native driver runs its library inside the script's process, so that the
    /// errno the library leaves behind is the script's $! (DBD::SQLite: SQLite's probe for a hot
    /// journal leaves ENOENT, and a script that dies then exits with 2). Such providers run their
    /// calls synchronously, so the daemon can read errno on the same thread right after them.
    /// </summary>
    bool LeavesErrnoInScript => false;
}

/// <summary>
/// Optional for a provider whose native driver runs <c>do</c> without binds by another path than
/// prepare + execute (DBD::SQLite returns sqlite3_changes() there even for a query).
/// </summary>
internal interface IDbDirectDo
{
    ValueTask<long> DoAsync(string sql, CancellationToken cancellation);
}

/// <summary>
/// Optional for a provider whose native driver takes SQL as bytes (DBD::SQLite): the script's SQL
/// was a Perl byte string (protocol: sql_bytes), handed over unchanged.
/// </summary>
internal interface IDbByteSql
{
    ValueTask<IDbStatement> PrepareAsync(byte[] sql, CancellationToken cancellation);
    ValueTask<long> DoAsync(byte[] sql, CancellationToken cancellation);
}

/// <summary>A prepared statement and, after execute, its open result.</summary>
internal interface IDbStatement : IAsyncDisposable
{
    int ParamCount { get; }
    /// <summary>Placeholder names in position order as the script may name them in bind_param ("1", ":name", "$1").</summary>
    IReadOnlyList<string> ParamNames { get; }
    /// <summary>A non-query (INSERT/UPDATE/DELETE without RETURNING) whose repeated executes may be batched.</summary>
    bool Batchable { get; }

    /// <summary>Runs the statement; a previous open result is discarded first. Throws <see cref="DbError"/>.</summary>
    ValueTask<ExecuteResult> ExecuteAsync(IReadOnlyList<BindValue> binds, ExecuteOptions options,
        CancellationToken cancellation);

    /// <summary>Appends up to <paramref name="maxRows"/> rows of the open result; returns true when no rows remain.</summary>
    ValueTask<bool> ReadBlockAsync(RowBlockWriter block, int maxRows, CancellationToken cancellation);

    /// <summary>Discards unread rows; the statement stays prepared.</summary>
    ValueTask FinishAsync(CancellationToken cancellation);
}

/// <summary>One bind value as the Perl side sent it (marks in docs/protocol.md: N u b i f).</summary>
internal readonly record struct BindValue(char Mark, ReadOnlyMemory<byte> Bytes, JsonObject? Type)
{
    public bool IsNull => Mark == 'N';
}

internal sealed record ExecuteOptions(bool ChopBlanks = false, long LongReadLen = 80, bool LongTruncOk = false);

/// <summary>What execute reports; <see cref="Columns"/> is empty for a statement that returns no rows.</summary>
internal sealed record ExecuteResult(long Rows, bool RowsCountedByFetch, IReadOnlyList<DbColumn> Columns);

/// <summary>A result column. <see cref="Type"/> is what the native driver puts in $sth->{TYPE} (a number or a name).</summary>
internal sealed record DbColumn(string Name, JsonNode? Type, string TypeName, int? Precision, int? Scale, int Nullable,
    char Kind);

/// <summary>
/// A database error, carrying what the native Perl driver sets: err, errstr and state
/// (DBD::Pg: 7, libpq's text, SQLSTATE; DBD::SQLite: result code, message, "S1000"...).
/// </summary>
internal sealed class DbError(JsonNode? err, string errstr, string state, Exception? inner = null)
    : Exception(errstr, inner)
{
    public JsonNode? Err { get; } = err;
    public string Errstr { get; } = errstr;
    public string State { get; } = state;
}

/// <summary>
/// Optional for a statement that can run many bind sets in fewer round trips than one execute
/// each (execute_batch). Same effect as executing each set in order and stopping at the first
/// failure, which is reported as <see cref="DbBatchFailure"/>.
/// </summary>
internal interface IDbBatchExecute
{
    /// <summary>
    /// Runs every set; returns the affected rows of the <b>last</b> set, which is what the protocol's
    /// execute_batch reports as rows (what $sth->rows shows after the last execute).
    /// </summary>
    ValueTask<long> ExecuteBatchAsync(IReadOnlyList<BindValue[]> sets, CancellationToken cancellation);
}

/// <summary>Set <see cref="Index"/> (0-based) of a batch failed with <see cref="Error"/>; the sets before it ran, the last of them affecting <see cref="Rows"/> rows.</summary>
internal sealed class DbBatchFailure(DbError error, int index, long rows) : Exception(error.Message, error)
{
    public DbError Error { get; } = error;
    public int Index { get; } = index;
    public long Rows { get; } = rows;
}
