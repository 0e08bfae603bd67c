using System.Text.Json.Nodes;
using CpanBridge.Tests.Support;
using DocumentFormat.OpenXml.Spreadsheet;
using static CpanBridge.Tests.Modules.Excel.ExcelTestKit;

namespace CpanBridge.Tests.Modules.Excel;

/// <summary>Each op's XML, read back with the SDK; every file also validates against the schema.</summary>
public class ExcelOpsTests
{
    private static JsonObject A(params (string Key, JsonNode? Value)[] pairs)
    {
        var o = new JsonObject();
        foreach (var (k, v) in pairs) o[k] = v;
        return o;
    }

    [Fact]
    public async Task Workbook_ops_properties_names_1904_and_sheet_order()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet", A(("name", "Data Sheet"))), Op(-1, "add_worksheet"),
            Op(-1, "set_properties", A(("title", "Report"), ("author", "Ops"), ("company", "ACME"), ("comments", "c"))),
            Op(-1, "define_name", A(("name", "Sales"), ("formula", "='Data Sheet'!$A$1:$A$3"))),
            Op(-1, "define_name", A(("name", "Sheet2!Local"), ("formula", "=Sheet2!$B$1"))),
            Op(-1, "set_1904"),
        ], null, new Rec(0, 0, 0, 'd', 0, "1904-01-02T"));
        AssertValid(path);
        using var doc = Read(path);
        Assert.Equal("Report", doc.PackageProperties.Title);
        Assert.Equal("Ops", doc.PackageProperties.Creator);
        Assert.Equal("c", doc.PackageProperties.Description);
        Assert.Contains("<Company>ACME</Company>", doc.ExtendedFilePropertiesPart!.Properties.OuterXml.Replace("ap:", ""));
        var workbook = doc.WorkbookPart!.Workbook;
        Assert.True(workbook.WorkbookProperties!.Date1904!.Value);
        var names = workbook.DefinedNames!.Elements<DefinedName>().ToList();
        Assert.Equal("'Data Sheet'!$A$1:$A$3", names.Single(n => n.Name == "Sales").Text);
        var local = names.Single(n => n.Name == "Local");
        Assert.Equal(1u, local.LocalSheetId!.Value);
        Assert.Equal("1", Text(doc, Sheet(doc, 0), "A1"));
    }

    [Fact]
    public async Task Columns_rows_and_merges()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"),
            Op(0, "set_column", A(("first", 0), ("last", 2), ("width", 20), ("format", 1))),
            Op(0, "set_column", A(("first", 1), ("last", 1), ("hidden", 1), ("level", 1))),
            Op(0, "set_row", A(("row", 0), ("height", 30), ("format", 1))),
            Op(0, "set_row", A(("row", 5), ("hidden", 1))),
            Op(0, "merge_range", A(("first_row", 2), ("first_col", 0), ("last_row", 3), ("last_col", 2), ("format", 1))),
            Op(0, "set_row", A(("row", 7), ("format", 2))),
            Op(0, "set_column", A(("first", 5), ("last", 5), ("format", 3))),
            Op(0, "set_column", A(("first", 5), ("last", 5), ("width", 30))),
        ], new JsonObject { ["1"] = new JsonObject { ["bold"] = 1, ["border"] = 1 }, ["2"] = new JsonObject { ["italic"] = 1 },
            ["3"] = new JsonObject { ["diag_type"] = 3, ["diag_color"] = "#FF6600", ["font_outline"] = 1, ["font_shadow"] = 1 } },
            new Rec(0, 2, 0, 's', 1, "Merged"), new Rec(0, 7, 5, 's', 0, "row wins"), new Rec(0, 8, 5, 's', 0, "column"),
            new Rec(0, 8, 6, 's', 0, "plain"), new Rec(0, 7, 6, 's', 1, "own"));
        AssertValid(path);
        using var doc = Read(path);
        var sheet = Sheet(doc, 0);
        var cols = sheet.GetFirstChild<Columns>()!.Elements<Column>().ToList();
        Assert.Equal(["1-1", "2-2", "3-3", "6-6"], cols.Select(c => $"{c.Min!.Value}-{c.Max!.Value}").ToArray());
        Assert.Equal(20.7109375, cols[0].Width!.Value, 6);
        Assert.True(cols[0].CustomWidth!.Value);
        Assert.True(cols[1].Hidden!.Value);
        Assert.Equal(1, cols[1].OutlineLevel!.Value);
        Assert.NotEqual(0u, cols[0].Style!.Value);
        var rows = sheet.Descendants<Row>().ToDictionary(r => r.RowIndex!.Value);
        Assert.Equal(30, rows[1].Height!.Value);
        Assert.True(rows[1].CustomHeight!.Value);
        Assert.True(rows[1].CustomFormat!.Value);
        Assert.True(rows[6].Hidden!.Value);
        Assert.Equal("A3:C4", sheet.Descendants<MergeCell>().Single().Reference!.Value);
        // The merged area's other cells carry the format, as native writes them.
        Assert.Equal(CellAt(sheet, "A3")!.StyleIndex!.Value, CellAt(sheet, "C4")!.StyleIndex!.Value);
        Assert.Equal(6, sheet.Descendants<Cell>().Count(c => c.CellReference!.Value![1] is '3' or '4'));
        // Unformatted cells show their row's format, else their column's, as native writes them.
        Assert.Equal(rows[8].StyleIndex!.Value, CellAt(sheet, "F8")!.StyleIndex!.Value);
        Assert.Equal(CellAt(sheet, "A3")!.StyleIndex!.Value, CellAt(sheet, "G8")!.StyleIndex!.Value);
        Assert.Null(CellAt(sheet, "G9")!.StyleIndex);
        var columnXf = Xf(doc, CellAt(sheet, "F9")!);
        var styles = doc.WorkbookPart!.WorkbookStylesPart!.Stylesheet;
        var diagonal = styles.Borders!.Elements<Border>().ElementAt((int)columnXf.BorderId!.Value);
        Assert.True(diagonal.DiagonalUp!.Value);
        Assert.True(diagonal.DiagonalDown!.Value);
        Assert.Equal(BorderStyleValues.Thin, diagonal.DiagonalBorder!.Style!.Value);
        Assert.Equal("FFFF6600", diagonal.DiagonalBorder.Color!.Rgb!.Value);
        var outlined = styles.Fonts!.Elements<Font>().ElementAt((int)columnXf.FontId!.Value);
        Assert.NotNull(outlined.Outline);
        Assert.NotNull(outlined.Shadow);
    }

    [Fact]
    public async Task Freeze_and_split_panes_selection_zoom_gridlines_tab_color()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"), Op(-1, "add_worksheet"), Op(-1, "add_worksheet"), Op(-1, "add_worksheet"),
            Op(0, "freeze_panes", A(("row", 1), ("col", 0))),
            Op(1, "freeze_panes", A(("row", 2), ("col", 3), ("top_row", 10), ("left_col", 5))),
            Op(2, "split_panes", A(("y", 15), ("x", 8.43))),
            Op(3, "set_selection", A(("first_row", 1), ("first_col", 1), ("last_row", 4), ("last_col", 2))),
            Op(3, "set_zoom", A(("scale", 75))), Op(3, "hide_gridlines", A(("option", 2))), Op(3, "set_tab_color", A(("color", "#FF0000"))),
            Op(3, "activate"),
        ], null);
        AssertValid(path);
        using var doc = Read(path);
        var top = Sheet(doc, 0).Descendants<Pane>().Single();
        Assert.Equal(1, top.VerticalSplit!.Value);
        Assert.Null(top.HorizontalSplit);
        Assert.Equal("A2", top.TopLeftCell!.Value);
        Assert.Equal(PaneValues.BottomLeft, top.ActivePane!.Value);
        Assert.Equal(PaneStateValues.Frozen, top.State!.Value);
        var both = Sheet(doc, 1).Descendants<Pane>().Single();
        Assert.Equal("F11", both.TopLeftCell!.Value);
        Assert.Equal(3, both.HorizontalSplit!.Value);
        Assert.Equal(PaneValues.BottomRight, both.ActivePane!.Value);
        Assert.Equal(3, Sheet(doc, 1).Descendants<Selection>().Count());
        var split = Sheet(doc, 2).Descendants<Pane>().Single();
        Assert.Null(split.State);
        Assert.Equal(600, split.VerticalSplit!.Value);
        Assert.Equal(1350, split.HorizontalSplit!.Value);
        Assert.Equal("B2", split.TopLeftCell!.Value);
        Assert.Null(split.ActivePane);
        Assert.Equal(["topRight:B1", "bottomLeft:A2", "bottomRight:B2"],
            Sheet(doc, 2).Descendants<Selection>().Select(s => $"{s.Pane!.InnerText}:{s.ActiveCell!.Value}").ToArray());
        var view = Sheet(doc, 3).Descendants<SheetView>().Single();
        Assert.Equal(75u, view.ZoomScale!.Value);
        Assert.False(view.ShowGridLines!.Value);
        Assert.True(view.TabSelected!.Value);
        Assert.Equal("B2:C5", view.GetFirstChild<Selection>()!.SequenceOfReferences!.InnerText);
        Assert.Equal("FFFF0000", Sheet(doc, 3).SheetProperties!.TabColor!.Rgb!.Value);
        Assert.Equal(3u, doc.WorkbookPart!.Workbook.BookViews!.GetFirstChild<WorkbookView>()!.ActiveTab!.Value);
        Assert.Null(Sheet(doc, 0).Descendants<SheetView>().Single().TabSelected);
    }

    [Fact]
    public async Task Autofilter_and_print_titles_become_builtin_defined_names()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet", A(("name", "My Data"))),
            Op(0, "autofilter", A(("first_row", 0), ("first_col", 0), ("last_row", 9), ("last_col", 3))),
            Op(0, "repeat_rows", A(("first", 0), ("last", 1))),
            Op(0, "repeat_columns", A(("first", 0), ("last", 0))),
        ], null);
        AssertValid(path);
        using var doc = Read(path);
        Assert.Equal("A1:D10", Sheet(doc, 0).GetFirstChild<AutoFilter>()!.Reference!.Value);
        var names = doc.WorkbookPart!.Workbook.DefinedNames!.Elements<DefinedName>().ToDictionary(n => n.Name!.Value!);
        Assert.Equal("'My Data'!$A$1:$D$10", names["_xlnm._FilterDatabase"].Text);
        Assert.True(names["_xlnm._FilterDatabase"].Hidden!.Value);
        Assert.Equal(0u, names["_xlnm._FilterDatabase"].LocalSheetId!.Value);
        Assert.Equal("'My Data'!$A:$A,'My Data'!$1:$2", names["_xlnm.Print_Titles"].Text);
    }

    [Fact]
    public async Task Page_setup_margins_header_footer_fit_and_gridline_printing()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"), Op(-1, "add_worksheet"),
            Op(0, "set_landscape"), Op(0, "set_paper", A(("index", 9))),
            Op(0, "set_margins", A(("left", 0.5), ("right", 0.4), ("top", 1), ("bottom", 1.1))),
            Op(0, "set_header", A(("text", "&CReport & more"), ("margin", 0.2))), Op(0, "set_footer", A(("text", "&CPage &P of &N"))),
            Op(0, "fit_to_pages", A(("width", 1), ("height", 0))), Op(0, "hide_gridlines", A(("option", 0))),
            Op(1, "activate"), Op(1, "set_portrait"), Op(1, "hide"),
        ], null);
        AssertValid(path);
        using var doc = Read(path);
        var sheet = Sheet(doc, 0);
        var setup = sheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
        Assert.Equal(9u, setup.PaperSize!.Value);
        Assert.Equal(0u, setup.FitToHeight!.Value);
        Assert.Null(setup.FitToWidth);
        Assert.True(sheet.SheetProperties!.PageSetupProperties!.FitToPage!.Value);
        var margins = sheet.GetFirstChild<PageMargins>()!;
        Assert.Equal([0.5, 0.4, 1, 1.1, 0.2, 0.3], new[] { margins.Left!.Value, margins.Right!.Value, margins.Top!.Value, margins.Bottom!.Value, margins.Header!.Value, margins.Footer!.Value });
        Assert.Equal("&CReport & more", sheet.GetFirstChild<HeaderFooter>()!.OddHeader!.Text);
        Assert.Equal("&CPage &P of &N", sheet.GetFirstChild<HeaderFooter>()!.OddFooter!.Text);
        Assert.True(sheet.GetFirstChild<PrintOptions>()!.GridLines!.Value);
        Assert.Equal(OrientationValues.Portrait, Sheet(doc, 1).GetFirstChild<PageSetup>()!.Orientation!.Value);
        Assert.Equal(SheetStateValues.Hidden, doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ElementAt(1).State!.Value);
        // As native, hiding a sheet makes the first one active again.
        Assert.Null(doc.WorkbookPart!.Workbook.BookViews!.GetFirstChild<WorkbookView>()!.ActiveTab);
    }

    [Fact]
    public async Task Protect_writes_the_legacy_hash_and_what_stays_allowed()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"), Op(-1, "add_worksheet"),
            Op(0, "protect", A(("password", "password"), ("options", A(("format_cells", 1), ("select_locked_cells", 0))))),
            Op(1, "protect"),
        ], new JsonObject { ["1"] = new JsonObject { ["locked"] = 0, ["hidden"] = 1 } }, new Rec(0, 0, 0, 'n', 1, "1"));
        AssertValid(path);
        using var doc = Read(path);
        var p = Sheet(doc, 0).GetFirstChild<SheetProtection>()!;
        Assert.Equal("83AF", p.Password!.Value);
        Assert.True(p.Sheet!.Value);
        Assert.False(p.FormatCells!.Value);
        Assert.True(p.SelectLockedCells!.Value);
        Assert.True(p.Objects!.Value);
        var plain = Sheet(doc, 1).GetFirstChild<SheetProtection>()!;
        Assert.Null(plain.Password);
        Assert.Null(plain.FormatCells);
        var xf = Xf(doc, CellAt(Sheet(doc, 0), "A1")!);
        Assert.False(xf.Protection!.Locked!.Value);
        Assert.True(xf.Protection.Hidden!.Value);
    }

    [Fact]
    public async Task Cell_types_urls_dates_booleans_and_formula_results()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge, [Op(-1, "add_worksheet", A(("name", "S")))], null,
            new Rec(0, 0, 0, 'u', 0, "https://example.com/a?b=1&c=2"),
            new Rec(0, 1, 0, 'u', 0, "mailto:ops@example.com"),
            new Rec(0, 2, 0, 'u', 0, "internal:S!B5", "Go there"),
            new Rec(0, 10, 0, 'u', 0, "http://example.com/a b[1]#sec 2"), new Rec(0, 11, 0, 'u', 0, "external:c:/temp/x.xlsx#Sheet1!A1"),
            new Rec(0, 12, 0, 'u', 0, "http://example.com/%20x y"),
            new Rec(0, 3, 0, 'd', 0, "1900-02-28T"), new Rec(0, 3, 1, 'd', 0, "1900-03-01T"), new Rec(0, 3, 2, 'd', 0, "T12:00"),
            new Rec(0, 3, 3, 'd', 0, "2026-11-22T10:30:00.000"), new Rec(0, 3, 4, 'd', 0, "2026-13-01T"),
            new Rec(0, 4, 0, 'B', 0, "1"), new Rec(0, 4, 1, 'B', 0, "0"),
            new Rec(0, 5, 0, 'f', 0, "A1", "hello"), new Rec(0, 5, 3, 'f', 0, "=x", ""), new Rec(0, 5, 1, 'f', 0, "1=1", "TRUE"), new Rec(0, 5, 2, 'f', 0, "1/0", "#DIV/0!"),
            new Rec(0, 6, 0, 's', 0, "bell\u0007_x0041_"));
        AssertValid(path);
        using var doc = Read(path);
        var sheet = Sheet(doc, 0);
        Assert.Equal("https://example.com/a?b=1&c=2", Text(doc, sheet, "A1"));
        Assert.Equal("ops@example.com", Text(doc, sheet, "A2"));
        Assert.Equal("Go there", Text(doc, sheet, "A3"));
        var links = sheet.Descendants<Hyperlink>().ToList();
        var part = SheetPart(doc, 0);
        Assert.Equal(6, links.Count);
        Assert.Equal("Go there", links[2].Display!.Value);
        Assert.Equal("http://example.com/a%20b%5b1%5d", part.HyperlinkRelationships.Single(r => r.Id == links[3].Id).Uri.OriginalString);
        Assert.Equal("sec%202", links[3].Location!.Value);
        Assert.Equal(@"file:///c:\temp\x.xlsx", part.HyperlinkRelationships.Single(r => r.Id == links[4].Id).Uri.OriginalString);
        Assert.Equal("Sheet1!A1", links[4].Location!.Value);
        Assert.Equal(@"c:\temp\x.xlsx#Sheet1!A1", Text(doc, sheet, "A12"));
        Assert.Equal("http://example.com/%20x y", part.HyperlinkRelationships.Single(r => r.Id == links[5].Id).Uri.OriginalString);
        Assert.Equal("https://example.com/a?b=1&c=2", part.HyperlinkRelationships.Single(r => r.Id == links[0].Id).Uri.OriginalString);
        Assert.Equal("mailto:ops@example.com", part.HyperlinkRelationships.Single(r => r.Id == links[1].Id).Uri.OriginalString);
        Assert.Equal("S!B5", links[2].Location!.Value);
        Assert.Null(links[2].Id);
        var linkFont = doc.WorkbookPart!.WorkbookStylesPart!.Stylesheet.Fonts!.Elements<Font>().ElementAt((int)Xf(doc, CellAt(sheet, "A1")!).FontId!.Value);
        Assert.NotNull(linkFont.Underline);
        Assert.Equal("59", Text(doc, sheet, "A4"));
        Assert.Equal("61", Text(doc, sheet, "B4"));
        Assert.Equal("0.5", Text(doc, sheet, "C4"));
        Assert.Equal("46348.4375", Text(doc, sheet, "D4"));
        Assert.Equal("2026-13-01T", Text(doc, sheet, "E4"));
        Assert.Equal(CellValues.Boolean, CellAt(sheet, "A5")!.DataType!.Value);
        Assert.Equal("0", Text(doc, sheet, "B5"));
        Assert.Equal(CellValues.String, CellAt(sheet, "A6")!.DataType!.Value);
        Assert.Equal("hello", CellAt(sheet, "A6")!.CellValue!.Text);
        Assert.Equal(CellValues.Boolean, CellAt(sheet, "B6")!.DataType!.Value);
        Assert.Equal("=x", CellAt(sheet, "D6")!.CellFormula!.Text);
        Assert.Equal(CellValues.Error, CellAt(sheet, "C6")!.DataType!.Value);
        Assert.Equal("bell_x0007__x005F_x0041_", Text(doc, sheet, "A7"));
    }

    [Fact]
    public async Task Formats_fonts_fills_borders_alignment_numbers_are_deduplicated()
    {
        using var bridge = new TestBridge();
        var formats = new JsonObject
        {
            ["1"] = new JsonObject { ["font"] = "Arial", ["size"] = 14, ["italic"] = 1, ["underline"] = 2, ["font_strikeout"] = 1, ["font_script"] = 1 },
            ["2"] = new JsonObject { ["font"] = "Arial", ["size"] = 14, ["italic"] = 1, ["underline"] = 2, ["font_strikeout"] = 1, ["font_script"] = 1 },
            ["3"] = new JsonObject { ["pattern"] = 3, ["fg_color"] = "#FFFF00", ["bg_color"] = "#0000FF" },
            ["4"] = new JsonObject { ["bottom"] = 6, ["bottom_color"] = "#FF0000", ["left"] = 13 },
            ["5"] = new JsonObject { ["align"] = "center_across", ["valign"] = "vcenter", ["text_wrap"] = 1, ["indent"] = 2, ["rotation"] = -45, ["shrink"] = 1 },
            ["6"] = new JsonObject { ["num_format"] = 14 },
            ["7"] = new JsonObject { ["num_format"] = "0" },
            ["8"] = new JsonObject { ["num_format"] = "00" },
            ["9"] = new JsonObject { ["rotation"] = 270 },
            ["10"] = new JsonObject(),
        };
        var cells = Enumerable.Range(1, 10).Select(i => new Rec(0, i, 0, 'n', i, "1")).ToArray();
        var path = await Build(bridge, [Op(-1, "add_worksheet")], formats, cells);
        AssertValid(path);
        using var doc = Read(path);
        var sheet = Sheet(doc, 0);
        var styles = doc.WorkbookPart!.WorkbookStylesPart!.Stylesheet;
        CellFormat X(int row) => Xf(doc, CellAt(sheet, "A" + (row + 1))!);
        Assert.Equal(CellAt(sheet, "A2")!.StyleIndex!.Value, CellAt(sheet, "A3")!.StyleIndex!.Value);
        Assert.Null(CellAt(sheet, "A11")!.StyleIndex);
        var font = styles.Fonts!.Elements<Font>().ElementAt((int)X(1).FontId!.Value);
        Assert.Equal("Arial", font.FontName!.Val!.Value);
        Assert.Equal(14, font.FontSize!.Val!.Value);
        Assert.Equal(UnderlineValues.Double, font.Underline!.Val!.Value);
        Assert.NotNull(font.Strike);
        Assert.Equal(VerticalAlignmentRunValues.Superscript, font.VerticalTextAlignment!.Val!.Value);
        Assert.Null(font.FontScheme);
        var fill = styles.Fills!.Elements<Fill>().ElementAt((int)X(3).FillId!.Value).PatternFill!;
        Assert.Equal(PatternValues.DarkGray, fill.PatternType!.Value);
        Assert.Equal("FFFFFF00", fill.ForegroundColor!.Rgb!.Value);
        Assert.Equal("FF0000FF", fill.BackgroundColor!.Rgb!.Value);
        var border = styles.Borders!.Elements<Border>().ElementAt((int)X(4).BorderId!.Value);
        Assert.Equal(BorderStyleValues.Double, border.BottomBorder!.Style!.Value);
        Assert.Equal("FFFF0000", border.BottomBorder.Color!.Rgb!.Value);
        Assert.Equal(BorderStyleValues.SlantDashDot, border.LeftBorder!.Style!.Value);
        var align = X(5).Alignment!;
        Assert.Equal(HorizontalAlignmentValues.CenterContinuous, align.Horizontal!.Value);
        Assert.Equal(VerticalAlignmentValues.Center, align.Vertical!.Value);
        Assert.True(align.WrapText!.Value);
        Assert.Equal(2u, align.Indent!.Value);
        Assert.Equal(135u, align.TextRotation!.Value);
        Assert.True(align.ShrinkToFit!.Value);
        Assert.Equal(14u, X(6).NumberFormatId!.Value);
        Assert.Equal(1u, X(7).NumberFormatId!.Value);
        Assert.Equal(164u, X(8).NumberFormatId!.Value);
        Assert.Equal(255u, X(9).Alignment!.TextRotation!.Value);
    }

    [Fact]
    public async Task Print_area_breaks_scale_start_page_centering_default_row_and_view_switches()
    {
        using var bridge = new TestBridge();
        var path = await Build(bridge,
        [
            Op(-1, "add_worksheet"), Op(-1, "add_worksheet", A(("name", "Extras"))),
            Op(1, "print_area", A(("first_row", 0), ("first_col", 0), ("last_row", 9), ("last_col", 3))),
            Op(1, "center_horizontally"), Op(1, "center_vertically"), Op(1, "print_row_col_headers"), Op(1, "print_across"),
            Op(1, "set_print_scale", A(("scale", 80))), Op(1, "set_start_page", A(("start", 3))), Op(1, "print_black_and_white"),
            Op(1, "set_h_pagebreaks", A(("breaks", new JsonArray(5, 0, 5)))), Op(1, "set_v_pagebreaks", A(("breaks", new JsonArray(2)))),
            Op(1, "set_default_row", A(("height", 18))), Op(1, "hide_zero"), Op(1, "right_to_left"), Op(1, "hide_row_col_headers"),
            Op(1, "set_page_view"), Op(1, "set_first_sheet"),
        ], null, new Rec(1, 0, 0, 'n', 0, "0"), new Rec(1, 2, 0, 'n', 0, "1"));
        AssertValid(path);
        using var doc = Read(path);
        var sheet = Sheet(doc, 1);
        var names = doc.WorkbookPart!.Workbook.DefinedNames!.Elements<DefinedName>().ToDictionary(n => n.Name!.Value!);
        Assert.Equal("Extras!$A$1:$D$10", names["_xlnm.Print_Area"].Text);
        var print = sheet.GetFirstChild<PrintOptions>()!;
        Assert.True(print.HorizontalCentered!.Value && print.VerticalCentered!.Value && print.Headings!.Value);
        var setup = sheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(80u, setup.Scale!.Value);
        Assert.Equal(3u, setup.FirstPageNumber!.Value);
        Assert.True(setup.UseFirstPageNumber!.Value);
        Assert.Equal(PageOrderValues.OverThenDown, setup.PageOrder!.Value);
        Assert.True(setup.BlackAndWhite!.Value);
        Assert.Equal([5u], sheet.GetFirstChild<RowBreaks>()!.Elements<Break>().Select(b => b.Id!.Value).ToArray());
        Assert.Equal([2u], sheet.GetFirstChild<ColumnBreaks>()!.Elements<Break>().Select(b => b.Id!.Value).ToArray());
        Assert.Equal(18, sheet.GetFirstChild<SheetFormatProperties>()!.DefaultRowHeight!.Value);
        Assert.All(sheet.Descendants<Row>(), r => Assert.Equal(18, r.Height!.Value));
        var view = sheet.Descendants<SheetView>().Single();
        Assert.False(view.ShowZeros!.Value);
        Assert.True(view.RightToLeft!.Value);
        Assert.False(view.ShowRowColHeaders!.Value);
        Assert.Equal(SheetViewValues.PageLayout, view.View!.Value);
        Assert.Equal(2u, doc.WorkbookPart.Workbook.BookViews!.GetFirstChild<WorkbookView>()!.FirstSheet!.Value);
    }
}
