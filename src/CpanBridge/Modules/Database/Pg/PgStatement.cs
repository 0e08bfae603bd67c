using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace CpanBridge.Modules.Database.Pg;

/// <summary>
/// A DBD::Pg-like statement: the SQL goes to the server at the first execute (errors in it show
/// then, as natively); a statement with placeholders is prepared on the server from its second
/// execute on. Every value is read as PostgreSQL's text output (what libpq hands DBD::Pg), and the
/// whole result is buffered at execute, so <c>rows</c> is the row count right away.
/// </summary>
internal sealed partial class PgStatement : IDbStatement, IDbBatchExecute
{
    private readonly PgSession _session;
    private readonly string _original;
    private readonly RewrittenSql _rewritten;
    private readonly JsonNode?[]? _typeOverride;
    private readonly BindValue[]? _fixedBinds;
    private NpgsqlCommand? _command;
    private readonly string _commandText;
    private int _executions;
    private static long _statementNumber;
    private ResultBuffer? _result;
    private int _next;

    public PgStatement(PgSession session, string original, RewrittenSql rewritten, JsonNode?[]? typeOverride = null,
        BindValue[]? fixedBinds = null)
    {
        _fixedBinds = fixedBinds;
        _session = session;
        _original = original;
        _rewritten = rewritten;
        _typeOverride = typeOverride;
        Batchable = BatchableStatement().IsMatch(rewritten.Sql) && !Returning().IsMatch(rewritten.Sql);
        // Npgsql shares a server-side prepared statement among commands with the same text, so a
        // statement prepared again after its table changed shape would inherit the parameter
        // types inferred for the old one. DBD::Pg prepares each statement handle on its own; the
        // comment makes each statement's text its own.
        _commandText = rewritten.Count > 0
            ? rewritten.Sql + "\n-- cpanbridge statement " + Interlocked.Increment(ref _statementNumber).ToString(CultureInfo.InvariantCulture)
            : rewritten.Sql;
    }

    /// <summary>A catalog statement (table_info...) carries its own binds and takes none from the script.</summary>
    public int ParamCount => _fixedBinds is null ? _rewritten.Count : 0;
    public IReadOnlyList<string> ParamNames => _fixedBinds is null ? _rewritten.Names : [];
    public bool Batchable { get; }

    public async ValueTask<ExecuteResult> ExecuteAsync(IReadOnlyList<BindValue> binds, ExecuteOptions options,
        CancellationToken cancellation)
    {
        DropResult();
        if (binds.Count != ParamCount)
            throw Core.BridgeException.Usage($"called with {binds.Count} bind variables when {ParamCount} are needed");
        if (_fixedBinds is not null) binds = _fixedBinds;
        _session.ThrowIfLost();
        var command = Command();
        SetParameters(command, binds);
        await _session.BeforeStatementAsync(cancellation).ConfigureAwait(false);
        _session.ActiveQuery = _rewritten.Sql;
        var statementIndex = 0;
        ResultBuffer? last = null;
        try
        {
            // Preparing costs a round trip: worth it only for a statement that is executed again.
            if (_rewritten.Count > 0 && _executions == 1 && !command.IsPrepared)
                await command.PrepareAsync(cancellation).ConfigureAwait(false);
            _executions++;
            await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            do
            {
                if (reader.FieldCount > 0)
                {
                    var buffer = await ReadAllAsync(reader, options, cancellation).ConfigureAwait(false);
                    last?.Release();
                    last = buffer;
                }
                statementIndex++;
            } while (await reader.NextResultAsync(cancellation).ConfigureAwait(false));

#pragma warning disable CS0618 // NpgsqlDataReader.Statements: per-statement counts of a multi-statement string
            var statements = reader.Statements;
            if (last is not null && (statements.Count == 1 || statements[^1].StatementType == StatementType.Select))
            {
                _result = last;
                last = null;
                return new ExecuteResult(_result.Rows, false, _result.Columns);
            }
            var affected = statements.Count > 0 ? (long)statements[^1].Rows : 0;
#pragma warning restore CS0618
            // libpq reports no count for DDL and the like; DBD::Pg returns 0E0 then.
            return new ExecuteResult(affected, false, []);
        }
        catch (Exception e)
        {
            throw Translate(e, statementIndex);
        }
        finally
        {
            last?.Release();
        }
    }

    /// <summary>Bind sets sent per round trip by <see cref="ExecuteBatchAsync"/>.</summary>
    private const int BatchChunk = 1000;

    /// <summary>
    /// Runs the sets as pipelined commands (one round trip per chunk) and returns the row count of
    /// the last one. Inside a transaction a failing set aborts it, as natively: the sets before it
    /// stay in it and everything after fails with "current transaction is aborted". With
    /// AutoCommit on, a pipeline is one implicit transaction, whereas each native execute commits
    /// on its own: after a failure the sets before it are run again (pipelined), and the failing
    /// set then fails alone, first in its pipeline, with its native error. A sequence used by
    /// those re-run sets advances twice.
    /// </summary>
    public async ValueTask<long> ExecuteBatchAsync(IReadOnlyList<BindValue[]> sets, CancellationToken cancellation)
    {
        long last = 0;
        _session.ActiveQuery = _rewritten.Sql;
        if (_fixedBinds is not null || _rewritten.Count == 0 || sets.Count < 2)
        {
            var options = new ExecuteOptions();
            for (var i = 0; i < sets.Count; i++)
            {
                try
                {
                    last = (await ExecuteAsync(sets[i], options, cancellation).ConfigureAwait(false)).Rows;
                    DropResult();
                }
                catch (DbError e)
                {
                    throw new DbBatchFailure(e, i, last);
                }
            }
            return last;
        }
        DropResult();
        var done = 0;
        var limit = BatchChunk;
        while (done < sets.Count)
        {
            var count = Math.Min(limit, sets.Count - done);
            limit = BatchChunk;
            var autoCommit = _session.AutoCommit;
            await using var batch = new NpgsqlBatch(_session.Connection);
            for (var i = 0; i < count; i++)
            {
                var set = sets[done + i];
                if (set.Length != _rewritten.Count)
                    throw Core.BridgeException.Usage($"called with {set.Length} bind variables when {_rewritten.Count} are needed");
                var command = new NpgsqlBatchCommand(_commandText);
                for (var p = 0; p < set.Length; p++)
                {
                    var parameter = new NpgsqlParameter();
                    SetParameter(parameter, set[p], p + 1);
                    command.Parameters.Add(parameter);
                }
                batch.BatchCommands.Add(command);
            }
            await _session.BeforeStatementAsync(cancellation).ConfigureAwait(false);
            try
            {
                // Prepared once (as the statement's own command, which unprepares it when the
                // statement goes): each set then costs the server a Bind and an Execute instead
                // of parsing and planning it again. The batch's commands find it by their text.
                if (_command is not { IsPrepared: true })
                {
                    var own = Command();
                    SetParameters(own, sets[done]);
                    await own.PrepareAsync(cancellation).ConfigureAwait(false);
                }
                await batch.PrepareAsync(cancellation).ConfigureAwait(false);
                await batch.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
                last = batch.BatchCommands[count - 1].RecordsAffected;
                done += count;
            }
            catch (PostgresException e) when (!_session.IsBroken)
            {
                var failed = FailedCommand(batch, e);
                if (!autoCommit || failed == 0)
                {
                    // First in its pipeline (or in a transaction, where the earlier sets' work stays
                    // in the now failed transaction): exactly what the native execute of this set gives.
                    throw new DbBatchFailure(StatementError(e), done + failed, last);
                }
                // The next pipeline re-runs the rolled-back sets; the one after starts at the failing set.
                limit = failed;
            }
            catch (Exception e) when (e is not DbBatchFailure)
            {
                var translated = _session.Translate(e, _rewritten.Sql);
                if (translated is DbError error) throw new DbBatchFailure(error, done, last);
                throw translated;
            }
        }
        return last;
    }

    /// <summary>
    /// Position of the command that failed in a pipeline. Npgsql does not always say (its
    /// PostgresException.BatchCommand stays null for a batch of non-queries, measured with 10.0),
    /// but every command that completed has its statement type set from the server's
    /// CommandComplete; the first one without it is the one that failed.
    /// </summary>
    private static int FailedCommand(NpgsqlBatch batch, PostgresException e)
    {
        var commands = batch.BatchCommands;
        if (e.BatchCommand is { } failing && commands.IndexOf(failing) is >= 0 and var index) return index;
        var completed = 0;
        while (completed < commands.Count && commands[completed].StatementType != StatementType.Unknown) completed++;
        return Math.Min(completed, commands.Count - 1);
    }

    private NpgsqlCommand Command() =>
        _command ??= new NpgsqlCommand(_commandText, _session.Connection) { AllResultTypesAreUnknown = true };

    /// <summary>
    /// The error as DBD::Pg shows it for the script's SQL: a position past its end (syntax error
    /// at end of input, counted in the text with the statement's comment) is its end.
    /// </summary>
    private DbError StatementError(PostgresException e)
    {
        var end = _rewritten.Sql.EnumerateRunes().Count() + 1;
        return e.Position > end
            ? new DbError(JsonValue.Create(PgErrors.StatementErr), PgErrors.Format(e, _rewritten.Sql, end), e.SqlState, e)
            : PgErrors.Statement(e, _rewritten.Sql);
    }

    private Exception Translate(Exception e, int statementIndex)
    {
        if (e is PostgresException { Position: > 0 } positioned && _rewritten.Count > 0 && !_session.IsBroken)
            return StatementError(positioned);
        // With several statements in one string the server counts the error position within the
        // failing statement; libpq shows it within the whole string. Results seen so far tell the
        // earliest statement that can have failed; the position must fall inside it.
        if (e is PostgresException { Position: > 0 } pg && _rewritten.Count == 0 && !_session.IsBroken)
        {
            var sql = _rewritten.Sql;
            var starts = PlaceholderRewriter.StatementStarts(sql);
            if (starts.Count > 1)
            {
                for (var k = Math.Min(statementIndex, starts.Count - 1); k < starts.Count; k++)
                {
                    var end = k + 1 < starts.Count ? starts[k + 1] : sql.Length;
                    var length = sql.AsSpan(starts[k], end - starts[k]).ToString().EnumerateRunes().Count();
                    if (pg.Position > length + 1 && k + 1 < starts.Count) continue;
                    var shifted = pg.Position + sql.AsSpan(0, starts[k]).ToString().EnumerateRunes().Count();
                    return new DbError(JsonValue.Create(PgErrors.StatementErr), PgErrors.Format(pg, sql, shifted), pg.SqlState, pg);
                }
            }
        }
        return _session.Translate(e, _rewritten.Sql);
    }

    public ValueTask<bool> ReadBlockAsync(RowBlockWriter block, int maxRows, CancellationToken cancellation)
    {
        var result = _result;
        if (result is null) return ValueTask.FromResult(true);
        var end = (int)Math.Min((long)_next + Math.Max(maxRows, 0), result.Rows);
        var columns = result.Columns.Count;
        var lengths = result.Lengths;
        var starts = result.Starts;
        var data = result.Data;
        // Character columns stay 'u' even when a block is all ASCII: DBD::Pg flags every string
        // as characters, and scripts can see the flag (utf8::is_utf8, upgrade on concatenation).
        var r = _next;
        for (; r < end && block.Bytes < BlockByteBudget; r++)
        {
            var cell = r * columns;
            for (var c = 0; c < columns; c++, cell++)
            {
                var length = lengths[cell];
                if (length < 0) block.AddNull();
                else block.Add(data.AsSpan(starts[cell], length));
            }
        }
        _next = r;
        if (_next < result.Rows) return ValueTask.FromResult(false);
        DropResult();
        return ValueTask.FromResult(true);
    }

    /// <summary>Stop filling a block past this many bytes even when rows remain (the module's default block budget).</summary>
    private const int BlockByteBudget = 1 << 20;

    public ValueTask FinishAsync(CancellationToken cancellation)
    {
        DropResult();
        return ValueTask.CompletedTask;
    }

    private void DropResult()
    {
        _result?.Release();
        _result = null;
        _next = 0;
    }

    public async ValueTask DisposeAsync()
    {
        DropResult();
        if (_command is null) return;
        try
        {
            if (_command.IsPrepared && !_session.IsBroken) await _command.UnprepareAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
        }
        await _command.DisposeAsync().ConfigureAwait(false);
    }

    // ---- binds ----

    private static void SetParameters(NpgsqlCommand command, IReadOnlyList<BindValue> binds)
    {
        var parameters = command.Parameters;
        if (parameters.Count != binds.Count)
        {
            parameters.Clear();
            for (var i = 0; i < binds.Count; i++) parameters.Add(new NpgsqlParameter());
        }
        for (var i = 0; i < binds.Count; i++) SetParameter(parameters[i], binds[i], i + 1);
    }

    /// <summary>
    /// DBD::Pg sends every value as text; without a bind type the server infers the type from the
    /// statement (libpq's "unknown"). A byte string is Latin-1 characters, upgraded to UTF-8 as Perl
    /// does; bytea binds go as the bytes themselves.
    /// </summary>
    internal static void SetParameter(NpgsqlParameter parameter, BindValue bind, int number)
    {
        var type = BindType(bind.Type, number);
        parameter.ResetDbType();
        if (bind.IsNull)
        {
            parameter.NpgsqlDbType = type;
            parameter.Value = DBNull.Value;
            return;
        }
        if (type == NpgsqlDbType.Bytea)
        {
            parameter.NpgsqlDbType = NpgsqlDbType.Bytea;
            parameter.Value = bind.Bytes.ToArray();
            return;
        }
        var text = bind.Mark == 'b' ? Encoding.Latin1.GetString(bind.Bytes.Span) : Encoding.UTF8.GetString(bind.Bytes.Span);
        object? value = type switch
        {
            NpgsqlDbType.Smallint => long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l is >= short.MinValue and <= short.MaxValue ? (short)l : null,
            NpgsqlDbType.Integer => long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l is >= int.MinValue and <= int.MaxValue ? (int)l : null,
            NpgsqlDbType.Bigint => long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
            NpgsqlDbType.Double => ParseDouble(text),
            NpgsqlDbType.Real => ParseDouble(text) is { } d ? (float)d : null,
            NpgsqlDbType.Numeric => decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null,
            NpgsqlDbType.Boolean => ParseBool(text),
            NpgsqlDbType.Uuid => Guid.TryParse(text.Trim(), out var g) ? g : null,
            NpgsqlDbType.Text or NpgsqlDbType.Varchar or NpgsqlDbType.Char or NpgsqlDbType.Json or NpgsqlDbType.Jsonb => text,
            _ => null,
        };
        if (value is null)
        {
            // A type Npgsql cannot write from text (dates, times, ...) or a value it cannot
            // parse: send the text for the server to read, as libpq does.
            parameter.NpgsqlDbType = NpgsqlDbType.Unknown;
            parameter.Value = text;
            return;
        }
        parameter.NpgsqlDbType = type;
        parameter.Value = value;
    }

    private static NpgsqlDbType BindType(JsonObject? type, int number)
    {
        if (type is null) return NpgsqlDbType.Unknown;
        if (type["pg_type"] is JsonValue pgType && pgType.TryGetValue<int>(out var oid))
            return (uint)oid switch
            {
                PgTypes.Bool => NpgsqlDbType.Boolean,
                PgTypes.Bytea => NpgsqlDbType.Bytea,
                PgTypes.Int8 => NpgsqlDbType.Bigint,
                PgTypes.Int2 => NpgsqlDbType.Smallint,
                PgTypes.Int4 => NpgsqlDbType.Integer,
                PgTypes.Text => NpgsqlDbType.Text,
                PgTypes.Json => NpgsqlDbType.Json,
                PgTypes.Float4 => NpgsqlDbType.Real,
                PgTypes.Float8 => NpgsqlDbType.Double,
                PgTypes.Bpchar => NpgsqlDbType.Char,
                PgTypes.Varchar => NpgsqlDbType.Varchar,
                PgTypes.Numeric => NpgsqlDbType.Numeric,
                PgTypes.Uuid => NpgsqlDbType.Uuid,
                PgTypes.Jsonb => NpgsqlDbType.Jsonb,
                _ => NpgsqlDbType.Unknown,
            };
        if (type["sql_type"] is JsonValue sqlType && sqlType.TryGetValue<int>(out var code))
        {
            if (!PgTypes.KnownSqlType(code))
                throw Core.BridgeException.Usage($"Cannot bind param {number}: unknown sql_type {code}");
            return code switch
            {
                -6 or 5 => NpgsqlDbType.Smallint,
                4 => NpgsqlDbType.Integer,
                -5 => NpgsqlDbType.Bigint,
                -4 or -3 or -2 => NpgsqlDbType.Bytea,
                -1 => NpgsqlDbType.Text,
                1 => NpgsqlDbType.Char,
                12 => NpgsqlDbType.Varchar,
                2 or 3 => NpgsqlDbType.Numeric,
                6 or 7 or 8 => NpgsqlDbType.Double,
                16 => NpgsqlDbType.Boolean,
                _ => NpgsqlDbType.Unknown,
            };
        }
        return NpgsqlDbType.Unknown;
    }

    private static object? ParseDouble(string text)
    {
        var t = text.Trim();
        if (t.Equals("NaN", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        if (t.Equals("Infinity", StringComparison.OrdinalIgnoreCase) || t.Equals("inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (t.Equals("-Infinity", StringComparison.OrdinalIgnoreCase) || t.Equals("-inf", StringComparison.OrdinalIgnoreCase)) return double.NegativeInfinity;
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    private static object? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "1" or "t" or "true" or "y" or "yes" or "on" => true,
        "0" or "f" or "false" or "n" or "no" or "off" => false,
        _ => null,
    };

    // ---- results ----

    private enum Convert : byte { None, Bool, Bytea }

    /// <summary>Free bytes kept ahead of each cell read, so most values need a single copy.</summary>
    private const int MinimumFree = 16 * 1024;

    private async ValueTask<ResultBuffer> ReadAllAsync(NpgsqlDataReader reader, ExecuteOptions options, CancellationToken ct)
    {
        var count = reader.FieldCount;
        var columns = new DbColumn[count];
        var converts = new Convert[count];
        var chop = new bool[count];
        var describe = RowDescriptionAccess.Get(reader);
        for (var c = 0; c < count; c++)
        {
            var oid = reader.GetDataTypeOID(c);
            var (typeSize, typeModifier) = describe(c);
            int? precision = null, scale = null;
            if (oid == PgTypes.Numeric)
            {
                // DBD::Pg decodes the typmod even when there is none (scale 65531 then), as measured.
                if (typeModifier >= 4) precision = (typeModifier - 4) >> 16;
                scale = typeModifier is null ? null : (typeModifier.Value - 4) & 0xFFFF;
            }
            else if (typeSize > 0) precision = typeSize;
            else if (oid is PgTypes.Varchar or PgTypes.Bpchar && typeModifier >= 0) precision = typeModifier;
            string typeName;
            try
            {
                typeName = reader.GetPostgresType(c).InternalName;
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or NotSupportedException)
            {
                typeName = "unknown";
            }
            columns[c] = new DbColumn(reader.GetName(c),
                _typeOverride is not null && c < _typeOverride.Length ? _typeOverride[c]?.DeepClone() : JsonValue.Create(PgTypes.SqlType(oid)),
                typeName, precision, scale, 2, PgTypes.Kind(oid) is 'u' ? _session.TextKind : PgTypes.Kind(oid));
            converts[c] = oid switch { PgTypes.Bool => Convert.Bool, PgTypes.Bytea => Convert.Bytea, _ => Convert.None };
            chop[c] = options.ChopBlanks && oid is PgTypes.Bpchar or PgTypes.Char;
        }
        var buffer = new ResultBuffer(columns);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            for (var c = 0; c < count; c++)
            {
                if (reader.IsDBNull(c))
                {
                    buffer.AddNull();
                    continue;
                }
                // One copy straight into the free space; only a value larger than it takes more.
                var start = buffer.Reserve(MinimumFree);
                var length = (int)reader.GetBytes(c, 0, buffer.Data, start, buffer.Data.Length - start);
                while (start + length == buffer.Data.Length)
                {
                    buffer.Reserve(MinimumFree, pending: length);
                    var more = (int)reader.GetBytes(c, length, buffer.Data, start + length, buffer.Data.Length - start - length);
                    if (more == 0) break;
                    length += more;
                }
                var cell = buffer.Data.AsSpan(start, length);
                switch (converts[c])
                {
                    case Convert.Bool:
                        if (length == 1) cell[0] = cell[0] == (byte)'t' ? (byte)'1' : (byte)'0';
                        break;
                    case Convert.Bytea:
                        length = DecodeBytea(cell);
                        break;
                }
                if (chop[c])
                    while (length > 0 && cell[length - 1] == (byte)' ') length--;
                buffer.Commit(start, length);
            }
        }
        return buffer;
    }

    /// <summary>Decodes bytea's text output in place (hex "\x..." or the old escape format); returns the byte count.</summary>
    internal static int DecodeBytea(Span<byte> text)
    {
        if (text.Length >= 2 && text[0] == '\\' && text[1] == 'x')
        {
            var output = 0;
            for (var i = 2; i + 1 < text.Length; i += 2)
                text[output++] = (byte)((Hex(text[i]) << 4) | Hex(text[i + 1]));
            return output;
        }
        var o = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                if (text[i + 1] == '\\')
                {
                    text[o++] = (byte)'\\';
                    i++;
                    continue;
                }
                if (i + 3 < text.Length)
                {
                    text[o++] = (byte)(((text[i + 1] - '0') << 6) | ((text[i + 2] - '0') << 3) | (text[i + 3] - '0'));
                    i += 3;
                    continue;
                }
            }
            text[o++] = text[i];
        }
        return o;
    }

    private static int Hex(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    [GeneratedRegex(@"\A\s*(?:insert|update|delete)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BatchableStatement();

    [GeneratedRegex(@"\breturning\b", RegexOptions.IgnoreCase)]
    private static partial Regex Returning();

    /// <summary>
    /// A whole result in one byte array: cell i is Data[Starts[i]..+Lengths[i]], Lengths[i] -1 for
    /// NULL. The arrays come from the shared pool and go back to it once the rows are sent, so a
    /// job fetching big results again and again does not churn the large object heap.
    /// </summary>
    private sealed class ResultBuffer(IReadOnlyList<DbColumn> columns)
    {
        public IReadOnlyList<DbColumn> Columns { get; } = columns;
        public byte[] Data = ArrayPool<byte>.Shared.Rent(64 * 1024);
        public int[] Starts = ArrayPool<int>.Shared.Rent(1024);
        public int[] Lengths = ArrayPool<int>.Shared.Rent(1024);
        private int _used;
        private int _cells;

        public long Rows => Columns.Count == 0 ? 0 : _cells / Columns.Count;

        public void AddNull()
        {
            EnsureCells();
            Starts[_cells] = _used;
            Lengths[_cells++] = -1;
        }

        /// <summary>
        /// Room for <paramref name="length"/> bytes after the committed ones and the
        /// <paramref name="pending"/> bytes of a cell being read (kept when the array grows); returns where the cell starts.
        /// </summary>
        public int Reserve(int length, int pending = 0)
        {
            if ((long)_used + pending + length > Data.Length)
            {
                var size = Math.Max((long)Data.Length * 2, (long)_used + pending + length);
                if (size > Array.MaxLength) throw new InsufficientMemoryException("query result larger than 2 GB");
                Data = Grow(Data, (int)size, _used + pending);
            }
            return _used;
        }

        public void Commit(int start, int length)
        {
            EnsureCells();
            Starts[_cells] = start;
            Lengths[_cells++] = length;
            _used = start + length;
        }

        private void EnsureCells()
        {
            if (_cells < Starts.Length) return;
            Starts = Grow(Starts, Starts.Length * 2, _cells);
            Lengths = Grow(Lengths, Lengths.Length * 2, _cells);
        }

        private static T[] Grow<T>(T[] old, int size, int used)
        {
            var grown = ArrayPool<T>.Shared.Rent(size);
            Array.Copy(old, grown, used);
            ArrayPool<T>.Shared.Return(old);
            return grown;
        }

        public void Release()
        {
            ArrayPool<byte>.Shared.Return(Interlocked.Exchange(ref Data, [])!);
            ArrayPool<int>.Shared.Return(Interlocked.Exchange(ref Starts, [])!);
            ArrayPool<int>.Shared.Return(Interlocked.Exchange(ref Lengths, [])!);
        }
    }

    /// <summary>
    /// Type size and modifier of result columns, which DBD::Pg turns into PRECISION and SCALE.
    /// Npgsql keeps them in its (internal) row description; without it they are simply unknown.
    /// </summary>
    private static class RowDescriptionAccess
    {
        private static readonly FieldInfo? RowDescription =
            typeof(NpgsqlDataReader).GetField("RowDescription", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        private static readonly PropertyInfo? Indexer = RowDescription?.FieldType.GetProperty("Item", [typeof(int)]);
        private static readonly PropertyInfo? TypeSize = Indexer?.PropertyType.GetProperty("TypeSize", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        private static readonly PropertyInfo? TypeModifier = Indexer?.PropertyType.GetProperty("TypeModifier", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

        public static Func<int, (int? Size, int? Modifier)> Get(NpgsqlDataReader reader)
        {
            var description = RowDescription?.GetValue(reader);
            if (description is null || Indexer is null) return _ => (null, null);
            return column =>
            {
                try
                {
                    var field = Indexer.GetValue(description, [column]);
                    return (TypeSize?.GetValue(field) is short size ? size : TypeSize?.GetValue(field) as int?,
                        TypeModifier?.GetValue(field) as int?);
                }
                catch (TargetInvocationException)
                {
                    return (null, null);
                }
            };
        }
    }
}
