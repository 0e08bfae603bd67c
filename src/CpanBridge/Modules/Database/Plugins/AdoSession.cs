using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CpanBridge.Core;

namespace CpanBridge.Modules.Database.Plugins;

/// <summary>
/// A DBI connection over any ADO.NET provider: AutoCommit off is an explicit DbTransaction begun
/// before the first statement, placeholders are rewritten to the provider's style, errors carry
/// the provider's number, message and SQLSTATE where it has them, and values come back with the
/// kinds DBI drivers usually give (integers, floats, exact decimals as text, character strings).
/// </summary>
internal sealed class AdoSession(DbConnection connection, PluginManifest manifest, bool autoCommit) : IDbSession
{
    private readonly List<AdoStatement> _statements = [];
    private DbTransaction? _transaction;
    private bool _autoCommit = autoCommit;
    private bool _begunWork;

    internal DbConnection Connection => connection;
    internal DbTransaction? Transaction => _transaction;
    internal PluginManifest Manifest => manifest;
    /// <summary>The statement whose reader is open: most providers allow one per connection.</summary>
    internal AdoStatement? Reading { get; set; }

    public string Driver => manifest.Driver;
    public string Provider => manifest.Name ?? Path.GetFileNameWithoutExtension(manifest.Assembly);
    public string ServerVersion
    {
        get
        {
            try
            {
                return connection.ServerVersion;
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or DbException)
            {
                return "";
            }
        }
    }
    public bool AutoCommit => _autoCommit;
    public bool HasUncommittedWork => _transaction is not null;

    public async ValueTask SetAutoCommitAsync(bool on, CancellationToken cancellation)
    {
        if (on && _transaction is not null) await EndAsync(commit: true, cancellation);
        _autoCommit = on;
        _begunWork = false;
    }

    public ValueTask BeginWorkAsync(CancellationToken cancellation)
    {
        if (!_autoCommit) throw new DbError(JsonValue.Create(2000000000), "Already in a transaction", "S1000");
        _autoCommit = false;
        _begunWork = true;
        return ValueTask.CompletedTask;
    }

    public async ValueTask CommitAsync(CancellationToken cancellation) => await EndAsync(commit: true, cancellation);

    public async ValueTask RollbackAsync(CancellationToken cancellation) => await EndAsync(commit: false, cancellation);

    private async ValueTask EndAsync(bool commit, CancellationToken cancellation)
    {
        if (_transaction is { } transaction)
        {
            if (Reading is { } reading) await reading.BufferRestAsync(cancellation);
            _transaction = null;
            try
            {
                if (commit) await transaction.CommitAsync(cancellation);
                else await transaction.RollbackAsync(cancellation);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                throw Error(e);
            }
            finally
            {
                await transaction.DisposeAsync();
            }
        }
        if (_begunWork)
        {
            _autoCommit = true;
            _begunWork = false;
        }
    }

    /// <summary>Before a statement runs: with AutoCommit off, the transaction it belongs to.</summary>
    internal async ValueTask BeforeExecuteAsync(AdoStatement statement, CancellationToken cancellation)
    {
        // Another statement's open reader would block this command: read its rest into memory, as DBD::Pg holds whole results.
        if (Reading is { } reading && reading != statement) await reading.BufferRestAsync(cancellation);
        if (!_autoCommit && _transaction is null)
        {
            try
            {
                _transaction = await connection.BeginTransactionAsync(cancellation);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                throw Error(e);
            }
        }
    }

    public async ValueTask<bool> PingAsync(CancellationToken cancellation)
    {
        if (connection.State != ConnectionState.Open) return false;
        if (Reading is not null) return true;
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = PingSql;
            command.Transaction = _transaction;
            await command.ExecuteScalarAsync(cancellation);
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            return false;
        }
    }

    private string PingSql => manifest.Driver.StartsWith("Oracle", StringComparison.OrdinalIgnoreCase) ? "SELECT 1 FROM DUAL" : "SELECT 1";

    public ValueTask<IDbStatement> PrepareAsync(string sql, CancellationToken cancellation)
    {
        var style = manifest.Placeholders switch
        {
            "dollar" => PlaceholderStyle.Dollar,
            "colon" => PlaceholderStyle.Colon,
            "at" => PlaceholderStyle.At,
            "none" => (PlaceholderStyle?)null,
            _ => PlaceholderStyle.Question,
        };
        var rewritten = style is { } s ? PlaceholderRewriter.Rewrite(sql, s) : new RewrittenSql(sql, 0, []);
        var statement = new AdoStatement(this, rewritten, style);
        _statements.Add(statement);
        return ValueTask.FromResult<IDbStatement>(statement);
    }

    internal void Forget(AdoStatement statement)
    {
        _statements.Remove(statement);
        if (Reading == statement) Reading = null;
    }

    public ValueTask<JsonNode?> LastInsertIdAsync(string? catalog, string? schema, string? table, string? field,
        CancellationToken cancellation) => ValueTask.FromResult<JsonNode?>(null);

    public async ValueTask<IDbStatement> TableInfoAsync(string? catalog, string? schema, string? table, string? type,
        CancellationToken cancellation)
    {
        if (Reading is { } reading) await reading.BufferRestAsync(cancellation);
        DataTable tables;
        try
        {
            tables = await connection.GetSchemaAsync("Tables", cancellation);
        }
        catch (Exception e) when (e is DbException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new DbError(JsonValue.Create(1), $"table_info: the {Provider} provider lists no tables ({e.Message})", "S1000");
        }
        var types = string.IsNullOrEmpty(type) ? null
            : type.Split(',').Select(t => t.Trim().Trim('\'', '"').ToUpperInvariant()).ToHashSet();
        var rows = new List<(string?, string?, string?, string?)>();
        foreach (DataRow row in tables.Rows)
        {
            var cat = Field(row, "TABLE_CATALOG", "TABLE_CAT");
            var sch = Field(row, "TABLE_SCHEMA", "TABLE_SCHEM", "OWNER", "SCHEMA");
            var name = Field(row, "TABLE_NAME", "NAME");
            var kind = NormalizeType(Field(row, "TABLE_TYPE", "TYPE"));
            if (!Like(sch, schema) || !Like(name, table) || !Like(cat, catalog)) continue;
            if (types is not null && !types.Contains(kind ?? "")) continue;
            rows.Add((cat, sch, name, kind));
        }
        var columns = new[] { "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS" }
            .Select(n => new DbColumn(n, JsonValue.Create(12), "VARCHAR", null, null, 1, 'u')).ToList();
        return new MemoryStatement(columns,
        [
            .. rows.OrderBy(r => r.Item4, StringComparer.Ordinal).ThenBy(r => r.Item1, StringComparer.Ordinal)
                .ThenBy(r => r.Item2, StringComparer.Ordinal).ThenBy(r => r.Item3, StringComparer.Ordinal)
                .Select(r => new[]
                {
                    MemoryStatement.Text(r.Item1, 'u'), MemoryStatement.Text(r.Item2, 'u'), MemoryStatement.Text(r.Item3, 'u'),
                    MemoryStatement.Text(r.Item4, 'u'), MemoryStatement.Null,
                }),
        ]);
    }

    // ADO.NET has no provider-neutral message event (InfoMessage is per provider): none are reported.
    public IReadOnlyList<string> TakeNotices() => [];

    public async ValueTask<IDbStatement> ColumnInfoAsync(string? catalog, string? schema, string? table, string? column,
        CancellationToken cancellation)
    {
        if (Reading is { } reading) await reading.BufferRestAsync(cancellation);
        DataTable columnsTable;
        try
        {
            columnsTable = await connection.GetSchemaAsync("Columns", cancellation);
        }
        catch (Exception e) when (e is DbException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new DbError(JsonValue.Create(1), $"column_info: the {Provider} provider lists no columns ({e.Message})", "S1000");
        }
        var rows = new List<(string? Cat, string? Schema, string? Table, string? Column, string? Type, string? Size, string? Digits, bool? Nullable, string? Default, long Ordinal)>();
        foreach (DataRow row in columnsTable.Rows)
        {
            var cat = Field(row, "TABLE_CATALOG", "TABLE_CAT");
            var sch = Field(row, "TABLE_SCHEMA", "TABLE_SCHEM", "OWNER");
            var name = Field(row, "TABLE_NAME");
            var col = Field(row, "COLUMN_NAME");
            if (!Like(sch, schema) || !Like(name, table) || !Like(col, column) || !Like(cat, catalog)) continue;
            var nullable = Field(row, "IS_NULLABLE", "NULLABLE")?.ToUpperInvariant() switch
            {
                "YES" or "Y" or "TRUE" or "1" => true,
                "NO" or "N" or "FALSE" or "0" => false,
                _ => (bool?)null,
            };
            long.TryParse(Field(row, "ORDINAL_POSITION", "ID", "COLUMN_ID"), out var ordinal);
            rows.Add((cat, sch, name, col, Field(row, "DATA_TYPE", "DATATYPE", "TYPE_NAME"),
                Field(row, "CHARACTER_MAXIMUM_LENGTH", "COLUMN_SIZE", "LENGTH", "NUMERIC_PRECISION", "PRECISION"),
                Field(row, "NUMERIC_SCALE", "SCALE", "DECIMAL_DIGITS"), nullable, Field(row, "COLUMN_DEFAULT", "COLUMN_DEF"),
                ordinal));
        }
        string[] names =
        [
            "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE",
            "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS", "COLUMN_DEF", "SQL_DATA_TYPE",
            "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE",
        ];
        var columns = names.Select(n => new DbColumn(n, JsonValue.Create(12), "VARCHAR", null, null, 1,
            n is "NULLABLE" or "ORDINAL_POSITION" or "COLUMN_SIZE" or "DECIMAL_DIGITS" ? 'i' : 'u')).ToList();
        return new MemoryStatement(columns,
        [
            .. rows.OrderBy(r => r.Cat, StringComparer.Ordinal).ThenBy(r => r.Schema, StringComparer.Ordinal)
                .ThenBy(r => r.Table, StringComparer.Ordinal).ThenBy(r => r.Ordinal)
                .Select(r => new[]
                {
                    MemoryStatement.Text(r.Cat, 'u'), MemoryStatement.Text(r.Schema, 'u'), MemoryStatement.Text(r.Table, 'u'),
                    MemoryStatement.Text(r.Column, 'u'), MemoryStatement.Null, MemoryStatement.Text(r.Type, 'u'),
                    Number(r.Size), MemoryStatement.Null, Number(r.Digits), MemoryStatement.Null,
                    r.Nullable is null ? MemoryStatement.Integer(2) : MemoryStatement.Integer(r.Nullable.Value ? 1 : 0),
                    MemoryStatement.Null, MemoryStatement.Text(r.Default, 'u'), MemoryStatement.Null, MemoryStatement.Null,
                    MemoryStatement.Null, MemoryStatement.Integer(r.Ordinal),
                    MemoryStatement.Text(r.Nullable is null ? "" : r.Nullable.Value ? "YES" : "NO", 'u'),
                }),
        ]);
    }

    private static RowCell Number(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? MemoryStatement.Integer(n) : MemoryStatement.Null;

    private static string? NormalizeType(string? type) => type?.ToUpperInvariant() switch
    {
        null => null,
        "BASE TABLE" or "USER" or "TABLE" => "TABLE",
        "SYSTEM" => "SYSTEM TABLE",
        var t => t,
    };

    private static string? Field(DataRow row, params string[] names)
    {
        foreach (var name in names)
        {
            foreach (DataColumn column in row.Table.Columns)
            {
                if (!string.Equals(column.ColumnName, name, StringComparison.OrdinalIgnoreCase)) continue;
                var value = row[column];
                return value is DBNull or null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>DBI's search pattern: % and _ as in LIKE; a null or empty pattern matches everything.</summary>
    internal static bool Like(string? value, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern)) return true;
        if (value is null) return false;
        var regex = "^" + Regex.Escape(pattern).Replace("%", ".*").Replace("_", ".") + "$";
        return Regex.IsMatch(value, regex, RegexOptions.Singleline);
    }

    /// <summary>A provider's exception as DBI's err/errstr/state: its error number, message and SQLSTATE where it has them.</summary>
    internal static DbError Error(Exception e)
    {
        var state = (e as DbException)?.SqlState;
        JsonNode? err = null;
        foreach (var property in new[] { "Number", "ErrorNumber", "Code" })
        {
            if (e.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(e) is { } value &&
                value is int or long or short)
            {
                err = JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            }
        }
        return new DbError(err ?? JsonValue.Create(1), e.Message, string.IsNullOrEmpty(state) ? "S1000" : state, e);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var statement in _statements.ToArray()) await statement.DisposeAsync();
        if (_transaction is not null)
        {
            try
            {
                await _transaction.RollbackAsync();
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // The connection may be gone already; closing it abandons the transaction anyway.
            }
            await _transaction.DisposeAsync();
            _transaction = null;
        }
        await connection.DisposeAsync();
    }
}

/// <summary>A statement of an <see cref="AdoSession"/>: one DbCommand, its open reader, and rows buffered when another statement needed the connection.</summary>
internal sealed class AdoStatement(AdoSession session, RewrittenSql sql, PlaceholderStyle? style) : IDbStatement
{
    private DbCommand? _command;
    private DbDataReader? _reader;
    private Queue<object?[]>? _buffered;
    private ExecuteOptions _options = new();

    public int ParamCount => sql.Count;
    public IReadOnlyList<string> ParamNames => sql.Names;
    public bool Batchable => false;

    public async ValueTask<ExecuteResult> ExecuteAsync(IReadOnlyList<BindValue> binds, ExecuteOptions options,
        CancellationToken cancellation)
    {
        await CloseReaderAsync();
        _buffered = null;
        _options = options;
        await session.BeforeExecuteAsync(this, cancellation);
        _command ??= session.Connection.CreateCommand();
        _command.CommandText = sql.Sql;
        _command.Transaction = session.Transaction;
        _command.Parameters.Clear();
        // Positional styles that cannot repeat a marker ('?') get the value once per marker.
        var order = style == PlaceholderStyle.Question && sql.Markers.Count > sql.Count
            ? sql.Markers
            : Enumerable.Range(0, sql.Count).ToList();
        foreach (var index in order)
        {
            var parameter = _command.CreateParameter();
            if (style == PlaceholderStyle.At) parameter.ParameterName = "@p" + (index + 1).ToString(CultureInfo.InvariantCulture);
            SetValue(parameter, binds[index]);
            _command.Parameters.Add(parameter);
        }
        try
        {
            _reader = await _command.ExecuteReaderAsync(cancellation);
            if (_reader.FieldCount == 0)
            {
                var affected = _reader.RecordsAffected;
                await CloseReaderAsync();
                return new ExecuteResult(affected, false, []);
            }
            session.Reading = this;
            return new ExecuteResult(0, true, Columns(_reader));
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException or FormatException)
        {
            await CloseReaderAsync();
            throw AdoSession.Error(e);
        }
    }

    private List<DbColumn> Columns(DbDataReader reader)
    {
        var columns = new List<DbColumn>(reader.FieldCount);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var type = reader.GetFieldType(i);
            var (code, kind) = TypeOf(type);
            string typeName;
            try
            {
                typeName = reader.GetDataTypeName(i);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
            {
                typeName = type.Name;
            }
            columns.Add(new DbColumn(reader.GetName(i), JsonValue.Create(code), typeName, null, null, 2, kind));
        }
        return columns;
    }

    /// <summary>The DBI type code and row-block kind of a .NET field type.</summary>
    internal static (int Code, char Kind) TypeOf(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => (16, 'i'),
        TypeCode.Byte or TypeCode.SByte => (-6, 'i'),
        TypeCode.Int16 or TypeCode.UInt16 => (5, 'i'),
        TypeCode.Int32 or TypeCode.UInt32 => (4, 'i'),
        TypeCode.Int64 or TypeCode.UInt64 => (-5, 'i'),
        TypeCode.Single => (7, 'f'),
        TypeCode.Double => (8, 'f'),
        TypeCode.Decimal => (3, 'b'),
        TypeCode.DateTime => (93, 'b'),
        TypeCode.String or TypeCode.Char => (12, 'u'),
        _ when type == typeof(byte[]) => (-3, 'b'),
        _ when type == typeof(DateTimeOffset) => (93, 'b'),
        _ when type == typeof(DateOnly) => (91, 'b'),
        _ when type == typeof(TimeOnly) || type == typeof(TimeSpan) => (92, 'b'),
        _ => (12, 'u'),
    };

    private static void SetValue(DbParameter parameter, BindValue value)
    {
        var sqlType = value.Type?["sql_type"] is JsonValue v && v.TryGetValue<long>(out var t) ? t : (long?)null;
        var text = value.Bytes.Span;
        switch (value.Mark)
        {
            case 'N':
                parameter.Value = DBNull.Value;
                return;
            case 'i' when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                parameter.Value = l;
                parameter.DbType = DbType.Int64;
                return;
            case 'f' when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                parameter.Value = d;
                parameter.DbType = DbType.Double;
                return;
        }
        switch (sqlType)
        {
            case 30 or -2 or -3 or -4:
                parameter.Value = value.Bytes.ToArray();
                parameter.DbType = DbType.Binary;
                return;
            case 4 or 5 or -6 or -5 when long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var l):
                parameter.Value = l;
                parameter.DbType = DbType.Int64;
                return;
            case 6 or 7 or 8 when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                parameter.Value = d;
                parameter.DbType = DbType.Double;
                return;
            case 2 or 3 when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m):
                parameter.Value = m;
                parameter.DbType = DbType.Decimal;
                return;
        }
        // A Perl byte string that is not UTF-8 is Latin-1 text, as Perl itself reads it.
        parameter.Value = value.Mark == 'u' || global::System.Text.Unicode.Utf8.IsValid(text) ? Encoding.UTF8.GetString(text) : Encoding.Latin1.GetString(text);
        parameter.DbType = DbType.String;
    }

    public async ValueTask<bool> ReadBlockAsync(RowBlockWriter block, int maxRows, CancellationToken cancellation)
    {
        while (block.Rows < maxRows && !block.Full)
        {
            object?[] row;
            if (_buffered is not null)
            {
                if (!_buffered.TryDequeue(out row!)) return true;
            }
            else if (_reader is not null)
            {
                try
                {
                    if (!await _reader.ReadAsync(cancellation))
                    {
                        await CloseReaderAsync();
                        return true;
                    }
                }
                catch (Exception e) when (e is DbException or InvalidOperationException)
                {
                    await CloseReaderAsync();
                    throw AdoSession.Error(e);
                }
                row = new object?[_reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = _reader.IsDBNull(i) ? null : _reader.GetValue(i);
            }
            else return true;
            for (var i = 0; i < row.Length; i++) AddCell(block, row[i]);
        }
        return _reader is null && (_buffered is null || _buffered.Count == 0);
    }

    private void AddCell(RowBlockWriter block, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                block.AddNull();
                break;
            case bool b:
                block.Add(b ? "1" : "0", 'i');
                break;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                block.Add(Convert.ToString(value, CultureInfo.InvariantCulture)!, 'i');
                break;
            case float f:
                block.Add(((double)f).ToString("R", CultureInfo.InvariantCulture), 'f');
                break;
            case double d:
                block.Add(d.ToString("R", CultureInfo.InvariantCulture), 'f');
                break;
            case decimal m:
                block.Add(m.ToString(CultureInfo.InvariantCulture), 'b');
                break;
            case byte[] bytes:
                block.Add(bytes, 'b');
                break;
            case DateTime dt:
                block.Add(dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture), 'b');
                break;
            case DateTimeOffset dto:
                block.Add(dto.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture), 'b');
                break;
            case string s:
                var text = _options.ChopBlanks ? s.TrimEnd(' ') : s;
                block.Add(text, 'u');
                break;
            default:
                block.Add(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", 'u');
                break;
        }
    }

    /// <summary>Reads the rest of the open result into memory so the connection is free for another command.</summary>
    internal async ValueTask BufferRestAsync(CancellationToken cancellation)
    {
        if (_reader is null) return;
        var rows = _buffered ?? new Queue<object?[]>();
        try
        {
            while (await _reader.ReadAsync(cancellation))
            {
                var row = new object?[_reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = _reader.IsDBNull(i) ? null : _reader.GetValue(i);
                rows.Enqueue(row);
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            await CloseReaderAsync();
            throw AdoSession.Error(e);
        }
        _buffered = rows;
        await CloseReaderAsync();
    }

    private async ValueTask CloseReaderAsync()
    {
        if (_reader is { } reader)
        {
            _reader = null;
            await reader.DisposeAsync();
        }
        if (session.Reading == this) session.Reading = null;
    }

    public async ValueTask FinishAsync(CancellationToken cancellation)
    {
        _buffered = null;
        await CloseReaderAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _buffered = null;
        await CloseReaderAsync();
        if (_command is not null) await _command.DisposeAsync();
        _command = null;
        session.Forget(this);
    }
}
