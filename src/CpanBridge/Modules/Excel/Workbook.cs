using System.Buffers;
using System.Text.RegularExpressions;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Modules.Database;

namespace CpanBridge.Modules.Excel;

/// <summary>Strings in first-seen order, each stored once (the package's shared strings table).</summary>
internal sealed class SharedStrings
{
    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SharedStrings()
    {
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public List<string> Items { get; } = [];
    /// <summary>Cells that refer to the table (the table's 'count').</summary>
    public int References { get; set; }

    /// <summary>Adds UTF-8 text, allocating a string only for text not yet in the table.</summary>
    public int Add(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return Add("");
        var max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        char[]? rented = null;
        var chars = max <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            if (_lookup.TryGetValue(text, out var index)) return index;
            return Add(new string(text));
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    public int Add(string text)
    {
        if (!_index.TryGetValue(text, out var index))
        {
            index = Items.Count;
            Items.Add(text);
            _index.Add(text, index);
        }
        return index;
    }
}

/// <summary>
/// A workbook in the daemon: sheets, shared strings and workbook-level settings, plus the work
/// file in the target directory that proves, at open, that the directory takes a file, and that
/// the finished package is written to before it is renamed over the destination.
/// </summary>
internal sealed class Workbook : IDisposable
{
    public Workbook(string filename, string workPath)
    {
        Filename = filename;
        WorkPath = workPath;
    }

    public string Filename { get; }
    public string WorkPath { get; }
    public List<Sheet> Sheets { get; } = [];
    public SharedStrings Strings { get; } = new();
    /// <summary>Formula texts and cached results, URLs: the parts of cells that are not numbers or shared strings.</summary>
    public List<string> Texts { get; } = [];
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);
    public List<(string Name, string Formula, int? SheetIndex)> Names { get; } = [];
    public bool Date1904 { get; set; }
    public int ActiveSheet { get; set; }
    public int FirstSheet { get; set; }
    public bool Finished { get; set; }
    public long CellCount => Sheets.Sum(s => (long)s.Cells.Count);

    public Sheet AddSheet(string? name)
    {
        name ??= "Sheet" + (Sheets.Count + 1);
        if (name.Length == 0 || name.Length > 31)
            throw BridgeException.Usage($"excel.add_worksheet: sheet name '{name}' must be 1 to 31 characters");
        if (Sheets.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            throw BridgeException.Usage($"excel.add_worksheet: a worksheet named '{name}' exists already");
        var sheet = new Sheet(name, Sheets.Count);
        Sheets.Add(sheet);
        return sheet;
    }

    public Sheet SheetAt(long index, string op) =>
        index >= 0 && index < Sheets.Count ? Sheets[(int)index]
            : throw BridgeException.Usage($"excel.write: {op}: no worksheet {index} (the workbook has {Sheets.Count})");

    public int AddText(string text)
    {
        Texts.Add(text);
        return Texts.Count - 1;
    }

    /// <summary>Removes the work file: the workbook was abandoned, or the file has been renamed away.</summary>
    public void Dispose()
    {
        if (Finished) return;
        Finished = true;
        try { File.Delete(WorkPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ---- cell records ---------------------------------------------------------------------------

    /// <summary>
    /// Applies pack('(w w w a w w/a* w/a*)*', sheet, row, col, type, format, value, extra) records;
    /// returns how many there were.
    /// </summary>
    public int ApplyRecords(ReadOnlySpan<byte> data)
    {
        var position = 0;
        var count = 0;
        while (position < data.Length)
        {
            var sheetIndex = (long)Ber.Read(data, ref position);
            var row = Ber.Read(data, ref position);
            var col = Ber.Read(data, ref position);
            if (position >= data.Length) throw new FormatException("truncated cell record");
            var type = (char)data[position++];
            var format = Ber.Read(data, ref position);
            var value = ReadBytes(data, ref position);
            var extra = ReadBytes(data, ref position);
            count++;
            if (row > Cells.MaxRow || col > Cells.MaxCol)
                throw BridgeException.Usage($"excel.write: cell record {count}: row {row}, column {col} is outside the sheet (max row {Cells.MaxRow}, column {Cells.MaxCol})");
            if (format > int.MaxValue) throw new FormatException($"cell record {count}: format id {format} too large");
            var sheet = sheetIndex >= 0 && sheetIndex < Sheets.Count ? Sheets[(int)sheetIndex] : SheetAt(sheetIndex, $"cell record {count}");
            // Numbers and strings, nearly all cells, go without a string per value: numbers are
            // parsed from the bytes, strings already in the table are found by their characters.
            if (type == 'n' && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                sheet.Cells.Add(new StoredCell { Row = (int)row, Col = (int)col, Format = (int)format, Kind = CellKind.Number, Value = BitConverter.DoubleToInt64Bits(number) });
                sheet.Touch((int)row, (int)col);
            }
            else if (type == 's')
            {
                sheet.Cells.Add(new StoredCell { Row = (int)row, Col = (int)col, Format = (int)format, Kind = CellKind.String, Value = Strings.Add(value) });
                Strings.References++;
                sheet.Touch((int)row, (int)col);
            }
            else WriteCell(sheet, (int)row, (int)col, type, (int)format, Encoding.UTF8.GetString(value), Encoding.UTF8.GetString(extra), count);
        }
        return count;
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, ref int position)
    {
        var length = Ber.Read(data, ref position);
        if (length > (ulong)(data.Length - position)) throw new FormatException("truncated cell record");
        var bytes = data.Slice(position, (int)length);
        position += (int)length;
        return bytes;
    }

    public void WriteCell(Sheet sheet, int row, int col, char type, int format, string value, string extra, int record = 0)
    {
        var cell = new StoredCell { Row = row, Col = col, Format = format };
        switch (type)
        {
            case 'n':
                if (!TryNumber(value, out var number))
                    throw BridgeException.Usage($"excel.write: cell record {record}: '{value}' is not a number");
                cell.Kind = CellKind.Number;
                cell.Value = BitConverter.DoubleToInt64Bits(number);
                break;
            case 's':
                cell.Kind = CellKind.String;
                cell.Value = Strings.Add(value);
                Strings.References++;
                break;
            case 'f':
                cell.Kind = CellKind.Formula;
                // The drop-in has taken off the one leading '=' native strips; any other stays.
                cell.Value = AddText(value);
                AddText(extra);
                break;
            case 'b':
                cell.Kind = CellKind.Blank;
                break;
            case 'B':
                cell.Kind = CellKind.Boolean;
                cell.Value = value is "" or "0" ? 0 : 1;
                break;
            case 'u':
            {
                cell.Kind = CellKind.Url;
                var display = extra.Length > 0 ? extra : DefaultDisplay(value);
                cell.Value = AddText(value);
                AddText(Strings.Add(display).ToString(CultureInfo.InvariantCulture));
                Strings.References++;
                break;
            }
            case 'd':
                if (DateSerial.Parse(value, Date1904) is { } serial)
                {
                    cell.Kind = CellKind.Number;
                    cell.Value = BitConverter.DoubleToInt64Bits(serial);
                }
                else
                {
                    // As native: a date it cannot read is written as the string it was given.
                    cell.Kind = CellKind.String;
                    cell.Value = Strings.Add(value);
                    Strings.References++;
                }
                break;
            default:
                throw BridgeException.Usage($"excel.write: cell record {record}: unknown cell type '{type}'");
        }
        sheet.Cells.Add(cell);
        sheet.Touch(row, col);
    }

    /// <summary>The string native shows for a URL written without one.</summary>
    private static string DefaultDisplay(string url)
    {
        if (url.StartsWith("mailto:", StringComparison.Ordinal)) return url[7..];
        if (url.StartsWith("internal:", StringComparison.Ordinal)) return url[9..];
        if (url.StartsWith("external:", StringComparison.Ordinal)) return url[9..].Replace('/', '\\');
        return url;
    }

    public static bool TryNumber(string text, out double number)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number)) return true;
        // Perl prints infinities and NaN as words.
        switch (text.Trim().ToLowerInvariant())
        {
            case "inf": case "infinity": number = double.PositiveInfinity; return true;
            case "-inf": case "-infinity": number = double.NegativeInfinity; return true;
            case "nan": number = double.NaN; return true;
        }
        return false;
    }
}

/// <summary>write_date_time's ISO 8601 text as a spreadsheet serial number.</summary>
internal static class DateSerial
{
    /// <summary>
    /// yyyy-mm-ddThh:mm:ss.sss with the date or the time optional. 1900 epoch: day 1 is
    /// 1900-01-01 and 1900-02-29 (which did not exist) is day 60, as Excel counts; a time alone is a
    /// fraction of a day. Null when the text is not such a date.
    /// </summary>
    public static double? Parse(string text, bool date1904) =>
        Exact(text, date1904) is { } serial
            // Perl prints numbers with 15 significant digits, so native's file holds the serial rounded so.
            ? double.Parse(serial.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : null;

    private static double? Exact(string text, bool date1904)
    {
        var m = Regex.Match(text,
            @"^(?:(\d{4})-(\d{2})-(\d{2}))?T(?:(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?$");
        if (!m.Success) return null;
        double seconds = 0;
        if (m.Groups[4].Success)
        {
            var hour = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
            var minute = int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
            var second = m.Groups[6].Success ? double.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) : 0;
            if (hour >= 24 || minute >= 60 || second >= 60) return null;
            seconds = hour * 3600 + minute * 60 + second;
        }
        var fraction = seconds / 86400;
        if (!m.Groups[1].Success) return fraction;
        var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var month = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var day = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || day < 1) return null;
        var epochYear = date1904 ? 1904 : 1900;
        if (year < epochYear || year > 9999) return null;
        if (year == 1900 && month == 2 && day == 29 && !date1904) return 60 + fraction;
        if (day > DateTime.DaysInMonth(year, month)) return null;
        var date = new DateTime(year, month, day);
        if (date1904) return (date - new DateTime(1904, 1, 1)).TotalDays + fraction;
        var days = (date - new DateTime(1899, 12, 31)).TotalDays;
        // Excel's day 60 is the nonexistent 1900-02-29, so later days are one higher.
        if (days > 59) days++;
        return days + fraction;
    }
}

/// <summary>The few POSIX calls the work file needs, for errno and Perl's $! text.</summary>
internal static partial class ExcelNative
{
    private const int OWronly = 1, OCreat = 0x40, OExcl = 0x80, OCloexec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int rename(string from, string to);

    /// <summary>Renames over the destination; returns 0 or the errno.</summary>
    public static int Rename(string from, string to) => rename(from, to) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    /// <summary>Creates an empty file that must not exist yet; returns 0 or the errno.</summary>
    public static int CreateNew(string path)
    {
        var fd = open(path, OWronly | OCreat | OExcl | OCloexec, Convert.ToInt32("666", 8));
        if (fd < 0) return Marshal.GetLastPInvokeError();
        close(fd);
        return 0;
    }

    /// <summary>strerror, the text Perl's $! shows.</summary>
    public static string Message(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
