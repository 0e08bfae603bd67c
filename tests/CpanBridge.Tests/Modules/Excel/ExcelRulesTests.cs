using System.Text.Json.Nodes;
using CpanBridge.Tests.Support;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using static CpanBridge.Tests.Modules.Excel.ExcelTestKit;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace CpanBridge.Tests.Modules.Excel;

/// <summary>data_validation, conditional_format and insert_image.</summary>
public class ExcelRulesTests
{
    private static JsonObject O(params (string Key, JsonNode? Value)[] pairs)
    {
        var o = new JsonObject();
        foreach (var (k, v) in pairs) o[k] = v;
        return o;
    }

    private static JsonArray Range(int r1, int c1, int r2, int c2, string op, JsonObject options) =>
        Op(0, op, O(("first_row", r1), ("first_col", c1), ("last_row", r2), ("last_col", c2), ("options", options)));

    [Fact]
    public async Task Data_validation_types_criteria_lists_and_messages()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"),
            Range(0, 0, 9, 0, "data_validation", O(("validate", "integer"), ("criteria", "between"), ("minimum", 1), ("maximum", 10),
                ("input_title", "Enter"), ("input_message", "1 to 10"), ("error_type", "warning"), ("error_message", "bad"))),
            Range(0, 1, 0, 1, "data_validation", O(("validate", "list"), ("source", new JsonArray("open", "high", "close")))),
            Range(0, 2, 0, 2, "data_validation", O(("validate", "list"), ("value", "=$E$1:$E$5"), ("dropdown", 0))),
            Range(0, 3, 0, 3, "data_validation", O(("validate", "date"), ("criteria", ">"), ("value", "2026-01-01T"))),
            Range(0, 4, 0, 4, "data_validation", O(("validate", "custom"), ("value", "=AND(A1>0,B1<5)"), ("ignore_blank", 0))),
            Range(0, 5, 0, 5, "data_validation", O(("validate", "length"), ("criteria", "<="), ("value", 8))),
        ], null);
        AssertValid(path);
        using var doc = Read(path);
        var dv = Sheet(doc, 0).Descendants<DataValidation>().ToList();
        Assert.Equal(6, dv.Count);
        Assert.Equal(DataValidationValues.Whole, dv[0].Type!.Value);
        Assert.Null(dv[0].Operator);
        Assert.Equal("1", dv[0].Formula1!.Text);
        Assert.Equal("10", dv[0].Formula2!.Text);
        Assert.Equal("A1:A10", dv[0].SequenceOfReferences!.InnerText);
        Assert.Equal(DataValidationErrorStyleValues.Warning, dv[0].ErrorStyle!.Value);
        Assert.Equal("Enter", dv[0].PromptTitle!.Value);
        Assert.True(dv[0].AllowBlank!.Value);
        Assert.True(dv[0].ShowInputMessage!.Value);
        Assert.Equal("\"open,high,close\"", dv[1].Formula1!.Text);
        Assert.Equal("$E$1:$E$5", dv[2].Formula1!.Text);
        Assert.True(dv[2].ShowDropDown!.Value);
        Assert.Equal(DataValidationOperatorValues.GreaterThan, dv[3].Operator!.Value);
        Assert.Equal("46023", dv[3].Formula1!.Text);
        Assert.Equal("AND(A1>0,B1<5)", dv[4].Formula1!.Text);
        Assert.Null(dv[4].AllowBlank);
        Assert.Equal(DataValidationOperatorValues.LessThanOrEqual, dv[5].Operator!.Value);
    }

    [Fact]
    public async Task Conditional_formats_use_differential_formats_and_rising_priorities()
    {
        using var bridge = new TestBridge();
        var formats = new JsonObject
        {
            ["1"] = new JsonObject { ["bold"] = 1, ["color"] = "#9C0006", ["bg_color"] = "#FFC7CE" },
            ["2"] = new JsonObject { ["num_format"] = "0.0%", ["border"] = 1 },
        };
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"),
            Range(0, 0, 9, 0, "conditional_format", O(("type", "cell"), ("criteria", ">="), ("value", 50), ("format", 1))),
            Range(0, 1, 9, 1, "conditional_format", O(("type", "cell"), ("criteria", "between"), ("minimum", 1), ("maximum", 5), ("format", 2))),
            Range(0, 2, 9, 2, "conditional_format", O(("type", "text"), ("criteria", "containing"), ("value", "err"), ("format", 1))),
            Range(0, 3, 9, 3, "conditional_format", O(("type", "formula"), ("criteria", "=$A1>5"), ("format", 1))),
            Range(0, 4, 9, 4, "conditional_format", O(("type", "top"), ("value", 5), ("criteria", "%"), ("format", 1))),
            Range(0, 5, 9, 5, "conditional_format", O(("type", "3_color_scale"))),
            Range(0, 6, 9, 6, "conditional_format", O(("type", "data_bar"), ("bar_color", "#FF0000"))),
            Range(0, 7, 9, 7, "conditional_format", O(("type", "duplicate"), ("format", 1))),
            Range(0, 8, 9, 8, "conditional_format", O(("type", "average"), ("criteria", "below"), ("format", 1))),
            Range(0, 9, 9, 9, "conditional_format", O(("type", "time_period"), ("criteria", "last 7 days"), ("format", 1))),
            Range(0, 10, 9, 10, "conditional_format", O(("type", "blanks"), ("format", 1))),
            Range(0, 11, 9, 11, "conditional_format", O(("type", "icon_set"), ("icon_style", "4_arrows"), ("reverse_icons", 1),
                ("icons", new JsonArray(O(("criteria", ">"), ("type", "number"), ("value", 90)))))),
            Range(0, 12, 9, 12, "conditional_format", O(("type", "icon_set"), ("icon_style", "3_traffic_lights"))),
        ], formats);
        AssertValid(path);
        using var doc = Read(path);
        var rules = Sheet(doc, 0).Descendants<ConditionalFormattingRule>().ToList();
        Assert.Equal(Enumerable.Range(1, 13), rules.Select(r => r.Priority!.Value));
        var arrows = rules[11].GetFirstChild<IconSet>()!;
        Assert.Equal(IconSetValues.FourArrows, arrows.IconSetValue!.Value);
        Assert.True(arrows.Reverse!.Value);
        Assert.Equal(["percent:0", "percent:25", "percent:50", "num:90"],
            arrows.Elements<ConditionalFormatValueObject>().Select(c => $"{c.Type!.InnerText}:{c.Val!.Value}").ToArray());
        Assert.False(arrows.Elements<ConditionalFormatValueObject>().Last().GreaterThanOrEqual!.Value);
        Assert.Null(rules[12].GetFirstChild<IconSet>()!.IconSetValue);
        Assert.Equal(ConditionalFormatValues.CellIs, rules[0].Type!.Value);
        Assert.Equal(ConditionalFormattingOperatorValues.GreaterThanOrEqual, rules[0].Operator!.Value);
        Assert.Equal("50", rules[0].Elements<Formula>().Single().Text);
        Assert.Equal(2, rules[1].Elements<Formula>().Count());
        Assert.Equal("NOT(ISERROR(SEARCH(\"err\",C1)))", rules[2].Elements<Formula>().Single().Text);
        Assert.Equal("$A1>5", rules[3].Elements<Formula>().Single().Text);
        Assert.True(rules[4].Percent!.Value);
        Assert.Equal(5u, rules[4].Rank!.Value);
        Assert.Equal(3, rules[5].GetFirstChild<ColorScale>()!.Elements<Color>().Count());
        Assert.Equal("FFFF0000", rules[6].GetFirstChild<DataBar>()!.GetFirstChild<Color>()!.Rgb!.Value);
        Assert.Equal(ConditionalFormatValues.DuplicateValues, rules[7].Type!.Value);
        Assert.False(rules[8].AboveAverage!.Value);
        Assert.Equal(TimePeriodValues.Last7Days, rules[9].TimePeriod!.Value);
        Assert.Equal("LEN(TRIM(K1))=0", rules[10].Elements<Formula>().Single().Text);
        Assert.Equal(rules[0].FormatId!.Value, rules[2].FormatId!.Value);
        var dxfs = doc.WorkbookPart!.WorkbookStylesPart!.Stylesheet.DifferentialFormats!.Elements<DifferentialFormat>().ToList();
        Assert.Equal(2, dxfs.Count);
        var first = dxfs[(int)rules[0].FormatId!.Value];
        Assert.NotNull(first.Font!.GetFirstChild<Bold>());
        Assert.Equal("FFFFC7CE", first.Fill!.PatternFill!.BackgroundColor!.Rgb!.Value);
        Assert.Equal("0.0%", dxfs[(int)rules[1].FormatId!.Value].NumberingFormat!.FormatCode!.Value);
    }

    // A 1x1 PNG, and the header of a 40x30 JPEG stored at 72 dpi (enough for the size probe).
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
    private static readonly byte[] Jpeg =
    [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x01, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00,
        0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x1E, 0x00, 0x28, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9,
    ];

    [Fact]
    public async Task Images_are_embedded_with_a_drawing_anchored_at_their_cell()
    {
        using var bridge = new TestBridge();
        var png = Path.Combine(bridge.Directory, "logo.png");
        var jpg = Path.Combine(bridge.Directory, "photo.jpg");
        File.WriteAllBytes(png, Png);
        File.WriteAllBytes(jpg, Jpeg);
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"), Op(-1, "add_worksheet"),
            Op(0, "insert_image", O(("row", 1), ("col", 2), ("filename", png), ("options", O(("x_scale", 10), ("y_scale", 20), ("x_offset", 3))))),
            Op(0, "insert_image", O(("row", 5), ("col", 0), ("filename", jpg))),
            Op(1, "insert_image", O(("row", 0), ("col", 0), ("filename", png))),
        ], null, new Rec(0, 0, 0, 's', 0, "x"));
        AssertValid(path);
        using var doc = Read(path);
        var drawing = SheetPart(doc, 0).DrawingsPart!;
        var anchors = drawing.WorksheetDrawing.Elements<Xdr.OneCellAnchor>().ToList();
        Assert.Equal(2, anchors.Count);
        Assert.Equal("2", anchors[0].FromMarker!.ColumnId!.Text);
        Assert.Equal("1", anchors[0].FromMarker!.RowId!.Text);
        Assert.Equal((3 * 9525).ToString(), anchors[0].FromMarker!.ColumnOffset!.Text);
        Assert.Equal(10 * 9525, anchors[0].Extent!.Cx!.Value);
        Assert.Equal(20 * 9525, anchors[0].Extent!.Cy!.Value);
        // 40x30 px at 72 dpi shows as 53x40 px at Excel's 96.
        Assert.Equal(53 * 9525, anchors[1].Extent!.Cx!.Value);
        Assert.Equal(40 * 9525, anchors[1].Extent!.Cy!.Value);
        Assert.Equal(2, drawing.ImageParts.Count());
        Assert.Contains(drawing.ImageParts, p => p.ContentType == "image/jpeg");
        Assert.NotNull(SheetPart(doc, 1).DrawingsPart);

        var client = bridge.Connect();
        var handle = await Open(client, Path.Combine(bridge.Directory, "noimage.xlsx"));
        var text = Path.Combine(bridge.Directory, "notes.txt");
        File.WriteAllText(text, "not an image");
        var bad = await Fail(client, "write", new JsonObject
        {
            ["handle"] = handle,
            ["ops"] = new JsonArray(Op(-1, "add_worksheet"), Op(0, "insert_image", O(("row", 0), ("col", 0), ("filename", text)))),
        });
        Assert.Equal("E_USAGE", bad["code"]!.GetValue<string>());
        Assert.Contains("insert_image", bad["error"]!.GetValue<string>());
    }
}
