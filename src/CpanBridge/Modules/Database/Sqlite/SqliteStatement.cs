using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SQLitePCL;

namespace CpanBridge.Modules.Database.Sqlite;

/// <summary>
/// A prepared SQLite statement with DBD::SQLite 1.72's bind and fetch rules: binds without a type
/// are text; integer and float types bind numbers only when the text looks like one; blob types
/// bind bytes; values come back typed per cell (integer, real, text bytes, blob bytes, NULL).
/// </summary>
internal sealed class SqliteStatement : IDbStatement
{
    private readonly SqliteSession _session;
    private readonly sqlite3_stmt _stmt;
    /// <summary>A BEGIN of the script's own: no implicit transaction is started before it.</summary>
    private readonly bool _isBegin;
    private readonly int _columnCount;
    private IReadOnlyList<DbColumn>? _columns;
    private bool _pendingRow;
    private bool _chopBlanks;
    private bool _closed;

    public SqliteStatement(SqliteSession session, sqlite3_stmt stmt, bool isBegin)
    {
        _session = session;
        _stmt = stmt;
        _isBegin = isBegin;
        // An empty statement (only comments or blanks) compiles to no statement at all.
        if (stmt is null || stmt.IsInvalid)
        {
            ParamNames = [];
            return;
        }
        ParamCount = raw.sqlite3_bind_parameter_count(stmt);
        var names = new string[ParamCount];
        for (var i = 1; i <= ParamCount; i++)
        {
            // DBD::SQLite names anonymous '?' by position and keeps "?NNN", ":name", "@name", "$name" as written.
            var name = raw.sqlite3_bind_parameter_name(stmt, i).utf8_to_string();
            names[i - 1] = string.IsNullOrEmpty(name) ? i.ToString(CultureInfo.InvariantCulture) : name;
        }
        ParamNames = names;
        _columnCount = raw.sqlite3_column_count(stmt);
        Batchable = _columnCount == 0 && raw.sqlite3_stmt_readonly(stmt) == 0;
    }

    private bool Empty => _stmt is null || _stmt.IsInvalid;
    /// <summary>Only blanks or comments: SQLite compiled no statement.</summary>
    internal bool IsEmpty => Empty;

    public int ParamCount { get; }
    public IReadOnlyList<string> ParamNames { get; }
    public bool Batchable { get; }

    public ValueTask<ExecuteResult> ExecuteAsync(IReadOnlyList<BindValue> binds, ExecuteOptions options,
        CancellationToken cancellation)
    {
        if (_closed) throw new ObjectDisposedException(nameof(SqliteStatement));
        if (Empty) return ValueTask.FromResult(new ExecuteResult(0, false, []));
        _pendingRow = false;
        raw.sqlite3_reset(_stmt);
        raw.sqlite3_clear_bindings(_stmt);
        for (var i = 0; i < binds.Count && i < ParamCount; i++) Bind(i + 1, binds[i]);
        _chopBlanks = options.ChopBlanks;

        _session.BeforeExecute(_isBegin);
        // A client that goes away mid-query should not leave the daemon running it to the end.
        using var interrupt = cancellation.CanBeCanceled ? cancellation.Register(_session.Interrupt) : default;
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            _pendingRow = true;
        }
        else if (rc != raw.SQLITE_DONE)
        {
            var error = SqliteProvider.Error(_session.Db);
            raw.sqlite3_reset(_stmt);
            _session.AfterExecute();
            throw error;
        }
        _session.AfterExecute();

        if (_columnCount == 0)
        {
            // A statement without result columns is done; resetting releases what it holds.
            raw.sqlite3_reset(_stmt);
            return ValueTask.FromResult(new ExecuteResult(raw.sqlite3_changes(_session.Db), false, []));
        }
        if (!_pendingRow) raw.sqlite3_reset(_stmt);
        // Queries return 0 ("0E0"): DBD::SQLite counts rows as they are fetched.
        return ValueTask.FromResult(new ExecuteResult(0, true, _columns ??= Columns()));
    }

    private List<DbColumn> Columns()
    {
        var columns = new List<DbColumn>(_columnCount);
        for (var i = 0; i < _columnCount; i++)
        {
            var name = raw.sqlite3_column_name(_stmt, i).utf8_to_string() ?? "";
            // DBD::SQLite reports the declared type name, or VARCHAR for an expression or an untyped column.
            var declared = raw.sqlite3_column_decltype(_stmt, i).utf8_to_string();
            var typeName = string.IsNullOrEmpty(declared) ? "VARCHAR" : declared;
            columns.Add(new DbColumn(name, JsonValue.Create(typeName), typeName, null, null, Nullable(i),
                KindOfDeclared(declared)));
        }
        return columns;
    }

    /// <summary>DBD::SQLite's NULLABLE: 0 for a NOT NULL table column, 1 otherwise.</summary>
    private int Nullable(int column)
    {
        try
        {
            var table = raw.sqlite3_column_table_name(_stmt, column).utf8_to_string();
            if (string.IsNullOrEmpty(table)) return 1;
            var database = raw.sqlite3_column_database_name(_stmt, column).utf8_to_string();
            var origin = raw.sqlite3_column_origin_name(_stmt, column).utf8_to_string();
            var rc = raw.sqlite3_table_column_metadata(_session.Db, database, table, origin, out string _, out string _,
                out var notNull, out _, out _);
            return rc == raw.SQLITE_OK && notNull != 0 ? 0 : 1;
        }
        catch (EntryPointNotFoundException)
        {
            return 1;
        }
    }

    /// <summary>The kind most cells of a column will have, from SQLite's type affinity rules; cells that differ are marked.</summary>
    private char KindOfDeclared(string? declared)
    {
        if (string.IsNullOrEmpty(declared)) return _session.TextKind;
        var upper = declared.ToUpperInvariant();
        if (upper.Contains("INT")) return 'i';
        if (upper.Contains("CHAR") || upper.Contains("CLOB") || upper.Contains("TEXT")) return _session.TextKind;
        if (upper.Contains("BLOB")) return 'b';
        if (upper.Contains("REAL") || upper.Contains("FLOA") || upper.Contains("DOUB")) return 'f';
        return 'i';
    }

    public ValueTask<bool> ReadBlockAsync(RowBlockWriter block, int maxRows, CancellationToken cancellation)
    {
        if (!_pendingRow || Empty) return ValueTask.FromResult(true);
        if (block.Rows == 0)
        {
            // This block's column kinds follow its first row, so that a column of one type needs no marks.
            for (var c = 0; c < _columnCount; c++)
            {
                var kind = KindOf(raw.sqlite3_column_type(_stmt, c));
                if (kind != 'N') block.SetKind(c, kind);
            }
        }
        Span<byte> number = stackalloc byte[32];
        using var interrupt = cancellation.CanBeCanceled ? cancellation.Register(_session.Interrupt) : default;
        var held = false;
        _stmt.DangerousAddRef(ref held);
        try
        {
            var stmt = _stmt.DangerousGetHandle();
            while (block.Rows < maxRows && !block.Full)
            {
                for (var c = 0; c < _columnCount; c++)
                {
                    switch (SqliteNative.sqlite3_column_type(stmt, c))
                    {
                        case raw.SQLITE_INTEGER:
                            Utf8Formatter.TryFormat(SqliteNative.sqlite3_column_int64(stmt, c), number, out var written);
                            block.Add(number[..written], 'i');
                            break;
                        case raw.SQLITE_FLOAT:
                            SqliteNative.sqlite3_column_double(stmt, c).TryFormat(number, out written, "R", CultureInfo.InvariantCulture);
                            block.Add(number[..written], 'f');
                            break;
                        case raw.SQLITE_NULL:
                            block.AddNull();
                            break;
                        case raw.SQLITE_BLOB:
                            block.Add(SqliteNative.Bytes(stmt, c), 'b');
                            break;
                        default:
                            var text = SqliteNative.Bytes(stmt, c);
                            if (_chopBlanks)
                            {
                                var end = text.Length;
                                while (end > 0 && text[end - 1] == (byte)' ') end--;
                                text = text[..end];
                            }
                            block.Add(text, _session.TextKind);
                            break;
                    }
                }
                var rc = SqliteNative.sqlite3_step(stmt);
                if (rc == raw.SQLITE_ROW) continue;
                _pendingRow = false;
                if (rc == raw.SQLITE_DONE)
                {
                    raw.sqlite3_reset(_stmt);
                    break;
                }
                var error = SqliteProvider.Error(_session.Db);
                raw.sqlite3_reset(_stmt);
                throw error;
            }
        }
        finally
        {
            if (held) _stmt.DangerousRelease();
        }
        return ValueTask.FromResult(!_pendingRow);
    }

    private char KindOf(int type) => type switch
    {
        raw.SQLITE_INTEGER => 'i',
        raw.SQLITE_FLOAT => 'f',
        raw.SQLITE_BLOB => 'b',
        raw.SQLITE_NULL => 'N',
        _ => _session.TextKind,
    };

    /// <summary>Steps through whatever rows remain (do on a query).</summary>
    internal void RunToEnd()
    {
        if (Empty) return;
        while (_pendingRow)
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc == raw.SQLITE_ROW) continue;
            _pendingRow = false;
            if (rc != raw.SQLITE_DONE)
            {
                var error = SqliteProvider.Error(_session.Db);
                raw.sqlite3_reset(_stmt);
                throw error;
            }
        }
        raw.sqlite3_reset(_stmt);
    }

    public ValueTask FinishAsync(CancellationToken cancellation)
    {
        ResetQuietly();
        return ValueTask.CompletedTask;
    }

    internal void ResetQuietly()
    {
        _pendingRow = false;
        if (!Empty && !_closed) raw.sqlite3_reset(_stmt);
    }

    public ValueTask DisposeAsync()
    {
        Close();
        _session.Forget(this);
        return ValueTask.CompletedTask;
    }

    internal void Close()
    {
        if (_closed) return;
        _closed = true;
        _pendingRow = false;
        if (!Empty) raw.sqlite3_finalize(_stmt);
        _stmt?.Dispose();
    }

    private void Bind(int index, BindValue value)
    {
        if (value.IsNull)
        {
            raw.sqlite3_bind_null(_stmt, index);
            return;
        }
        var bytes = value.Bytes.Span;
        var sqlType = value.Type is { } type && type["sql_type"] is JsonValue v && v.TryGetValue<long>(out var t) ? t
            : value.Type?["sql_type"] is JsonValue s && s.TryGetValue<string>(out var text) && long.TryParse(text, out t) ? t
            : (long?)null;
        switch (sqlType)
        {
            // SQL_INTEGER, SQL_SMALLINT, SQL_TINYINT, SQL_BIGINT, SQL_BOOLEAN
            case 4 or 5 or -6 or -5 or 16:
                if (LooksLikeNumber(bytes, integerOnly: true, out var integer, out _) == 1)
                {
                    raw.sqlite3_bind_int64(_stmt, index, integer);
                    return;
                }
                break; // DBD::SQLite warns "datatype mismatch" and binds the text
            // SQL_FLOAT, SQL_REAL, SQL_DOUBLE; or no type with sqlite_see_if_its_a_number
            case 6 or 7 or 8:
            case null when _session.SeeIfItsANumber:
                switch (LooksLikeNumber(bytes, integerOnly: false, out integer, out var real))
                {
                    case 1:
                        raw.sqlite3_bind_int64(_stmt, index, integer);
                        return;
                    case 2:
                        raw.sqlite3_bind_double(_stmt, index, real);
                        return;
                }
                break;
            // SQL_BLOB, SQL_BINARY, SQL_VARBINARY, SQL_LONGVARBINARY, SQL_BIT
            case 30 or -2 or -3 or -4 or -7:
                raw.sqlite3_bind_blob(_stmt, index, bytes);
                return;
        }
        if (_session.Unicode && value.Mark == 'b' && bytes.ContainsAnyInRange((byte)0x80, (byte)0xFF))
        {
            // With sqlite_unicode a Perl byte string is upgraded (Latin-1 to UTF-8) before binding.
            raw.sqlite3_bind_text(_stmt, index, Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(bytes)));
            return;
        }
        raw.sqlite3_bind_text(_stmt, index, bytes);
    }

    /// <summary>
    /// DBD::SQLite's test of whether bound text is a number: leading spaces, a sign, digits, and
    /// for floats a '.' with digits, the text being exactly what printf("%.Nf") gives back.
    /// Returns 1 for an integer that fits 64 bits, 2 for a float, 0 otherwise.
    /// </summary>
    internal static int LooksLikeNumber(ReadOnlySpan<byte> text, bool integerOnly, out long integer, out double real)
    {
        integer = 0;
        real = 0;
        var i = 0;
        while (i < text.Length && text[i] == ' ') i++;
        var start = i;
        var plus = false;
        if (i < text.Length && text[i] == '-') i++;
        else if (i < text.Length && text[i] == '+')
        {
            plus = true;
            i++;
        }
        var digitsStart = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i])) i++;
        var digits = i - digitsStart;
        if (digits == 0) return 0;
        var precision = 0;
        var maybeInteger = digits <= 19;
        if (i < text.Length && text[i] == '.')
        {
            maybeInteger = false;
            i++;
            var fractionStart = i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i])) i++;
            precision = i - fractionStart;
            if (precision == 0) return 0;
        }
        if (i != text.Length) return 0;
        var number = Encoding.ASCII.GetString(text[start..]);
        if (maybeInteger && long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer))
            return 1;
        if (integerOnly) return 0;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out real)) return 0;
        var formatted = real.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (plus) formatted = "+" + formatted;
        return formatted == number ? 2 : 0;
    }
}
