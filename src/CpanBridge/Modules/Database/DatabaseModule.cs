using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Modules.Database;

/// <summary>
/// The daemon side of DBI (docs/protocol.md, "Module database"): connections and statements as
/// handles, row blocks in attachments, and the user guide's raw API (connect, execute_statement,
/// fetch_row) working on the session's current connection and statement.
/// </summary>
public sealed class DatabaseModule : IBridgeModule
{
    /// <summary>Rows per block when the client does not say (DBI's RowCacheSize unset).</summary>
    internal const int DefaultBlockRows = 1000;
    /// <summary>Cell bytes after which a block ends even below its row count.</summary>
    internal const int DefaultBlockBytes = 1 << 20;
    private const int MaxBlockRows = 1_000_000;
    /// <summary>
    /// A provider's pipelined execute_batch (IDbBatchExecute) is used when it has one; off, sets
    /// run one execute each (same results, one round trip per set on PostgreSQL). A switch to
    /// compare the two when a batch result looks wrong.
    /// </summary>
    private const bool UseProviderBatches = true;

    private static readonly HandleKind<ConnectionState> ConnectionKind = new("database.connection", c => c.Dispose());
    private static readonly HandleKind<StatementState> StatementKind = new("database.statement", s => s.Dispose());

    // Session-state keys: the raw API's current connection, current statement, and the statement
    // execute_statement opened last (closed when the next one replaces it, so a loop does not pile up handles).
    private static readonly object CurrentConnection = new();
    private static readonly object CurrentStatement = new();
    private static readonly object RawStatement = new();
    // The connection the running call works on: its server messages, transaction state and the
    // errno its library left go into the reply.
    private static readonly object CallConnection = new();

    private readonly DbProviders _providers;
    private readonly Log _log;

    public DatabaseModule(BridgeRuntime runtime) : this(runtime, Environment.GetEnvironmentVariable("CPAN_BRIDGE_DB_PROVIDERS"))
    {
    }

    internal DatabaseModule(BridgeRuntime runtime, string? pluginDirectory)
    {
        _providers = new DbProviders(Plugins.PluginCatalog.Load(pluginDirectory, runtime.Log));
        _log = runtime.Log;
    }

    public string Name => "database";

    public void Register(ModuleBuilder module)
    {
        module.Function("connect", Guard(Connect)).Required("dsn", ParamType.String).Optional("username", ParamType.String)
            .Optional("password", ParamType.String).Optional("auto_commit", ParamType.Boolean)
            .Optional("attributes", ParamType.Object).Optional("cwd", ParamType.String).Optional("env", ParamType.Object)
            .Stateful();
        module.Function("disconnect", Guard(Disconnect)).Optional("handle", ParamType.Handle);
        module.Function("ping", Guard(Ping)).Optional("handle", ParamType.Handle);
        // 'on' is read as a Perl truth value (1, "", 0, true) by the function itself.
        module.Function("set_auto_commit", Guard(SetAutoCommit)).Required("handle", ParamType.Handle).Required("on", ParamType.Any);
        module.Function("begin_work", Guard(TransactionStep((session, cancel) => session.BeginWorkAsync(cancel)))).Required("handle", ParamType.Handle);
        module.Function("commit", Guard(TransactionStep((session, cancel) => session.CommitAsync(cancel)))).Required("handle", ParamType.Handle);
        module.Function("rollback", Guard(TransactionStep((session, cancel) => session.RollbackAsync(cancel)))).Required("handle", ParamType.Handle);
        module.Function("prepare", Guard(Prepare)).Required("handle", ParamType.Handle).Required("sql", ParamType.String)
            .Optional("sql_bytes", ParamType.Boolean);
        module.Function("execute", Guard(Execute)).Required("handle", ParamType.Handle).Optional("block_rows", ParamType.Integer)
            .Optional("characters", ParamType.Boolean)
            .Optional("chop_blanks", ParamType.Boolean).Optional("long_read_len", ParamType.Integer)
            .Optional("long_trunc_ok", ParamType.Boolean).Optional("bind_types", ParamType.Array);
        module.Function("execute_batch", Guard(ExecuteBatch)).Required("handle", ParamType.Handle).Required("count", ParamType.Integer)
            .Optional("bind_types", ParamType.Array);
        module.Function("fetch", Guard(Fetch, notices: false)).Required("handle", ParamType.Handle).Optional("block_rows", ParamType.Integer)
            .Optional("characters", ParamType.Boolean);
        module.Function("finish", Guard(Finish)).Required("handle", ParamType.Handle);
        module.Function("close_statement", Guard(CloseStatement)).Required("handle", ParamType.Handle);
        module.Function("do", Guard(Do)).Required("handle", ParamType.Handle).Required("sql", ParamType.String)
            .Optional("sql_bytes", ParamType.Boolean).Optional("bind_types", ParamType.Array);
        module.Function("last_insert_id", Guard(LastInsertId)).Required("handle", ParamType.Handle)
            .Optional("catalog", ParamType.String).Optional("schema", ParamType.String).Optional("table", ParamType.String)
            .Optional("field", ParamType.String);
        module.Function("table_info", Guard(TableInfo)).Required("handle", ParamType.Handle)
            .Optional("catalog", ParamType.String).Optional("schema", ParamType.String).Optional("table", ParamType.String)
            .Optional("type", ParamType.String).Optional("block_rows", ParamType.Integer).Optional("characters", ParamType.Boolean);
        module.Function("column_info", Guard(ColumnInfo)).Required("handle", ParamType.Handle)
            .Optional("catalog", ParamType.String).Optional("schema", ParamType.String).Optional("table", ParamType.String)
            .Optional("column", ParamType.String).Optional("block_rows", ParamType.Integer).Optional("characters", ParamType.Boolean);
        module.Function("data_sources", Guard(DataSources)).Required("driver", ParamType.String);
        module.Function("drivers", Guard(Drivers));
        module.Function("execute_statement", Guard(ExecuteStatement)).Required("sql", ParamType.String)
            .Optional("params", ParamType.Array).Optional("handle", ParamType.Handle);
        module.Function("fetch_row", Guard(FetchRow)).Optional("handle", ParamType.Handle);
        module.Function("fetch_all", Guard(FetchAll)).Optional("handle", ParamType.Handle);
    }

    /// <summary>
    /// A database error becomes E_NATIVE with DBI's err/errstr/state; a malformed attachment is the
    /// caller's mistake. The server messages the call brought are added to its reply or error as
    /// 'notices'. fetch leaves them for the next call: the Perl side does not look for them there
    /// (a buffered PostgreSQL result has brought all of its messages by execute).
    /// </summary>
    private static BridgeFunction Guard(BridgeFunction function, bool notices = true) => async call =>
    {
        call.Session.SetState(CallConnection, null);
        Marshal.SetLastSystemError(0);
        try
        {
            var reply = await function(call);
            var errno = Marshal.GetLastSystemError();
            if (reply.Node is JsonObject result)
            {
                if (notices && TakeNotices(call) is { } taken) result["notices"] = taken;
                if (InTransaction(call) is { } open) result["in_transaction"] = open;
                if (ScriptErrno(call, errno) is { } left) result["os_errno"] = left;
            }
            return reply;
        }
        catch (DbError e)
        {
            var errno = Marshal.GetLastSystemError();
            var error = NativeError(e);
            if (notices && TakeNotices(call) is { } taken) error.Data!["notices"] = taken;
            if (InTransaction(call) is { } open) error.Data!["in_transaction"] = open;
            if (ScriptErrno(call, errno) is { } left) error.Data!["os_errno"] = left;
            throw error;
        }
        catch (BridgeException e) when (notices && e.Data is not null && TakeNotices(call) is { } taken)
        {
            e.Data["notices"] = taken;
            throw;
        }
        catch (FormatException e)
        {
            throw BridgeException.Usage($"{call.Function.FullName}: {e.Message}");
        }
        finally
        {
            call.Session.SetState(CallConnection, null);
        }
    };

    /// <summary>
    /// Whether the connection the call used has a transaction open, for the drop-in: DBI's
    /// "Issuing rollback() due to DESTROY" warning is only given when there is one.
    /// </summary>
    private static bool? InTransaction(CallContext call) =>
        call.Session.GetState<IDbSession>(CallConnection) is { } session ? session.HasUncommittedWork : null;

    /// <summary>The errno an in-process native driver would have left in the script's $!, if any.</summary>
    private static int? ScriptErrno(CallContext call, int errno) =>
        errno != 0 && call.Session.GetState<IDbSession>(CallConnection) is { LeavesErrnoInScript: true } ? errno : null;

    private static JsonArray? TakeNotices(CallContext call)
    {
        var taken = call.Session.GetState<IDbSession>(CallConnection)?.TakeNotices();
        return taken is { Count: > 0 } ? new JsonArray([.. taken.Select(n => (JsonNode)JsonValue.Create(n))]) : null;
    }

    internal static BridgeException NativeError(DbError e) => BridgeException.Native(e.Errstr, new JsonObject
    {
        ["err"] = e.Err?.DeepClone(),
        ["errstr"] = e.Errstr,
        ["state"] = e.State,
    }, e);

    // ---- connections -------------------------------------------------------------------------

    private async ValueTask<Reply> Connect(CallContext call)
    {
        var p = call.Params;
        var dsn = Dsn.Parse(p.GetString("dsn"));
        var attributes = p.Has("attributes") ? (JsonObject)JsonNode.Parse(p.Get("attributes").GetRawText())! : null;
        if (dsn.DriverAttributes.Count > 0)
        {
            // dbi:Driver(attr=>value):... attributes, as DBI->connect merges them (explicit ones win).
            attributes ??= [];
            foreach (var (key, value) in dsn.DriverAttributes)
                if (!attributes.ContainsKey(key)) attributes[key] = value;
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (p.Has("env"))
            foreach (var property in p.Get("env").EnumerateObject())
                if (property.Value.ValueKind == JsonValueKind.String) environment[property.Name] = property.Value.GetString()!;
        var request = new ConnectRequest(dsn, p.GetStringOrNull("username"), p.GetStringOrNull("password"),
            p.GetBoolean("auto_commit", true), p.GetStringOrNull("cwd"), environment, attributes);

        // For the operator's log: which job talks to which database. Dsn.ToString hides passwords.
        var who = $"connection {call.Session.Id}: {dsn} as '{request.User}'";
        IDbSession session;
        try
        {
            session = await _providers.ConnectAsync(request, call.Cancellation);
        }
        catch (DbError e)
        {
            _log.Info($"database: {who} failed: {FirstLine(e.Errstr)}");
            throw;
        }
        string handle;
        try
        {
            handle = call.Handles.Open(ConnectionKind, new ConnectionState(session, who, _log));
            _log.Info($"database: {who} connected ({session.Provider}, server {session.ServerVersion})");
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
        call.Session.SetState(CurrentConnection, handle);
        call.Session.SetState(CallConnection, session);
        return Reply.Of(new JsonObject
        {
            ["handle"] = handle,
            ["driver"] = session.Driver,
            ["provider"] = session.Provider,
            ["server_version"] = session.ServerVersion,
            ["auto_commit"] = session.AutoCommit,
        });
    }

    /// <summary>The connection named by 'handle', or the session's current one (raw API).</summary>
    private static (string Handle, ConnectionState State) Connection(CallContext call)
    {
        var handle = call.Params.GetStringOrNull("handle") ?? call.Session.GetState<string>(CurrentConnection)
            ?? throw BridgeException.Usage($"{call.Function.FullName}: no 'handle' and no current connection: call database.connect first");
        var state = call.Handles.Get(ConnectionKind, handle);
        call.Session.SetState(CallConnection, state.Session);
        return (handle, state);
    }

    private static async ValueTask<Reply> Disconnect(CallContext call)
    {
        var (handle, connection) = Connection(call);
        var rolledBack = connection.Session.HasUncommittedWork;
        if (rolledBack) await connection.Session.RollbackAsync(call.Cancellation);
        call.Handles.Close(handle);
        if (call.Session.GetState<string>(CurrentConnection) == handle)
        {
            call.Session.SetState(CurrentConnection, null);
            call.Session.SetState(CurrentStatement, null);
            call.Session.SetState(RawStatement, null);
        }
        return Reply.Of(new JsonObject { ["rolled_back"] = rolledBack });
    }

    private static async ValueTask<Reply> Ping(CallContext call)
    {
        var (_, connection) = Connection(call);
        return Reply.Of(new JsonObject { ["alive"] = await connection.Session.PingAsync(call.Cancellation) });
    }

    private static async ValueTask<Reply> SetAutoCommit(CallContext call)
    {
        var (_, connection) = Connection(call);
        await connection.Session.SetAutoCommitAsync(call.Params.GetBoolean("on"), call.Cancellation);
        return Reply.Of(new JsonObject { ["auto_commit"] = connection.Session.AutoCommit });
    }

    /// <summary>begin_work, commit, rollback: one step on the connection, answered with the AutoCommit it leaves.</summary>
    private static BridgeFunction TransactionStep(Func<IDbSession, CancellationToken, ValueTask> step) => async call =>
    {
        var (_, connection) = Connection(call);
        await step(connection.Session, call.Cancellation);
        return Reply.Of(new JsonObject { ["auto_commit"] = connection.Session.AutoCommit });
    };

    private static async ValueTask<Reply> LastInsertId(CallContext call)
    {
        var (_, connection) = Connection(call);
        var p = call.Params;
        var id = await connection.Session.LastInsertIdAsync(p.GetStringOrNull("catalog"), p.GetStringOrNull("schema"),
            p.GetStringOrNull("table"), p.GetStringOrNull("field"), call.Cancellation);
        return Reply.Of(new JsonObject { ["id"] = id });
    }

    private ValueTask<Reply> DataSources(CallContext call)
    {
        var driver = call.Params.GetString("driver");
        if (!_providers.Drivers.Contains(driver))
            throw _providers.UnknownDriver(driver);
        // None of the providers lists data sources without a connection (DBD::SQLite returns none either).
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["sources"] = new JsonArray() }));
    }

    private ValueTask<Reply> Drivers(CallContext call) =>
        ValueTask.FromResult(Reply.Of(new JsonObject
        {
            ["drivers"] = new JsonArray([.. _providers.Drivers.Select(d => (JsonNode)JsonValue.Create(d))]),
        }));

    // ---- statements --------------------------------------------------------------------------

    private static async ValueTask<Reply> Prepare(CallContext call)
    {
        var (handle, connection) = Connection(call);
        var statement = await PrepareSql(call, connection.Session);
        var statementHandle = OpenStatement(call, handle, connection, statement);
        return Reply.Of(new JsonObject
        {
            ["handle"] = statementHandle,
            ["num_params"] = statement.ParamCount,
            ["param_names"] = new JsonArray([.. statement.ParamNames.Select(n => (JsonNode)JsonValue.Create(n))]),
            ["batchable"] = statement.Batchable,
        });
    }

    /// <summary>
    /// Prepares 'sql'. With sql_bytes the script's SQL was a Perl byte string (one character per
    /// byte): a driver that takes bytes gets them unchanged, the others read the characters.
    /// </summary>
    private static ValueTask<IDbStatement> PrepareSql(CallContext call, IDbSession session)
    {
        var sql = call.Params.GetString("sql");
        return SqlBytes(call, sql) is { } bytes && session is IDbByteSql byteSql
            ? byteSql.PrepareAsync(bytes, call.Cancellation)
            : session.PrepareAsync(sql, call.Cancellation);
    }

    private static byte[]? SqlBytes(CallContext call, string sql)
    {
        if (!call.Params.GetBoolean("sql_bytes")) return null;
        if (sql.Any(c => c > '\u00ff')) throw BridgeException.Usage($"{call.Function.FullName}: with sql_bytes, 'sql' must hold one character per byte (none above U+00FF)");
        return global::System.Text.Encoding.Latin1.GetBytes(sql);
    }

    private static string OpenStatement(CallContext call, string connectionHandle, ConnectionState connection, IDbStatement statement)
    {
        try
        {
            return call.Handles.Open(StatementKind, new StatementState(connection, statement), connectionHandle);
        }
        catch
        {
            statement.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    private static (string Handle, StatementState State) Statement(CallContext call)
    {
        var handle = call.Params.GetStringOrNull("handle") ?? call.Session.GetState<string>(CurrentStatement)
            ?? throw BridgeException.Usage($"{call.Function.FullName}: no 'handle' and no current statement: call database.execute_statement first");
        var state = call.Handles.Get(StatementKind, handle);
        call.Session.SetState(CallConnection, state.Connection.Session);
        return (handle, state);
    }

    private static ExecuteOptions Options(CallContext call) => new(
        call.Params.GetBoolean("chop_blanks"),
        call.Params.GetInt64("long_read_len", 80),
        call.Params.GetBoolean("long_trunc_ok"));

    private static int BlockRows(CallContext call)
    {
        var rows = call.Params.GetInt64("block_rows", DefaultBlockRows);
        if (rows < 1) rows = DefaultBlockRows;
        return (int)Math.Min(rows, MaxBlockRows);
    }

    private static JsonArray? BindTypes(CallContext call) =>
        call.Params.Has("bind_types") ? (JsonArray)JsonNode.Parse(call.Params.Get("bind_types").GetRawText())! : null;

    private static async ValueTask<Reply> Execute(CallContext call)
    {
        var (handle, state) = Statement(call);
        var binds = BindReader.Read(call.Attachment, 1, state.Statement.ParamCount, BindTypes(call))[0];
        return await ExecuteAndReply(call, handle, state, binds, Options(call));
    }

    private static async ValueTask<Reply> ExecuteAndReply(CallContext call, string handle, StatementState state,
        IReadOnlyList<BindValue> binds, ExecuteOptions options)
    {
        state.Reset();
        var result = await state.Statement.ExecuteAsync(binds, options, call.Cancellation);
        state.Columns = result.Columns;
        state.Done = result.Columns.Count == 0;
        var reply = new JsonObject
        {
            ["rows"] = result.Rows,
            ["rows_counted_by_fetch"] = result.RowsCountedByFetch,
            ["fields"] = result.Columns.Count,
        };
        byte[]? attachment = null;
        if (result.Columns.Count > 0)
        {
            reply["columns"] = new JsonArray([.. result.Columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type?.DeepClone(),
                ["type_name"] = c.TypeName,
                ["precision"] = c.Precision,
                ["scale"] = c.Scale,
                ["nullable"] = c.Nullable,
            })]);
            attachment = await ReadBlock(call, state, BlockRows(call), reply, call.Params.GetBoolean("characters"));
        }
        else reply["done"] = true;
        reply["statement"] = handle;
        reply["auto_commit"] = state.Connection.Session.AutoCommit;
        return Reply.Of(reply, Attach(attachment));
    }

    /// <summary>No attachment at all for an empty block (a null array would otherwise become an empty attachment).</summary>
    private static ReadOnlyMemory<byte>? Attach(byte[]? block) => block is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(block);

    /// <summary>Reads the next block into <paramref name="reply"/> (block_rows, kinds, done) and returns its attachment.</summary>
    private static async ValueTask<byte[]?> ReadBlock(CallContext call, StatementState state, int rows, JsonObject reply,
        bool characters = false)
    {
        var block = state.Block;
        block.Reset(state.Columns);
        if (!state.Done)
        {
            try
            {
                state.Done = await state.Statement.ReadBlockAsync(block, rows, call.Cancellation);
            }
            catch
            {
                state.Done = true;
                throw;
            }
        }
        reply["block_rows"] = block.Rows;
        reply["kinds"] = block.Kinds;
        reply["done"] = state.Done;
        var attachment = block.ToAttachment(characters, out var inCharacters);
        if (inCharacters) reply["characters"] = true;
        return attachment;
    }

    private static async ValueTask<Reply> Fetch(CallContext call)
    {
        var (_, state) = Statement(call);
        var reply = new JsonObject();
        if (state.Columns.Count == 0)
        {
            // Nothing to read: never executed, or a statement without result columns.
            reply["block_rows"] = 0;
            reply["kinds"] = "";
            reply["done"] = true;
            return Reply.Of(reply);
        }
        var attachment = await ReadBlock(call, state, BlockRows(call), reply, call.Params.GetBoolean("characters"));
        return Reply.Of(reply, Attach(attachment));
    }

    private static async ValueTask<Reply> Finish(CallContext call)
    {
        var (_, state) = Statement(call);
        await state.Statement.FinishAsync(call.Cancellation);
        state.Done = true;
        state.Buffered = null;
        return Reply.Of(new JsonObject());
    }

    private static ValueTask<Reply> CloseStatement(CallContext call)
    {
        var (handle, _) = Statement(call);
        call.Handles.Close(handle);
        foreach (var key in new[] { CurrentStatement, RawStatement })
            if (call.Session.GetState<string>(key) == handle) call.Session.SetState(key, null);
        return ValueTask.FromResult(Reply.Of(new JsonObject()));
    }

    private static async ValueTask<Reply> ExecuteBatch(CallContext call)
    {
        var (_, state) = Statement(call);
        var count = call.Params.GetInt64("count");
        if (count is < 0 or > int.MaxValue) throw BridgeException.Usage($"{call.Function.FullName}: 'count' must be between 0 and {int.MaxValue}, got {count}");
        var sets = BindReader.Read(call.Attachment, (int)count, state.Statement.ParamCount, BindTypes(call));
        long rows = 0;
        var options = new ExecuteOptions();
        state.Reset();
        state.Columns = [];
        state.Done = true;
        if (UseProviderBatches && state.Statement is IDbBatchExecute batch && sets.Count > 1)
        {
            try
            {
                rows = await batch.ExecuteBatchAsync(sets, call.Cancellation);
            }
            catch (DbBatchFailure failure)
            {
                var error = NativeError(failure.Error);
                error.Data!["index"] = failure.Index;
                error.Data["executed"] = failure.Index;
                throw error;
            }
            return Reply.Of(new JsonObject { ["executed"] = sets.Count, ["rows"] = rows, ["auto_commit"] = state.Connection.Session.AutoCommit });
        }
        for (var i = 0; i < sets.Count; i++)
        {
            ExecuteResult result;
            try
            {
                result = await state.Statement.ExecuteAsync(sets[i], options, call.Cancellation);
            }
            catch (DbError e)
            {
                var error = NativeError(e);
                error.Data!["index"] = i;
                error.Data["executed"] = i;
                throw error;
            }
            if (result.Columns.Count > 0) await state.Statement.FinishAsync(call.Cancellation);
            // What $sth->rows shows after the last execute.
            rows = result.Rows;
        }
        return Reply.Of(new JsonObject { ["executed"] = sets.Count, ["rows"] = rows, ["auto_commit"] = state.Connection.Session.AutoCommit });
    }

    private static async ValueTask<Reply> Do(CallContext call)
    {
        var (_, connection) = Connection(call);
        var sql = call.Params.GetString("sql");
        long rows;
        var bytes = SqlBytes(call, sql);
        if (call.Attachment.Length == 0 && bytes is not null && connection.Session is IDbByteSql byteSql)
        {
            rows = await byteSql.DoAsync(bytes, call.Cancellation);
        }
        else if (call.Attachment.Length == 0 && connection.Session is IDbDirectDo direct)
        {
            rows = await direct.DoAsync(sql, call.Cancellation);
        }
        else
        {
            var statement = await PrepareSql(call, connection.Session);
            try
            {
                var binds = BindReader.Read(call.Attachment, 1, statement.ParamCount, BindTypes(call))[0];
                var result = await statement.ExecuteAsync(binds, new ExecuteOptions(), call.Cancellation);
                // DBI's do returns $sth->rows: for a driver that counts rows by fetching, 0 for a query.
                rows = result.Columns.Count > 0 && result.RowsCountedByFetch ? 0 : result.Rows;
                if (result.Columns.Count > 0) await statement.FinishAsync(call.Cancellation);
            }
            finally
            {
                await statement.DisposeAsync();
            }
        }
        return Reply.Of(new JsonObject { ["rows"] = rows, ["auto_commit"] = connection.Session.AutoCommit });
    }

    private static async ValueTask<Reply> TableInfo(CallContext call)
    {
        var (handle, connection) = Connection(call);
        var p = call.Params;
        var statement = await connection.Session.TableInfoAsync(p.GetStringOrNull("catalog"), p.GetStringOrNull("schema"),
            p.GetStringOrNull("table"), p.GetStringOrNull("type"), call.Cancellation);
        return await CatalogReply(call, handle, connection, statement);
    }

    private static async ValueTask<Reply> ColumnInfo(CallContext call)
    {
        var (handle, connection) = Connection(call);
        var p = call.Params;
        var statement = await connection.Session.ColumnInfoAsync(p.GetStringOrNull("catalog"), p.GetStringOrNull("schema"),
            p.GetStringOrNull("table"), p.GetStringOrNull("column"), call.Cancellation);
        return await CatalogReply(call, handle, connection, statement);
    }

    private static async ValueTask<Reply> CatalogReply(CallContext call, string connectionHandle, ConnectionState connection,
        IDbStatement statement)
    {
        var statementHandle = OpenStatement(call, connectionHandle, connection, statement);
        var state = call.Handles.Get(StatementKind, statementHandle);
        return await ExecuteAndReply(call, statementHandle, state, [], new ExecuteOptions());
    }

    // ---- the user guide's raw API ------------------------------------------------------------

    private static async ValueTask<Reply> ExecuteStatement(CallContext call)
    {
        var (connectionHandle, connection) = Connection(call);
        if (call.Session.GetState<string>(RawStatement) is { } previous)
        {
            call.Session.SetState(RawStatement, null);
            try
            {
                call.Handles.Close(previous);
            }
            catch (BridgeException)
            {
                // Already closed (by close_statement or with its connection).
            }
        }
        var statement = await connection.Session.PrepareAsync(call.Params.GetString("sql"), call.Cancellation);
        var handle = OpenStatement(call, connectionHandle, connection, statement);
        call.Session.SetState(RawStatement, handle);
        call.Session.SetState(CurrentStatement, handle);
        var state = call.Handles.Get(StatementKind, handle);

        var binds = JsonBinds(call, statement.ParamCount);
        state.Reset();
        var result = await statement.ExecuteAsync(binds, new ExecuteOptions(), call.Cancellation);
        state.Columns = result.Columns;
        state.Done = result.Columns.Count == 0;
        state.Buffered = [];
        return Reply.Of(new JsonObject
        {
            ["rows"] = result.Rows,
            ["columns"] = new JsonArray([.. result.Columns.Select(c => (JsonNode)JsonValue.Create(c.Name))]),
            ["statement"] = handle,
        });
    }

    /// <summary>The raw API's params array as binds: strings as text, integers, floats, booleans as 1/0, null as NULL.</summary>
    private static List<BindValue> JsonBinds(CallContext call, int expected)
    {
        var binds = new List<BindValue>();
        if (call.Params.Has("params"))
        {
            foreach (var value in call.Params.Get("params").EnumerateArray())
            {
                binds.Add(value.ValueKind switch
                {
                    JsonValueKind.Null => new BindValue('N', default, null),
                    JsonValueKind.String => new BindValue('u', Encoding.UTF8.GetBytes(value.GetString()!), null),
                    JsonValueKind.Number when value.TryGetInt64(out _) => new BindValue('i', Encoding.ASCII.GetBytes(value.GetRawText()), null),
                    JsonValueKind.Number => new BindValue('f', Encoding.ASCII.GetBytes(value.GetRawText()), null),
                    JsonValueKind.True => new BindValue('i', "1"u8.ToArray(), null),
                    JsonValueKind.False => new BindValue('i', "0"u8.ToArray(), null),
                    _ => throw BridgeException.Usage($"{call.Function.FullName}: params[{binds.Count}] is {FrameParser.Kind(value)}; only strings, numbers, booleans and null can be bound"),
                });
            }
        }
        if (binds.Count != expected)
            throw BridgeException.Usage($"{call.Function.FullName}: the statement has {expected} placeholder(s), 'params' has {binds.Count} value(s)");
        return binds;
    }

    private static async ValueTask<Reply> FetchRow(CallContext call)
    {
        var (_, state) = Statement(call);
        var row = await NextRow(call, state)
                  ?? throw new BridgeException(ErrorCodes.NoData, "no more rows");
        return Reply.Of(RowObject(state, row));
    }

    private static async ValueTask<Reply> FetchAll(CallContext call)
    {
        var (_, state) = Statement(call);
        var rows = new JsonArray();
        while (await NextRow(call, state) is { } row) rows.Add(RowObject(state, row));
        return Reply.Of(new JsonObject { ["rows"] = rows });
    }

    private static async ValueTask<RowCell[]?> NextRow(CallContext call, StatementState state)
    {
        state.Buffered ??= [];
        while (state.BufferIndex >= state.Buffered.Count)
        {
            if (state.Done || state.Columns.Count == 0) return null;
            var reply = new JsonObject();
            var attachment = await ReadBlock(call, state, DefaultBlockRows, reply);
            state.Buffered = RowBlockReader.Read(attachment, reply["kinds"]!.GetValue<string>(), reply["block_rows"]!.GetValue<int>());
            state.BufferIndex = 0;
        }
        return state.Buffered[state.BufferIndex++];
    }

    private static JsonObject RowObject(StatementState state, RowCell[] row)
    {
        var result = new JsonObject();
        for (var i = 0; i < row.Length; i++) result[state.Columns[i].Name] = row[i].ToJson();
        return result;
    }

    // ---- handle values -----------------------------------------------------------------------

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    private sealed class ConnectionState(IDbSession session, string description, Log log)
    {
        public IDbSession Session { get; } = session;

        /// <summary>Closing a connection (or losing the client) rolls back what was not committed, then closes.</summary>
        public void Dispose()
        {
            try
            {
                if (Session.HasUncommittedWork)
                {
                    // Worth a line: a job that ended without commit lost this work on purpose or by a crash.
                    log.Info($"database: {description} closed with uncommitted work; rolling it back");
                    Session.RollbackAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
            }
            finally
            {
                Session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private sealed class StatementState(ConnectionState connection, IDbStatement statement)
    {
        public ConnectionState Connection { get; } = connection;
        public IDbStatement Statement { get; } = statement;
        public IReadOnlyList<DbColumn> Columns { get; set; } = [];
        public bool Done { get; set; } = true;
        // Made at the first block: a script may hold hundreds of prepared inserts that never read rows.
        public RowBlockWriter Block => field ??= new RowBlockWriter { ByteBudget = DefaultBlockBytes };
        /// <summary>Rows the raw API has read ahead and not yet handed out.</summary>
        public List<RowCell[]>? Buffered { get; set; }
        public int BufferIndex { get; set; }

        public void Reset()
        {
            Buffered = null;
            BufferIndex = 0;
        }

        public void Dispose() => Statement.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>Which provider serves a DSN's driver: the built-in ones, then the configured plug-ins.</summary>
internal sealed class DbProviders(Plugins.PluginCatalog plugins)
{
    private static readonly string[] BuiltIn = ["Pg", "SQLite"];

    public IReadOnlyList<string> Drivers { get; } = [.. BuiltIn.Concat(plugins.Drivers).Distinct().Order(StringComparer.Ordinal)];

    public ValueTask<IDbSession> ConnectAsync(ConnectRequest request, CancellationToken cancellation) => request.Dsn.Driver switch
    {
        "SQLite" => Sqlite.SqliteProvider.ConnectAsync(request, cancellation),
        "Pg" => Pg.PgProvider.ConnectAsync(request, cancellation),
        var driver when plugins.Find(driver) is { } plugin => plugin.ConnectAsync(request, cancellation),
        var driver => throw UnknownDriver(driver),
    };

    public BridgeException UnknownDriver(string driver) => new(ErrorCodes.NotSupported,
        $"install_driver({driver}) failed: no provider for DBI driver '{driver}' (built in: {string.Join(", ", BuiltIn)}" +
        (plugins.Drivers.Count > 0 ? $"; plug-ins: {string.Join(", ", plugins.Drivers)}" : "") +
        $"; plug-ins are configured with CPAN_BRIDGE_DB_PROVIDERS{(plugins.Directory is null ? ", which is not set" : $"={plugins.Directory}")})");
}
