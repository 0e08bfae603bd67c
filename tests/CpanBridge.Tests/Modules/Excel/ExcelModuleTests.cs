using System.Text.Json.Nodes;
using CpanBridge.Tests.Support;
using DocumentFormat.OpenXml.Spreadsheet;
using static CpanBridge.Tests.Modules.Excel.ExcelTestKit;

namespace CpanBridge.Tests.Modules.Excel;

/// <summary>The excel module through the in-memory bridge, as the drop-in calls it.</summary>
public class ExcelModuleTests
{
    private static string[] Files(TestBridge bridge) =>
        [.. Directory.GetFiles(bridge.Directory).Select(Path.GetFileName).Where(n => n!.Contains(".xlsx")).Select(n => n!)];

    [Fact]
    public async Task Open_write_close_builds_a_valid_file_only_at_close()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var path = Path.Combine(bridge.Directory, "report.xlsx");
        var handle = await Open(client, path);
        Assert.StartsWith("excel.workbook#", handle);
        Assert.False(File.Exists(path));
        var work = Assert.Single(Files(bridge));
        Assert.StartsWith(".report.xlsx.", work);

        await Write(client, handle, [Op(-1, "add_worksheet", new JsonObject { ["name"] = "Data" }), Op(-1, "add_worksheet")],
            new Rec(0, 0, 0, 's', 1, "Name"), new Rec(0, 0, 1, 's', 1, "Amount"),
            new Rec(0, 1, 0, 's', 0, "  padded  "), new Rec(0, 1, 1, 'n', 2, "1234.5"),
            new Rec(0, 2, 1, 'f', 0, "SUM(B2:B2)", ""), new Rec(0, 3, 1, 'f', 0, "B2*2", "2469"),
            new Rec(0, 4, 4, 'b', 2, ""), new Rec(0, 4, 5, 'b', 0, ""), new Rec(1, 0, 0, 'n', 0, "1e+20"));
        Assert.False(File.Exists(path));
        var closed = await Ok(client, "close", new JsonObject
        {
            ["handle"] = handle,
            ["formats"] = new JsonObject
            {
                ["1"] = new JsonObject { ["bold"] = 1, ["color"] = "#FFFFFF", ["bg_color"] = "#4472C4", ["align"] = "center", ["border"] = 1 },
                ["2"] = new JsonObject { ["num_format"] = "#,##0.00" },
            },
        });
        Assert.True(File.Exists(path));
        Assert.Equal(new FileInfo(path).Length, closed["bytes"]!.GetValue<long>());
        Assert.Equal(["report.xlsx"], Files(bridge));
        Assert.Equal("E_HANDLE", (await Fail(client, "write", new JsonObject { ["handle"] = handle }))["code"]!.GetValue<string>());

        AssertValid(path);
        using var doc = Read(path);
        var names = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!).ToArray();
        Assert.Equal(["Data", "Sheet2"], names);
        var sheet = Sheet(doc, 0);
        Assert.Equal("Name", Text(doc, sheet, "A1"));
        Assert.Equal("  padded  ", Text(doc, sheet, "A2"));
        Assert.Equal("1234.5", Text(doc, sheet, "B2"));
        Assert.Equal("SUM(B2:B2)", CellAt(sheet, "B3")!.CellFormula!.Text);
        Assert.Equal("0", CellAt(sheet, "B3")!.CellValue!.Text);
        Assert.Equal("2469", CellAt(sheet, "B4")!.CellValue!.Text);
        Assert.NotNull(CellAt(sheet, "E5"));
        Assert.Null(CellAt(sheet, "F5"));
        Assert.Equal("A1:F5", sheet.GetFirstChild<SheetDimension>()!.Reference!.Value);
        Assert.Equal("1E+20", Text(doc, Sheet(doc, 1), "A1"));

        var styles = doc.WorkbookPart.WorkbookStylesPart!.Stylesheet;
        var header = Xf(doc, CellAt(sheet, "A1")!);
        Assert.Same(header.Parent, Xf(doc, CellAt(sheet, "B1")!).Parent);
        Assert.Equal(CellAt(sheet, "A1")!.StyleIndex!.Value, CellAt(sheet, "B1")!.StyleIndex!.Value);
        var font = styles.Fonts!.Elements<Font>().ElementAt((int)header.FontId!.Value);
        Assert.NotNull(font.Bold);
        Assert.Equal("FFFFFFFF", font.Color!.Rgb!.Value);
        var fill = styles.Fills!.Elements<Fill>().ElementAt((int)header.FillId!.Value).PatternFill!;
        Assert.Equal(PatternValues.Solid, fill.PatternType!.Value);
        Assert.Equal("FF4472C4", fill.ForegroundColor!.Rgb!.Value);
        Assert.Equal(HorizontalAlignmentValues.Center, header.Alignment!.Horizontal!.Value);
        var border = styles.Borders!.Elements<Border>().ElementAt((int)header.BorderId!.Value);
        Assert.Equal(BorderStyleValues.Thin, border.LeftBorder!.Style!.Value);
        var money = Xf(doc, CellAt(sheet, "B2")!);
        Assert.Equal(164u, money.NumberFormatId!.Value);
        Assert.Equal("#,##0.00", styles.NumberingFormats!.Elements<NumberingFormat>().Single().FormatCode!.Value);
        var defaultFont = styles.Fonts.Elements<Font>().First();
        Assert.Equal("Calibri", defaultFont.FontName!.Val!.Value);
        Assert.Equal(11, defaultFont.FontSize!.Val!.Value);
    }

    [Fact]
    public async Task A_handle_closed_without_close_or_a_lost_client_leaves_no_file()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var path = Path.Combine(bridge.Directory, "dropped.xlsx");
        var handle = await Open(client, path);
        await Write(client, handle, [Op(-1, "add_worksheet")], new Rec(0, 0, 0, 's', 0, "x"));
        Assert.Single(Files(bridge));
        await client.CloseAsync();
        Assert.Empty(Files(bridge));

        var other = bridge.Connect();
        await Open(other, path);
        Assert.Single(Files(bridge));
        other.Session.Handles.DisposeAll();
        Assert.Empty(Files(bridge));
    }

    [Fact]
    public async Task Open_fails_with_errno_and_perl_text_when_the_directory_takes_no_file()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var missing = await Fail(client, "workbook_open", new JsonObject { ["filename"] = "/nonexistent/dir/x.xlsx" });
        Assert.Equal("E_NATIVE", missing["code"]!.GetValue<string>());
        Assert.Equal(2, missing["data"]!["errno"]!.GetValue<int>());
        Assert.Equal("No such file or directory", missing["data"]!["error"]!.GetValue<string>());

        var locked = Path.Combine(bridge.Directory, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (Environment.UserName != "root")
            {
                var denied = await Fail(client, "workbook_open", new JsonObject { ["filename"] = Path.Combine(locked, "x.xlsx") });
                Assert.Equal(13, denied["data"]!["errno"]!.GetValue<int>());
                Assert.Equal("Permission denied", denied["data"]!["error"]!.GetValue<string>());
            }
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var relative = await Fail(client, "workbook_open", new JsonObject { ["filename"] = "x.xlsx" });
        Assert.Equal("E_USAGE", relative["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_close_that_cannot_rename_fails_with_errno_and_leaves_no_work_file()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var path = Path.Combine(bridge.Directory, "taken.xlsx");
        var handle = await Open(client, path);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep"), "a non-empty directory cannot be renamed over");
        var failed = await Fail(client, "close", new JsonObject { ["handle"] = handle });
        Assert.Equal("E_NATIVE", failed["code"]!.GetValue<string>());
        Assert.Equal(21, failed["data"]!["errno"]!.GetValue<int>());
        Assert.Equal("Is a directory", failed["data"]!["error"]!.GetValue<string>());
        Assert.Empty(Files(bridge).Where(f => f.StartsWith('.')));
        Assert.Equal("E_HANDLE", (await Fail(client, "close", new JsonObject { ["handle"] = handle }))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cells_in_any_order_are_sorted_and_the_last_write_wins()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge, [Op(-1, "add_worksheet")], null,
            new Rec(0, 9, 3, 'n', 0, "4"), new Rec(0, 0, 2, 's', 0, "first"), new Rec(0, 9, 0, 'n', 0, "1"),
            new Rec(0, 0, 2, 's', 0, "second"), new Rec(0, 0, 0, 'n', 0, "0"), new Rec(0, 9, 3, 's', 0, "last"));
        AssertValid(path);
        using var doc = Read(path);
        var sheet = Sheet(doc, 0);
        var refs = sheet.Descendants<Cell>().Select(c => c.CellReference!.Value!).ToArray();
        Assert.Equal(["A1", "C1", "A10", "D10"], refs);
        Assert.Equal("second", Text(doc, sheet, "C1"));
        Assert.Equal("last", Text(doc, sheet, "D10"));
        Assert.Equal(["1", "10"], sheet.Descendants<Row>().Select(r => r.RowIndex!.Value.ToString()).ToArray());
    }

    [Fact]
    public async Task Bad_ops_and_records_are_usage_errors_naming_them()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var handle = await Open(client, Path.Combine(bridge.Directory, "bad.xlsx"));
        var unknown = await Fail(client, "write", new JsonObject { ["handle"] = handle, ["ops"] = new JsonArray(Op(-1, "add_chart")) });
        Assert.Equal("E_USAGE", unknown["code"]!.GetValue<string>());
        Assert.Contains("add_chart", unknown["error"]!.GetValue<string>());
        var noSheet = await Fail(client, "write", new JsonObject { ["handle"] = handle, ["ops"] = new JsonArray(Op(3, "set_zoom", new JsonObject { ["scale"] = 50 })) });
        Assert.Contains("set_zoom", noSheet["error"]!.GetValue<string>());
        await Write(client, handle, [Op(-1, "add_worksheet")]);
        var badArg = await Fail(client, "write", new JsonObject { ["handle"] = handle, ["ops"] = new JsonArray(Op(0, "set_row", new JsonObject { ["row"] = 2_000_000 })) });
        Assert.Contains("set_row", badArg["error"]!.GetValue<string>());
        var badRow = await Fail(client, "write", new JsonObject { ["handle"] = handle }, Pack(new Rec(0, 1_048_576, 0, 'n', 0, "1")));
        Assert.Equal("E_USAGE", badRow["code"]!.GetValue<string>());
        var truncated = await Fail(client, "write", new JsonObject { ["handle"] = handle }, Pack(new Rec(0, 1, 0, 's', 0, "abc"))[..^2]);
        Assert.Equal("E_USAGE", truncated["code"]!.GetValue<string>());
        var badNumber = await Fail(client, "write", new JsonObject { ["handle"] = handle }, Pack(new Rec(0, 1, 0, 'n', 0, "abc")));
        Assert.Equal("E_USAGE", badNumber["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Raw_api_of_the_user_guide_works_on_the_current_workbook()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var path = Path.Combine(bridge.Directory, "raw.xlsx");
        var created = await Ok(client, "create_workbook", new JsonObject { ["filename"] = path });
        Assert.Equal(path, created["filename"]!.GetValue<string>());
        var sheet = await Ok(client, "add_worksheet", new JsonObject { ["sheet_name"] = "Sales Data" });
        Assert.Equal("Sales Data", sheet["sheet_name"]!.GetValue<string>());
        for (var row = 0; row < 10; row++)
        {
            await Ok(client, "write_cell", new JsonObject { ["row"] = row, ["col"] = 0, ["value"] = $"Item {row}" });
            await Ok(client, "write_cell", new JsonObject { ["row"] = row, ["col"] = 1, ["value"] = row * 100 });
        }
        Assert.False(File.Exists(path));
        var saved = await Ok(client, "save_workbook", new JsonObject());
        Assert.Equal(path, saved["filename"]!.GetValue<string>());
        AssertValid(path);
        using var doc = Read(path);
        var ws = Sheet(doc, 0);
        Assert.Equal("Item 9", Text(doc, ws, "A10"));
        Assert.Equal("900", Text(doc, ws, "B10"));
        Assert.Null(CellAt(ws, "B10")!.DataType);
        var again = await Fail(client, "write_cell", new JsonObject { ["row"] = 0, ["col"] = 0, ["value"] = 1 });
        Assert.Equal("E_USAGE", again["code"]!.GetValue<string>());
    }

    /// <summary>
    /// 1M cells (half unique strings) through the module: the model's managed size and this
    /// process's peak RSS. Slow (~10 s), so only with CPAN_BRIDGE_EXCEL_BIG=1; the daemon's own
    /// figure comes from bench/excel-daemon-rss.pl.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_million_cells_fit_the_memory_budget()
    {
        if (Environment.GetEnvironmentVariable("CPAN_BRIDGE_EXCEL_BIG") != "1") return;
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var path = Path.Combine(bridge.Directory, "big.xlsx");
        var before = GC.GetTotalMemory(true);
        var handle = await Open(client, path);
        await Write(client, handle, [Op(-1, "add_worksheet")]);
        var batch = new System.Buffers.ArrayBufferWriter<byte>(1 << 20);
        for (var row = 0; row < 100_000; row++)
        {
            for (var col = 0; col < 10; col++)
                Append(batch, col % 2 == 0 ? new Rec(0, row, col, 's', 0, $"text {row} {col}") : new Rec(0, row, col, 'n', 0, (row * 10 + col).ToString()));
            if (row % 7000 == 6999 || row == 99_999)
            {
                await Ok(client, "write", new JsonObject { ["handle"] = handle }, batch.WrittenSpan.ToArray());
                batch.ResetWrittenCount();
            }
        }
        var model = GC.GetTotalMemory(true) - before;
        await Ok(client, "close", new JsonObject { ["handle"] = handle });
        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:"));
        Console.WriteLine($"excel 1M cells: model {model >> 20} MB managed, test process {peak}, file {new FileInfo(path).Length >> 20} MB");
        Assert.True(model < 150L << 20, $"model {model >> 20} MB");
        using var doc = Read(path);
        Assert.Equal("text 99999 8", Text(doc, Sheet(doc, 0), "I100000"));
    }
}
