using System.Text;

namespace CpanBridge.Modules.Database;

/// <summary>
/// A statement whose rows were computed up front (table_info, column_info, catalog listings that a
/// native driver builds in Perl). Executing it again starts the same rows over.
/// </summary>
internal sealed class MemoryStatement(IReadOnlyList<DbColumn> columns, IReadOnlyList<RowCell[]> rows) : IDbStatement
{
    private int _next = rows.Count;

    public int ParamCount => 0;
    public IReadOnlyList<string> ParamNames => [];
    public bool Batchable => false;

    /// <summary>A text cell ('b' or 'u' as the driver returns text), NULL for null.</summary>
    public static RowCell Text(string? value, char kind = 'b') =>
        value is null ? new RowCell('N', default) : new RowCell(kind, Encoding.UTF8.GetBytes(value));

    public static RowCell Integer(long? value) =>
        value is null ? new RowCell('N', default) : new RowCell('i', Encoding.ASCII.GetBytes(value.Value.ToString(global::System.Globalization.CultureInfo.InvariantCulture)));

    public static RowCell Null => new('N', default);

    public ValueTask<ExecuteResult> ExecuteAsync(IReadOnlyList<BindValue> binds, ExecuteOptions options,
        CancellationToken cancellation)
    {
        _next = 0;
        return ValueTask.FromResult(new ExecuteResult(0, true, columns));
    }

    public ValueTask<bool> ReadBlockAsync(RowBlockWriter block, int maxRows, CancellationToken cancellation)
    {
        while (_next < rows.Count && block.Rows < maxRows && !block.Full)
        {
            foreach (var cell in rows[_next])
            {
                if (cell.IsNull) block.AddNull();
                else block.Add(cell.Bytes.Span, cell.Kind);
            }
            _next++;
        }
        return ValueTask.FromResult(_next >= rows.Count);
    }

    public ValueTask FinishAsync(CancellationToken cancellation)
    {
        _next = rows.Count;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
