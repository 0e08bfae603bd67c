using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;

namespace CpanBridge.Modules.Excel;

/// <summary>An op's arguments, read with the op's name in every complaint.</summary>
internal readonly struct OpArgs(string op, JsonElement args)
{
    public string Op => op;

    public bool Has(string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private JsonElement Get(string name) =>
        Has(name) ? args.GetProperty(name) : throw Bad($"missing argument '{name}'");

    public BridgeException Bad(string what) => BridgeException.Usage($"excel.write: op '{op}': {what}");

    public double Number(string name)
    {
        var v = Get(name);
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        if (v.ValueKind == JsonValueKind.String && v.GetString() == "") return 0;
        throw Bad($"argument '{name}' must be a number");
    }

    public double? NumberOr(string name) => Has(name) ? Number(name) : null;

    public int Int(string name)
    {
        var d = Number(name);
        if (d < int.MinValue || d > int.MaxValue) throw Bad($"argument '{name}' out of range");
        return (int)Math.Truncate(d);
    }

    public int Int(string name, int fallback) => Has(name) ? Int(name) : fallback;

    public string Text(string name)
    {
        var v = Get(name);
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            _ => throw Bad($"argument '{name}' must be a string"),
        };
    }

    public string? TextOr(string name) => Has(name) ? Text(name) : null;

    /// <summary>A Perl truth value.</summary>
    public bool Flag(string name, bool fallback = false)
    {
        if (!Has(name)) return fallback;
        var v = args.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.GetDouble() != 0,
            JsonValueKind.String => v.GetString() is not ("" or "0"),
            _ => true,
        };
    }

    public JsonObject Object(string name, bool required = true)
    {
        if (!Has(name))
            return required ? throw Bad($"missing argument '{name}'") : [];
        var v = args.GetProperty(name);
        if (v.ValueKind != JsonValueKind.Object) throw Bad($"argument '{name}' must be an object");
        return (JsonObject)JsonNode.Parse(v.GetRawText())!;
    }

    public List<int> Array(string name)
    {
        var v = Get(name);
        if (v.ValueKind != JsonValueKind.Array) throw Bad($"argument '{name}' must be an array");
        var list = new List<int>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number) list.Add((int)item.GetDouble());
            else if (item.ValueKind == JsonValueKind.String && int.TryParse(item.GetString(), out var n)) list.Add(n);
            else throw Bad($"argument '{name}' must hold integers");
        }
        return list;
    }

    public int Row(string name) => Check(Int(name), Cells.MaxRow, name);
    public int Col(string name) => Check(Int(name), Cells.MaxCol, name);

    private int Check(int value, int max, string name) =>
        value >= 0 && value <= max ? value : throw Bad($"argument '{name}' = {value} is outside 0..{max}");

    public CellRange Range()
    {
        var r1 = Row("first_row");
        var c1 = Col("first_col");
        var r2 = Row("last_row");
        var c2 = Col("last_col");
        return new CellRange(Math.Min(r1, r2), Math.Min(c1, c2), Math.Max(r1, r2), Math.Max(c1, c2));
    }
}

/// <summary>The ops of docs/protocol.md ("Module excel", Ops), applied to the model in order.</summary>
internal static class Ops
{
    public static void Apply(Workbook book, JsonElement ops)
    {
        if (ops.ValueKind != JsonValueKind.Array) throw BridgeException.Usage("excel.write: 'ops' must be an array");
        var n = 0;
        foreach (var op in ops.EnumerateArray())
        {
            n++;
            if (op.ValueKind != JsonValueKind.Array || op.GetArrayLength() is < 2 or > 3)
                throw BridgeException.Usage($"excel.write: op {n} must be [target, name, args]");
            var target = op[0];
            var name = op[1].ValueKind == JsonValueKind.String ? op[1].GetString()! : throw BridgeException.Usage($"excel.write: op {n}: name must be a string");
            long index;
            if (target.ValueKind == JsonValueKind.Number && target.TryGetInt64(out index)) { }
            else if (target.ValueKind == JsonValueKind.String && long.TryParse(target.GetString(), out index)) { }
            else throw BridgeException.Usage($"excel.write: op {n} ('{name}'): target must be a worksheet index or -1");
            var args = new OpArgs(name, op.GetArrayLength() == 3 ? op[2] : default);
            if (index < 0) ApplyWorkbook(book, args);
            else ApplySheet(book, book.SheetAt(index, $"op '{name}'"), args);
        }
    }

    private static void ApplyWorkbook(Workbook book, OpArgs a)
    {
        switch (a.Op)
        {
            case "add_worksheet":
                book.AddSheet(a.TextOr("name"));
                break;
            case "set_properties":
                foreach (var key in PropertyNames)
                    if (a.Has(key)) book.Properties[key] = a.Text(key);
                break;
            case "define_name":
            {
                var name = a.Text("name");
                var formula = a.Text("formula");
                if (formula.StartsWith('=')) formula = formula[1..];
                int? local = null;
                var bang = name.LastIndexOf('!');
                if (bang > 0)
                {
                    var sheetName = name[..bang].Trim('\'').Replace("''", "'");
                    name = name[(bang + 1)..];
                    var sheet = book.Sheets.FirstOrDefault(s => s.Name == sheetName) ?? throw a.Bad($"no worksheet '{sheetName}'");
                    local = sheet.Index;
                }
                book.Names.Add((name, formula, local));
                break;
            }
            case "set_1904":
                book.Date1904 = a.Flag("on", true);
                break;
            default:
                throw a.Bad("unknown workbook op");
        }
    }

    private static readonly string[] PropertyNames =
        ["title", "subject", "author", "manager", "company", "category", "keywords", "comments", "status", "hyperlink_base"];

    private static void ApplySheet(Workbook book, Sheet sheet, OpArgs a)
    {
        switch (a.Op)
        {
            case "set_column":
            {
                var first = a.Col("first");
                var last = a.Col("last");
                if (first > last) (first, last) = (last, first);
                var info = new ColumnInfo(a.NumberOr("width"), a.Int("format", 0), a.Flag("hidden"), Math.Clamp(a.Int("level", 0), 0, 7));
                for (var c = first; c <= last; c++)
                {
                    sheet.ColumnSettings[c] = info;
                    if (info.Format != 0) sheet.ColumnFormats[c] = info.Format;
                }
                break;
            }
            case "set_row":
                sheet.Rows[a.Row("row")] = new RowInfo(a.NumberOr("height"), a.Int("format", 0), a.Flag("hidden"), Math.Clamp(a.Int("level", 0), 0, 7));
                break;
            case "merge_range":
            {
                var range = a.Range();
                if (range.FirstRow == range.LastRow && range.FirstCol == range.LastCol)
                    throw a.Bad("a merged range must span more than one cell");
                sheet.Merges.Add(range);
                // As native: the other cells of the range are blanks with the range's format, so
                // borders and fills cover the whole merge.
                var format = a.Int("format", 0);
                for (var r = range.FirstRow; r <= range.LastRow; r++)
                    for (var c = range.FirstCol; c <= range.LastCol; c++)
                        if ((r, c) != (range.FirstRow, range.FirstCol))
                            book.WriteCell(sheet, r, c, 'b', format, "", "");
                break;
            }
            case "freeze_panes":
            {
                var row = a.Row("row");
                var col = a.Col("col");
                sheet.Pane = new Pane { Kind = PaneKind.Frozen, Row = row, Col = col, TopRow = a.Int("top_row", row), LeftCol = a.Int("left_col", col) };
                break;
            }
            case "split_panes":
            {
                var y = a.Number("y");
                var x = a.Number("x");
                sheet.Pane = new Pane { Kind = PaneKind.Split, Row = y, Col = x, TopRow = a.Int("top_row", -1), LeftCol = a.Int("left_col", -1) };
                break;
            }
            case "autofilter":
                sheet.AutoFilter = a.Range();
                break;
            case "hide_gridlines":
                sheet.Gridlines = a.Int("option", 1);
                break;
            case "set_landscape":
                sheet.Orientation = 1;
                break;
            case "set_portrait":
                sheet.Orientation = 0;
                break;
            case "set_paper":
                sheet.Paper = a.Int("index");
                break;
            case "set_margins":
                if (a.Has("left")) sheet.MarginLeft = a.Number("left");
                if (a.Has("right")) sheet.MarginRight = a.Number("right");
                if (a.Has("top")) sheet.MarginTop = a.Number("top");
                if (a.Has("bottom")) sheet.MarginBottom = a.Number("bottom");
                break;
            case "repeat_rows":
            {
                var first = a.Row("first");
                var last = a.Has("last") ? a.Row("last") : first;
                sheet.RepeatRows = (Math.Min(first, last), Math.Max(first, last));
                break;
            }
            case "repeat_columns":
            {
                var first = a.Col("first");
                var last = a.Has("last") ? a.Col("last") : first;
                sheet.RepeatColumns = (Math.Min(first, last), Math.Max(first, last));
                break;
            }
            case "set_header":
                sheet.Header = a.TextOr("text") ?? "";
                if (a.Has("margin")) sheet.MarginHeader = a.Number("margin");
                break;
            case "set_footer":
                sheet.Footer = a.TextOr("text") ?? "";
                if (a.Has("margin")) sheet.MarginFooter = a.Number("margin");
                break;
            case "fit_to_pages":
                sheet.FitToPages = (a.Int("width", 1), a.Int("height", 1));
                break;
            case "set_tab_color":
                sheet.TabColor = Styles.Argb(a.Text("color")) ?? throw a.Bad("color must be #RRGGBB");
                break;
            case "activate":
                book.ActiveSheet = sheet.Index;
                sheet.Selected = true;
                sheet.Hidden = false;
                break;
            case "select":
                sheet.Selected = true;
                sheet.Hidden = false;
                break;
            case "hide":
                // As native: hiding a sheet makes the first sheet the active one again.
                sheet.Hidden = true;
                sheet.Selected = false;
                book.ActiveSheet = 0;
                break;
            case "protect":
                Protect(sheet, a);
                break;
            case "set_zoom":
            {
                var scale = a.Int("scale");
                sheet.Zoom = scale is < 10 or > 400 ? 100 : scale;
                break;
            }
            case "set_selection":
                sheet.Selection = new CellRange(a.Row("first_row"), a.Col("first_col"),
                    a.Has("last_row") ? a.Row("last_row") : a.Row("first_row"), a.Has("last_col") ? a.Col("last_col") : a.Col("first_col"));
                break;
            case "data_validation":
                sheet.Validations.Add((a.Range(), a.Object("options")));
                break;
            case "conditional_format":
                sheet.Conditionals.Add((a.Range(), a.Object("options")));
                break;
            case "insert_image":
                sheet.Images.Add(Images.Load(a, a.Row("row"), a.Col("col"), a.Text("filename"), a.Object("options", required: false)));
                break;
            case "print_area":
                sheet.PrintArea = a.Range();
                break;
            case "center_horizontally": sheet.CenterHorizontally = true; break;
            case "center_vertically": sheet.CenterVertically = true; break;
            case "print_row_col_headers": sheet.PrintHeadings = a.Flag("on", true); break;
            case "print_across": sheet.PrintAcross = true; break;
            case "print_black_and_white": sheet.BlackAndWhite = true; break;
            case "hide_zero": sheet.HideZero = true; break;
            case "outline_settings":
                sheet.Outline = new OutlineSettings(a.Flag("visible", true), a.Flag("symbols_below", true),
                    a.Flag("symbols_right", true), a.Flag("auto_style"));
                break;
            case "right_to_left": sheet.RightToLeft = true; break;
            case "set_page_view": sheet.PageView = true; break;
            case "hide_row_col_headers": sheet.HideHeaders = true; break;
            case "set_print_scale":
            {
                var scale = a.Int("scale");
                sheet.PrintScale = scale is < 10 or > 400 ? 100 : scale;
                break;
            }
            case "set_start_page":
                sheet.StartPage = a.Int("start");
                break;
            case "set_h_pagebreaks":
                sheet.RowBreaks.Clear();
                sheet.RowBreaks.AddRange(Breaks(a));
                break;
            case "set_v_pagebreaks":
                sheet.ColumnBreaks.Clear();
                sheet.ColumnBreaks.AddRange(Breaks(a));
                break;
            case "set_default_row":
                if (a.Has("height")) sheet.DefaultRowHeight = a.Number("height");
                sheet.DefaultRowHidden = a.Flag("hidden");
                break;
            case "set_first_sheet":
                book.FirstSheet = sheet.Index;
                sheet.Hidden = false;
                break;
            default:
                throw a.Bad("unknown worksheet op");
        }
    }

    /// <summary>
    /// protect(): which actions stay allowed. The XML names what is forbidden, so each option
    /// flips; the password is stored as the legacy 16-bit hash Excel checks.
    /// </summary>
    private static void Protect(Sheet sheet, OpArgs a)
    {
        var options = a.Object("options", required: false);
        var allowed = new Dictionary<string, int>
        {
            ["sheet"] = 1, ["content"] = 0, ["objects"] = 0, ["scenarios"] = 0, ["format_cells"] = 0, ["format_columns"] = 0,
            ["format_rows"] = 0, ["insert_columns"] = 0, ["insert_rows"] = 0, ["insert_hyperlinks"] = 0, ["delete_columns"] = 0,
            ["delete_rows"] = 0, ["select_locked_cells"] = 1, ["sort"] = 0, ["autofilter"] = 0, ["pivot_tables"] = 0,
            ["select_unlocked_cells"] = 1,
        };
        foreach (var (key, value) in options)
        {
            if (!allowed.ContainsKey(key)) throw a.Bad($"unknown protect option '{key}'");
            allowed[key] = Truth(value) ? 1 : 0;
        }
        sheet.Protection = allowed;
        var password = a.TextOr("password");
        sheet.ProtectionHash = string.IsNullOrEmpty(password) ? null : PasswordHash(password);
    }

    /// <summary>Page breaks: the rows or columns before which a page ends, in order, each once (0 is none, as native).</summary>
    private static IEnumerable<int> Breaks(OpArgs a)
    {
        var list = a.Has("breaks") ? a.Array("breaks") : [];
        return list.Where(b => b > 0).Distinct().Order().Take(1023);
    }

    /// <summary>A Perl truth value in a JSON node.</summary>
    internal static bool Truth(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s is not ("" or "0"),
        _ => true,
    };

    internal static string PasswordHash(string password)
    {
        var hash = 0;
        for (var i = password.Length - 1; i >= 0; i--)
        {
            hash = ((hash >> 14) & 0x01) | ((hash << 1) & 0x7fff);
            hash ^= password[i];
        }
        hash = ((hash >> 14) & 0x01) | ((hash << 1) & 0x7fff);
        hash ^= password.Length;
        hash ^= 0xCE4B;
        return hash.ToString("X4", CultureInfo.InvariantCulture);
    }
}
