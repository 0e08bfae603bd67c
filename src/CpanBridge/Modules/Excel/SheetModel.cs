using System.Runtime.InteropServices;

namespace CpanBridge.Modules.Excel;

/// <summary>What a stored cell holds; the value's meaning follows from it.</summary>
internal enum CellKind : byte
{
    Number,   // Value: the double's bits
    String,   // Value: shared string index
    Formula,  // Value: index into the workbook's side texts (formula, then cached result)
    Blank,    // a formatted empty cell
    Url,      // Value: index into side texts (url, then display string); the display is also a shared string
    Boolean,  // Value: 0 or 1
}

/// <summary>
/// One cell, 24 bytes. Cells are appended in arrival order; a later write to the same place wins
/// when the sheet is compacted (sorted by place, then arrival).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct StoredCell
{
    public int Row;
    public int Col;
    public int Format;
    public CellKind Kind;
    public long Value;

    public readonly ulong Place => ((ulong)(uint)Row << 14) | (uint)Col;
}

/// <summary>
/// A worksheet's cells as a growable array of <see cref="StoredCell"/>: no per-cell object, so a
/// million cells cost ~24 MB. Overwrites are appended and dropped by <see cref="Compact"/>, which
/// also runs whenever the array doubles beyond its last compacted size, so rewriting one cell in a
/// loop does not grow memory without bound.
/// </summary>
internal sealed class CellStore
{
    private StoredCell[] _cells = new StoredCell[256];
    private int _count;
    private int _compactedCount;
    private bool _sorted = true;

    public int Count => _count;

    public void Add(in StoredCell cell)
    {
        if (_count == _cells.Length)
        {
            if (!_sorted && _count >= 2 * Math.Max(_compactedCount, 4096)) Compact();
            if (_count == _cells.Length) Array.Resize(ref _cells, _cells.Length * 2);
        }
        if (_sorted && _count > 0 && _cells[_count - 1].Place >= cell.Place) _sorted = false;
        _cells[_count++] = cell;
    }

    /// <summary>Sorts by place and keeps the last write of each place.</summary>
    public void Compact()
    {
        if (!_sorted)
        {
            // Place (34 bits) and arrival (30 bits) in one key, so an unstable sort keeps write order.
            var keys = new ulong[_count];
            for (var i = 0; i < _count; i++) keys[i] = (_cells[i].Place << 30) | (uint)i;
            Array.Sort(keys, _cells, 0, _count);
            _sorted = true;
        }
        var write = 0;
        for (var i = 0; i < _count; i++)
        {
            if (write > 0 && _cells[write - 1].Place == _cells[i].Place) _cells[write - 1] = _cells[i];
            else _cells[write++] = _cells[i];
        }
        _count = write;
        _compactedCount = write;
    }

    /// <summary>The cells in row, column order (compacts first).</summary>
    public ReadOnlySpan<StoredCell> Ordered()
    {
        Compact();
        return _cells.AsSpan(0, _count);
    }

    public void Trim()
    {
        if (_cells.Length > _count * 2 && _count > 256) Array.Resize(ref _cells, _count);
    }
}

internal sealed record ColumnInfo(double? Width, int Format, bool Hidden, int Level);

internal sealed record RowInfo(double? Height, int Format, bool Hidden, int Level);

internal readonly record struct CellRange(int FirstRow, int FirstCol, int LastRow, int LastCol)
{
    public string A1 => FirstRow == LastRow && FirstCol == LastCol
        ? Cells.Name(FirstRow, FirstCol)
        : Cells.Name(FirstRow, FirstCol) + ":" + Cells.Name(LastRow, LastCol);

    public string Absolute => FirstRow == LastRow && FirstCol == LastCol
        ? Cells.Name(FirstRow, FirstCol, true)
        : Cells.Name(FirstRow, FirstCol, true) + ":" + Cells.Name(LastRow, LastCol, true);
}

internal enum PaneKind { None, Frozen, Split }

internal sealed class Pane
{
    public PaneKind Kind;
    public double Row, Col;     // frozen: rows/cols; split: y (points) / x (character widths)
    public int TopRow, LeftCol;
}

/// <summary>A worksheet: cells plus everything the ops set on it.</summary>
internal sealed class Sheet(string name, int index)
{
    public string Name { get; } = name;
    public int Index { get; } = index;
    public CellStore Cells { get; } = new();
    public Dictionary<int, ColumnInfo> ColumnSettings { get; } = [];
    /// <summary>The last format set_column gave each column (a later call without one keeps it, as native).</summary>
    public Dictionary<int, int> ColumnFormats { get; } = [];
    public SortedDictionary<int, RowInfo> Rows { get; } = [];
    public List<CellRange> Merges { get; } = [];
    public Pane? Pane { get; set; }
    public CellRange? AutoFilter { get; set; }
    public int Gridlines { get; set; } = 1;   // hide_gridlines option: 0 print and screen, 1 screen only, 2 none
    public bool Selected { get; set; }
    public bool Hidden { get; set; }
    public string? TabColor { get; set; }
    public int? Orientation { get; set; }     // 0 portrait, 1 landscape
    public int? Paper { get; set; }
    public double MarginLeft = 0.7, MarginRight = 0.7, MarginTop = 0.75, MarginBottom = 0.75, MarginHeader = 0.3, MarginFooter = 0.3;
    public (int First, int Last)? RepeatRows { get; set; }
    public (int First, int Last)? RepeatColumns { get; set; }
    public string? Header { get; set; }
    public string? Footer { get; set; }
    public (int Width, int Height)? FitToPages { get; set; }
    public int? Zoom { get; set; }
    public CellRange? Selection { get; set; }
    public Dictionary<string, int>? Protection { get; set; }
    public string? ProtectionHash { get; set; }
    public List<(CellRange Range, global::System.Text.Json.Nodes.JsonObject Options)> Validations { get; } = [];
    public List<(CellRange Range, global::System.Text.Json.Nodes.JsonObject Options)> Conditionals { get; } = [];
    public List<SheetImage> Images { get; } = [];
    // Page and view settings beyond the first contract (docs/protocol.md lists them).
    public CellRange? PrintArea { get; set; }
    public bool CenterHorizontally, CenterVertically, PrintHeadings, PrintAcross, BlackAndWhite, HideZero, RightToLeft, PageView, HideHeaders;
    /// <summary>outline_settings: null until the script calls it (then sheetPr carries an outlinePr).</summary>
    public OutlineSettings? Outline;
    public int? PrintScale { get; set; }
    public int? StartPage { get; set; }
    public List<int> RowBreaks { get; } = [];
    public List<int> ColumnBreaks { get; } = [];
    public double? DefaultRowHeight { get; set; }
    public bool DefaultRowHidden { get; set; }
    public int MaxRow = -1, MaxCol = -1, MinRow = int.MaxValue, MinCol = int.MaxValue;

    public void Touch(int row, int col)
    {
        if (row > MaxRow) MaxRow = row;
        if (col > MaxCol) MaxCol = col;
        if (row < MinRow) MinRow = row;
        if (col < MinCol) MinCol = col;
    }
}

internal sealed record SheetImage(int Row, int Col, byte[] Data, string Extension, int WidthPx, int HeightPx,
    double XScale, double YScale, int XOffset, int YOffset, string? Url, string? Description);

/// <summary>Cell names and the limits of the format.</summary>
internal static class Cells
{
    public const int MaxRow = 1_048_575;
    public const int MaxCol = 16_383;

    public static string Column(int col)
    {
        Span<char> buffer = stackalloc char[3];
        var i = 3;
        col++;
        while (col > 0)
        {
            var rem = (col - 1) % 26;
            buffer[--i] = (char)('A' + rem);
            col = (col - 1) / 26;
        }
        return new string(buffer[i..]);
    }

    public static string Name(int row, int col, bool absolute = false) =>
        absolute ? "$" + Column(col) + "$" + (row + 1) : Column(col) + (row + 1);
}

/// <summary>Worksheet outline_settings: symbols shown, summary rows below, summary columns right, automatic styles.</summary>
internal sealed record OutlineSettings(bool Visible, bool SummaryBelow, bool SummaryRight, bool AutoStyle);
