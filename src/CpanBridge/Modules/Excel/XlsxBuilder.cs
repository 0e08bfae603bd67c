using System.Text.RegularExpressions;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace CpanBridge.Modules.Excel;

/// <summary>
/// Writes a <see cref="Workbook"/> as an .xlsx package. Sheet data is streamed with
/// OpenXmlWriter straight from the sorted cell store, so no DOM of the cells is ever built; the
/// small parts (workbook, styles, drawings) are fed as XML text.
/// </summary>
internal static class XlsxBuilder
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// <summary>Writes the package to <paramref name="path"/> (created or truncated); returns its size.</summary>
    public static long Write(Workbook book, JsonObject? formats, string path)
    {
        var styles = new Styles(formats);
        if (book.Sheets.Count == 0) book.AddSheet(null);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            // The SDK's own packaging buffers every part in memory until the package is saved
            // (2.20 refuses a write-only package); a create-mode zip streams each part as it is
            // written, so a million-cell sheet never exists in memory as XML.
            var package = new PackageParts(zip);
            var imageCount = 0;
            for (var i = 0; i < book.Sheets.Count; i++)
            {
                var sheet = book.Sheets[i];
                var rels = new Relationships();
                using (var entry = package.Open($"xl/worksheets/sheet{i + 1}.xml", WorksheetType))
                    WriteSheet(book, sheet, entry, rels, styles);
                // One zip entry is open at a time: the drawing and media follow the sheet.
                if (sheet.Images.Count > 0) Images.WriteDrawing(sheet, package, ref imageCount);
                if (rels.Count > 0) package.Text($"xl/worksheets/_rels/sheet{i + 1}.xml.rels", null, rels.Xml());
            }
            using (var entry = package.Open("xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"))
                WriteStrings(book, entry);
            package.Text("xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml", styles.Build());
            var bookRels = new Relationships();
            var sheetIds = new List<string>();
            for (var i = 0; i < book.Sheets.Count; i++)
                sheetIds.Add(bookRels.Add(OfficeRel + "/worksheet", $"worksheets/sheet{i + 1}.xml"));
            bookRels.Add(OfficeRel + "/styles", "styles.xml");
            bookRels.Add(OfficeRel + "/sharedStrings", "sharedStrings.xml");
            package.Text("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", WorkbookXml(book, sheetIds));
            package.Text("xl/_rels/workbook.xml.rels", null, bookRels.Xml());
            WriteProperties(book, package);
            var rootRels = new Relationships();
            rootRels.Add(OfficeRel + "/officeDocument", "xl/workbook.xml");
            rootRels.Add("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml");
            rootRels.Add(OfficeRel + "/extended-properties", "docProps/app.xml");
            package.Text("_rels/.rels", null, rootRels.Xml());
            package.Text("[Content_Types].xml", null, package.ContentTypes());
        }
        return new FileInfo(path).Length;
    }

    internal const string OfficeRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string WorksheetType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
    private const string XmlHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    /// <summary>The zip's entries and the content type of each part, for [Content_Types].xml.</summary>
    internal sealed class PackageParts(ZipArchive zip)
    {
        private readonly List<(string Part, string Type)> _overrides = [];
        private readonly HashSet<string> _extensions = [];

        public Stream Open(string name, string? contentType)
        {
            if (contentType is not null) _overrides.Add(("/" + name, contentType));
            return zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        }

        public void Text(string name, string? contentType, string xml)
        {
            using var entry = Open(name, contentType);
            var bytes = Encoding.UTF8.GetBytes(XmlHeader + xml);
            entry.Write(bytes);
        }

        public void Binary(string name, byte[] data, string extension)
        {
            _extensions.Add(extension);
            using var entry = Open(name, null);
            entry.Write(data);
        }

        public string ContentTypes()
        {
            var x = new StringBuilder("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">");
            x.Append("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>");
            x.Append("<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
            foreach (var extension in _extensions)
                x.Append($"<Default Extension=\"{extension}\" ContentType=\"image/{(extension == "jpeg" ? "jpeg" : extension)}\"/>");
            foreach (var (part, type) in _overrides) x.Append($"<Override PartName=\"{part}\" ContentType=\"{type}\"/>");
            return x.Append("</Types>").ToString();
        }
    }

    /// <summary>One part's relationships: rId1, rId2, ... in the order they are added.</summary>
    internal sealed class Relationships
    {
        private readonly List<(string Type, string Target, bool External)> _items = [];
        public int Count => _items.Count;

        public string Add(string type, string target, bool external = false)
        {
            _items.Add((type, target, external));
            return "rId" + _items.Count;
        }

        public string Xml()
        {
            var x = new StringBuilder("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
            for (var i = 0; i < _items.Count; i++)
            {
                var (type, target, external) = _items[i];
                x.Append($"<Relationship Id=\"rId{i + 1}\" Type=\"{type}\" Target=\"{Styles.Escape(target)}\"");
                if (external) x.Append(" TargetMode=\"External\"");
                x.Append("/>");
            }
            return x.Append("</Relationships>").ToString();
        }
    }

    // ---- workbook ------------------------------------------------------------------------------

    private static string WorkbookXml(Workbook book, List<string> sheetIds)
    {
        var x = new StringBuilder($"<workbook xmlns=\"{Main}\" xmlns:r=\"{Rel}\">");
        if (book.Date1904) x.Append("<workbookPr date1904=\"1\"/>");
        else x.Append("<workbookPr defaultThemeVersion=\"124226\"/>");
        var active = Math.Clamp(book.ActiveSheet, 0, book.Sheets.Count - 1);
        x.Append("<bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"");
        if (book.FirstSheet > 0) x.Append($" firstSheet=\"{book.FirstSheet + 1}\"");
        if (active > 0) x.Append($" activeTab=\"{active}\"");
        x.Append("/></bookViews><sheets>");
        for (var i = 0; i < book.Sheets.Count; i++)
        {
            var sheet = book.Sheets[i];
            x.Append($"<sheet name=\"{Styles.Escape(sheet.Name)}\" sheetId=\"{i + 1}\"");
            if (sheet.Hidden && i != active) x.Append(" state=\"hidden\"");
            x.Append($" r:id=\"{sheetIds[i]}\"/>");
        }
        x.Append("</sheets>");
        var names = DefinedNames(book);
        if (names.Count > 0)
        {
            x.Append("<definedNames>");
            foreach (var (name, local, hidden, formula) in names)
            {
                x.Append($"<definedName name=\"{Styles.Escape(name)}\"");
                if (local is { } l) x.Append($" localSheetId=\"{l}\"");
                if (hidden) x.Append(" hidden=\"1\"");
                x.Append('>').Append(Styles.Escape(formula)).Append("</definedName>");
            }
            x.Append("</definedNames>");
        }
        x.Append("<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
        return x.ToString();
    }

    /// <summary>User names plus the built-in ones autofilter and repeat_rows/columns imply, sorted as Excel lists them.</summary>
    private static List<(string Name, int? Local, bool Hidden, string Formula)> DefinedNames(Workbook book)
    {
        var names = book.Names.Select(n => (n.Name, Local: n.SheetIndex, Hidden: false, n.Formula)).ToList();
        foreach (var sheet in book.Sheets)
        {
            var quoted = QuoteSheet(sheet.Name);
            if (sheet.PrintArea is { } area)
                names.Add(("_xlnm.Print_Area", sheet.Index, false, quoted + "!" + area.Absolute));
            if (sheet.AutoFilter is { } filter)
                names.Add(("_xlnm._FilterDatabase", sheet.Index, true, quoted + "!" + filter.Absolute));
            if (sheet.RepeatRows is not null || sheet.RepeatColumns is not null)
            {
                var parts = new List<string>();
                if (sheet.RepeatColumns is { } c) parts.Add($"{quoted}!${Cells.Column(c.First)}:${Cells.Column(c.Last)}");
                if (sheet.RepeatRows is { } r) parts.Add($"{quoted}!${r.First + 1}:${r.Last + 1}");
                names.Add(("_xlnm.Print_Titles", sheet.Index, false, string.Join(",", parts)));
            }
        }
        return [.. names.OrderBy(n => n.Name.Replace("_xlnm.", ""), StringComparer.OrdinalIgnoreCase).ThenBy(n => n.Local ?? -1)];
    }

    /// <summary>A sheet name as formulas must write it: quoted unless it is a plain word that is not a cell name.</summary>
    internal static string QuoteSheet(string name)
    {
        var plain = name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '.')
            && !Regex.IsMatch(name, @"^[A-Za-z]{1,3}\d+$") && !Regex.IsMatch(name, @"^[Rr]\d*[Cc]\d*$");
        return plain ? name : "'" + name.Replace("'", "''") + "'";
    }

    private static void WriteProperties(Workbook book, PackageParts package)
    {
        var p = book.Properties;
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var author = Styles.Escape(p.GetValueOrDefault("author", ""));
        var core = new StringBuilder("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
        void Element(string tag, string key)
        {
            if (p.TryGetValue(key, out var value)) core.Append($"<{tag}>{Styles.Escape(value)}</{tag}>");
        }
        Element("dc:title", "title");
        Element("dc:subject", "subject");
        core.Append($"<dc:creator>{author}</dc:creator>");
        Element("cp:keywords", "keywords");
        Element("dc:description", "comments");
        core.Append($"<cp:lastModifiedBy>{author}</cp:lastModifiedBy>");
        core.Append($"<dcterms:created xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:modified>");
        Element("cp:category", "category");
        Element("cp:contentStatus", "status");
        package.Text("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml", core.Append("</cp:coreProperties>").ToString());

        var x = new StringBuilder("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>");
        if (p.TryGetValue("manager", out var manager)) x.Append($"<Manager>{Styles.Escape(manager)}</Manager>");
        x.Append($"<Company>{Styles.Escape(p.GetValueOrDefault("company", ""))}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>");
        if (p.TryGetValue("hyperlink_base", out var hyperlinkBase)) x.Append($"<HyperlinkBase>{Styles.Escape(hyperlinkBase)}</HyperlinkBase>");
        x.Append("<HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
        package.Text("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml", x.ToString());
    }

    // ---- shared strings ------------------------------------------------------------------------

    private static void WriteStrings(Workbook book, Stream part)
    {
        var items = book.Strings.Items;
        using var w = OpenXmlWriter.Create(part);
        w.WriteStartDocument(true);
        w.WriteStartElement(new SharedStringTable(),
        [
            new OpenXmlAttribute("count", "", book.Strings.References.ToString(CultureInfo.InvariantCulture)),
            new OpenXmlAttribute("uniqueCount", "", items.Count.ToString(CultureInfo.InvariantCulture)),
        ]);
        var item = new SharedStringItem();
        var text = new Text();
        var preserve = new[] { new OpenXmlAttribute("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve") };
        foreach (var s in items)
        {
            w.WriteStartElement(item);
            if (s.Length > 0 && (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]))) w.WriteStartElement(text, preserve);
            else w.WriteStartElement(text);
            w.WriteString(XmlSafe(s));
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>
    /// Characters XML cannot hold become Excel's _xHHHH_ escapes (and a literal "_xHHHH_" is
    /// protected), so the cell shows what the script wrote, as native does.
    /// </summary>
    internal static string XmlSafe(string s)
    {
        var clean = true;
        foreach (var c in s)
            if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF' || c == '_') { clean = false; break; }
        if (clean) return s;
        s = Regex.Replace(s, "(_x[0-9a-fA-F]{4}_)", "_x005F$1");
        var b = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF') b.Append($"_x{(int)c:X4}_");
            else b.Append(c);
        }
        return b.ToString();
    }

    // ---- worksheets ----------------------------------------------------------------------------

    /// <summary>
    /// Writes XML text as elements: parsed inside a worksheet wrapper so that any sheet-level
    /// element, leaf or not, comes out typed.
    /// </summary>
    private static void Raw<T>(OpenXmlWriter w, string xml) where T : OpenXmlElement
    {
        var holder = new Worksheet($"<worksheet xmlns=\"{Main}\" xmlns:r=\"{Rel}\">{xml}</worksheet>");
        foreach (var child in holder.ChildElements) w.WriteElement(child);
    }

    private static void WriteSheet(Workbook book, Sheet sheet, Stream part, Relationships rels, Styles styles)
    {
        var cells = sheet.Cells.Ordered();
        var hyperlinks = new List<(string Ref, int UrlText, int DisplayString)>();
        using var w = OpenXmlWriter.Create(part);
        w.WriteStartDocument(true);
        w.WriteStartElement(new Worksheet(), [], [new KeyValuePair<string, string>("r", Rel)]);

        // sheetPr
        var fit = sheet.FitToPages is not null;
        if (sheet.TabColor is not null || fit || sheet.Outline is not null)
        {
            var x = new StringBuilder("<sheetPr>");
            if (sheet.TabColor is { } tab) x.Append($"<tabColor rgb=\"{tab}\"/>");
            if (sheet.Outline is { } outline)
            {
                // Only what differs from Excel's defaults, as the native module writes it.
                x.Append("<outlinePr");
                if (outline.AutoStyle) x.Append(" applyStyles=\"1\"");
                if (!outline.SummaryBelow) x.Append(" summaryBelow=\"0\"");
                if (!outline.SummaryRight) x.Append(" summaryRight=\"0\"");
                if (!outline.Visible) x.Append(" showOutlineSymbols=\"0\"");
                x.Append("/>");
            }
            if (fit) x.Append("<pageSetUpPr fitToPage=\"1\"/>");
            Raw<SheetProperties>(w, x.Append("</sheetPr>").ToString());
        }

        var dimension = sheet.MaxRow < 0 ? "A1" : new CellRange(sheet.MinRow, sheet.MinCol, sheet.MaxRow, sheet.MaxCol).A1;
        Raw<SheetDimension>(w, $"<dimension ref=\"{dimension}\"/>");
        Raw<SheetViews>(w, SheetViewXml(book, sheet));

        var rowLevel = sheet.Rows.Count == 0 ? 0 : sheet.Rows.Values.Max(r => r.Level);
        var colLevel = sheet.ColumnSettings.Count == 0 ? 0 : sheet.ColumnSettings.Values.Max(c => c.Level);
        var format = new StringBuilder($"<sheetFormatPr defaultRowHeight=\"{Styles.Num(sheet.DefaultRowHeight ?? 15)}\"");
        if (sheet.DefaultRowHeight is { } custom && custom != 15) format.Append(" customHeight=\"1\"");
        if (sheet.DefaultRowHidden) format.Append(" zeroHeight=\"1\"");
        if (rowLevel > 0) format.Append($" outlineLevelRow=\"{rowLevel}\"");
        if (colLevel > 0) format.Append($" outlineLevelCol=\"{colLevel}\"");
        Raw<SheetFormatProperties>(w, format.Append("/>").ToString());

        if (sheet.ColumnSettings.Count > 0) Raw<Columns>(w, ColumnsXml(sheet, styles));

        WriteSheetData(book, sheet, cells, w, styles, hyperlinks);

        if (sheet.Protection is { } protection) Raw<SheetProtection>(w, ProtectionXml(sheet, protection));
        if (sheet.AutoFilter is { } filter) Raw<AutoFilter>(w, $"<autoFilter ref=\"{filter.A1}\"/>");
        if (sheet.Merges.Count > 0)
        {
            var x = new StringBuilder($"<mergeCells count=\"{sheet.Merges.Count}\">");
            foreach (var m in sheet.Merges) x.Append($"<mergeCell ref=\"{m.A1}\"/>");
            Raw<MergeCells>(w, x.Append("</mergeCells>").ToString());
        }
        var priority = 1;
        foreach (var (range, options) in sheet.Conditionals)
            Raw<ConditionalFormatting>(w, Conditional.Xml(range, options, styles, ref priority));
        if (sheet.Validations.Count > 0)
            Raw<DataValidations>(w, Validation.Xml(sheet.Validations));
        if (hyperlinks.Count > 0) Raw<Hyperlinks>(w, HyperlinksXml(book, rels, hyperlinks));
        if (sheet.Gridlines == 0 || sheet.PrintHeadings || sheet.CenterHorizontally || sheet.CenterVertically)
        {
            var x = new StringBuilder("<printOptions");
            if (sheet.CenterHorizontally) x.Append(" horizontalCentered=\"1\"");
            if (sheet.CenterVertically) x.Append(" verticalCentered=\"1\"");
            if (sheet.PrintHeadings) x.Append(" headings=\"1\"");
            if (sheet.Gridlines == 0) x.Append(" gridLines=\"1\"");
            Raw<PrintOptions>(w, x.Append("/>").ToString());
        }
        Raw<PageMargins>(w, $"<pageMargins left=\"{Styles.Num(sheet.MarginLeft)}\" right=\"{Styles.Num(sheet.MarginRight)}\" top=\"{Styles.Num(sheet.MarginTop)}\" bottom=\"{Styles.Num(sheet.MarginBottom)}\" header=\"{Styles.Num(sheet.MarginHeader)}\" footer=\"{Styles.Num(sheet.MarginFooter)}\"/>");
        if (sheet.Paper is not null || sheet.Orientation is not null || sheet.FitToPages is not null || sheet.PrintScale is not null
            || sheet.StartPage is not null || sheet.PrintAcross || sheet.BlackAndWhite)
        {
            var x = new StringBuilder("<pageSetup");
            if (sheet.Paper is { } paper and > 0) x.Append($" paperSize=\"{paper}\"");
            if (sheet.PrintScale is { } scale and not 100) x.Append($" scale=\"{scale}\"");
            if (sheet.StartPage is { } start) x.Append($" firstPageNumber=\"{start}\"");
            if (sheet.FitToPages is { } pages)
            {
                if (pages.Width != 1) x.Append($" fitToWidth=\"{pages.Width}\"");
                if (pages.Height != 1) x.Append($" fitToHeight=\"{pages.Height}\"");
            }
            if (sheet.PrintAcross) x.Append(" pageOrder=\"overThenDown\"");
            if (sheet.Orientation is { } o) x.Append(o == 1 ? " orientation=\"landscape\"" : " orientation=\"portrait\"");
            if (sheet.BlackAndWhite) x.Append(" blackAndWhite=\"1\"");
            if (sheet.StartPage is not null) x.Append(" useFirstPageNumber=\"1\"");
            Raw<PageSetup>(w, x.Append("/>").ToString());
        }
        if (sheet.Header is not null || sheet.Footer is not null)
        {
            var x = new StringBuilder("<headerFooter>");
            if (!string.IsNullOrEmpty(sheet.Header)) x.Append($"<oddHeader>{Styles.Escape(sheet.Header)}</oddHeader>");
            if (!string.IsNullOrEmpty(sheet.Footer)) x.Append($"<oddFooter>{Styles.Escape(sheet.Footer)}</oddFooter>");
            Raw<HeaderFooter>(w, x.Append("</headerFooter>").ToString());
        }
        if (sheet.RowBreaks.Count > 0) Raw<RowBreaks>(w, BreaksXml("rowBreaks", sheet.RowBreaks, Cells.MaxCol));
        if (sheet.ColumnBreaks.Count > 0) Raw<ColumnBreaks>(w, BreaksXml("colBreaks", sheet.ColumnBreaks, Cells.MaxRow));
        if (sheet.Images.Count > 0)
        {
            Raw<X.Drawing>(w, $"<drawing r:id=\"{rels.Add(OfficeRel + "/drawing", $"../drawings/drawing{sheet.Index + 1}.xml")}\"/>");
        }
        w.WriteEndElement();
        sheet.Cells.Trim();
    }

    private static string BreaksXml(string name, List<int> breaks, int max)
    {
        var x = new StringBuilder($"<{name} count=\"{breaks.Count}\" manualBreakCount=\"{breaks.Count}\">");
        foreach (var b in breaks) x.Append($"<brk id=\"{b}\" max=\"{max}\" man=\"1\"/>");
        return x.Append($"</{name}>").ToString();
    }

    private static string SheetViewXml(Workbook book, Sheet sheet)
    {
        var active = Math.Clamp(book.ActiveSheet, 0, book.Sheets.Count - 1);
        var selected = sheet.Selected || sheet.Index == active;
        var x = new StringBuilder("<sheetViews><sheetView");
        if (sheet.Gridlines == 2) x.Append(" showGridLines=\"0\"");
        if (sheet.HideHeaders) x.Append(" showRowColHeaders=\"0\"");
        if (sheet.HideZero) x.Append(" showZeros=\"0\"");
        if (sheet.RightToLeft) x.Append(" rightToLeft=\"1\"");
        if (sheet.Outline is { Visible: false }) x.Append(" showOutlineSymbols=\"0\"");
        if (selected) x.Append(" tabSelected=\"1\"");
        if (sheet.PageView) x.Append(" view=\"pageLayout\"");
        if (sheet.Zoom is { } zoom and not 100) x.Append($" zoomScale=\"{zoom}\" zoomScaleNormal=\"{zoom}\"");
        x.Append(" workbookViewId=\"0\">");
        var selection = sheet.Selection;
        if (sheet.Pane is { } pane) x.Append(PaneXml(pane, selection));
        else if (selection is { } s) x.Append($"<selection activeCell=\"{Cells.Name(s.FirstRow, s.FirstCol)}\" sqref=\"{s.A1}\"/>");
        return x.Append("</sheetView></sheetViews>").ToString();
    }

    /// <summary>
    /// freeze_panes / split_panes as Excel records them: the split position, the first visible cell
    /// of the scrolling pane, which pane is active, and one selection per pane.
    /// </summary>
    private static string PaneXml(Pane pane, CellRange? selection)
    {
        var x = new StringBuilder();
        string activePane;
        double xSplit, ySplit;
        int topRow, leftCol;
        if (pane.Kind == PaneKind.Frozen)
        {
            xSplit = pane.Col;
            ySplit = pane.Row;
            topRow = pane.TopRow;
            leftCol = pane.LeftCol;
        }
        else
        {
            ySplit = pane.Row > 0 ? Math.Floor(20 * pane.Row + 300) : 0;
            xSplit = pane.Col > 0 ? SplitWidth(pane.Col) : 0;
            // Without an explicit top-left cell, estimate it from the default cell size, as native does.
            topRow = pane.TopRow >= 0 ? pane.TopRow : ySplit > 0 ? (int)(0.5 + (ySplit - 300) / 20 / 15) : 0;
            leftCol = pane.LeftCol >= 0 ? pane.LeftCol : xSplit > 0 ? (int)(0.5 + (xSplit - 390) / 20 / 3 * 4 / 64) : 0;
        }
        if (xSplit == 0 && ySplit == 0) return "";
        activePane = xSplit > 0 && ySplit > 0 ? "bottomRight" : xSplit > 0 ? "topRight" : "bottomLeft";
        topRow = Math.Max(topRow, 0);
        leftCol = Math.Max(leftCol, 0);
        var topLeft = Cells.Name(topRow, leftCol);
        x.Append("<pane");
        if (xSplit > 0) x.Append($" xSplit=\"{Styles.Num(xSplit)}\"");
        if (ySplit > 0) x.Append($" ySplit=\"{Styles.Num(ySplit)}\"");
        x.Append($" topLeftCell=\"{topLeft}\"");
        if (pane.Kind == PaneKind.Frozen)
        {
            x.Append($" activePane=\"{activePane}\" state=\"frozen\"/>");
            if (activePane == "bottomRight") x.Append("<selection pane=\"topRight\"/><selection pane=\"bottomLeft\"/>");
            if (selection is { } s) x.Append($"<selection pane=\"{activePane}\" activeCell=\"{Cells.Name(s.FirstRow, s.FirstCol)}\" sqref=\"{s.A1}\"/>");
            else x.Append($"<selection pane=\"{activePane}\"/>");
            return x.ToString();
        }
        // Split panes as native writes them: the active pane is only named when the script set
        // a selection; each pane gets a selection at its first visible cell.
        if (selection is not null) x.Append($" activePane=\"{activePane}\"");
        x.Append("/>");
        var activeCell = selection is { } sel ? Cells.Name(sel.FirstRow, sel.FirstCol) : topLeft;
        var sqref = selection?.A1 ?? topLeft;
        if (activePane == "bottomRight")
        {
            var colCell = Cells.Name(0, leftCol);
            var rowCell = Cells.Name(topRow, 0);
            x.Append($"<selection pane=\"topRight\" activeCell=\"{colCell}\" sqref=\"{colCell}\"/>");
            x.Append($"<selection pane=\"bottomLeft\" activeCell=\"{rowCell}\" sqref=\"{rowCell}\"/>");
        }
        x.Append($"<selection pane=\"{activePane}\" activeCell=\"{activeCell}\" sqref=\"{sqref}\"/>");
        return x.ToString();
    }

    /// <summary>A split's x position in twips from a width in characters (Calibri 11: 7 px a digit, 5 px padding).</summary>
    private static double SplitWidth(double width)
    {
        var pixels = width < 1 ? (int)(width * 12 + 0.5) : (int)(width * 7 + 0.5) + 5;
        return Math.Floor(pixels * 3 / 4.0 * 20) + 390;
    }

    private static string ColumnsXml(Sheet sheet, Styles styles)
    {
        var x = new StringBuilder("<cols>");
        var columns = sheet.ColumnSettings.OrderBy(c => c.Key).ToList();
        for (var i = 0; i < columns.Count;)
        {
            var (first, info) = columns[i];
            var last = first;
            var j = i + 1;
            while (j < columns.Count && columns[j].Key == last + 1 && columns[j].Value == info) { last++; j++; }
            i = j;
            var width = info.Width ?? 8.43;
            var custom = info.Width is not null && width != 8.43;
            // Width in characters -> Excel's stored width (whole pixels, 256ths of a digit).
            double stored;
            if (width <= 0) stored = 0;
            else if (width < 1) stored = Math.Floor((int)(width * 12 + 0.5) / 7.0 * 256) / 256;
            else stored = Math.Floor(((int)(width * 7 + 0.5) + 5) / 7.0 * 256) / 256;
            x.Append($"<col min=\"{first + 1}\" max=\"{last + 1}\" width=\"{Styles.Num(stored)}\"");
            if (info.Format != 0 && styles.XfFor(info.Format) is var xf and not 0) x.Append($" style=\"{xf}\"");
            if (info.Hidden) x.Append(" hidden=\"1\"");
            if (custom || info.Hidden || width <= 0) x.Append(" customWidth=\"1\"");
            if (info.Level > 0) x.Append($" outlineLevel=\"{info.Level}\"");
            x.Append("/>");
        }
        return x.Append("</cols>").ToString();
    }

    private static string ProtectionXml(Sheet sheet, Dictionary<string, int> o)
    {
        var x = new StringBuilder("<sheetProtection");
        if (sheet.ProtectionHash is { } hash) x.Append($" password=\"{hash}\"");
        if (o["sheet"] != 0) x.Append(" sheet=\"1\"");
        if (o["content"] != 0) x.Append(" content=\"1\"");
        if (o["objects"] == 0) x.Append(" objects=\"1\"");
        if (o["scenarios"] == 0) x.Append(" scenarios=\"1\"");
        if (o["format_cells"] != 0) x.Append(" formatCells=\"0\"");
        if (o["format_columns"] != 0) x.Append(" formatColumns=\"0\"");
        if (o["format_rows"] != 0) x.Append(" formatRows=\"0\"");
        if (o["insert_columns"] != 0) x.Append(" insertColumns=\"0\"");
        if (o["insert_rows"] != 0) x.Append(" insertRows=\"0\"");
        if (o["insert_hyperlinks"] != 0) x.Append(" insertHyperlinks=\"0\"");
        if (o["delete_columns"] != 0) x.Append(" deleteColumns=\"0\"");
        if (o["delete_rows"] != 0) x.Append(" deleteRows=\"0\"");
        if (o["select_locked_cells"] == 0) x.Append(" selectLockedCells=\"1\"");
        if (o["sort"] != 0) x.Append(" sort=\"0\"");
        if (o["autofilter"] != 0) x.Append(" autoFilter=\"0\"");
        if (o["pivot_tables"] != 0) x.Append(" pivotTables=\"0\"");
        if (o["select_unlocked_cells"] == 0) x.Append(" selectUnlockedCells=\"1\"");
        return x.Append("/>").ToString();
    }

    /// <summary>
    /// Hyperlinks as native records them: internal links by location and display text; others as
    /// external relationships with the URL escaped and any '#' anchor as the location; Windows
    /// paths and shares of external: links as file:/// URLs.
    /// </summary>
    private static string HyperlinksXml(Workbook book, Relationships rels, List<(string Ref, int UrlText, int DisplayString)> links)
    {
        var x = new StringBuilder("<hyperlinks>");
        foreach (var (reference, urlText, _) in links)
        {
            var url = book.Texts[urlText];
            x.Append($"<hyperlink ref=\"{reference}\"");
            if (url.StartsWith("internal:", StringComparison.Ordinal))
            {
                var display = book.Strings.Items[int.Parse(book.Texts[urlText + 1], CultureInfo.InvariantCulture)];
                x.Append($" location=\"{Styles.Escape(XmlSafe(url[9..]))}\" display=\"{Styles.Escape(XmlSafe(display))}\"");
            }
            else
            {
                var external = url.StartsWith("external:", StringComparison.Ordinal);
                if (external) url = url[9..].Replace('/', '\\');
                var hash = url.IndexOf('#');
                string target = hash >= 0 ? url[..hash] : url;
                string? location = hash >= 0 ? url[(hash + 1)..] : null;
                target = EscapeUrl(target);
                if (location is { Length: > 0 } && !external) location = EscapeUrl(location);
                if (Regex.IsMatch(target, @"^\w:") || target.StartsWith(@"\\", StringComparison.Ordinal)) target = "file:///" + target;
                target = Regex.Replace(target, @"^.\\", "");
                x.Append($" r:id=\"{rels.Add(OfficeRel + "/hyperlink", XmlSafe(target), external: true)}\"");
                if (location is not null) x.Append($" location=\"{Styles.Escape(XmlSafe(location))}\"");
            }
            x.Append("/>");
        }
        return x.Append("</hyperlinks>").ToString();
    }

    /// <summary>Native's URL escaping: none if the URL already holds an escape; else %, blanks and a few specials.</summary>
    internal static string EscapeUrl(string url)
    {
        if (Regex.IsMatch(url, "%[0-9a-fA-F]{2}")) return url;
        url = url.Replace("%", "%25");
        url = Regex.Replace(url, @"[\s\x00]", "%20");
        return Regex.Replace(url, @"[""<>\[\]`^{}]", m => "%" + ((int)m.Value[0]).ToString("x", CultureInfo.InvariantCulture));
    }

    private static void WriteSheetData(Workbook book, Sheet sheet, ReadOnlySpan<StoredCell> cells, OpenXmlWriter w, Styles styles,
        List<(string, int, int)> hyperlinks)
    {
        var row = new Row();
        var cell = new Cell();
        var value = new CellValue();
        var formula = new CellFormula();
        var rowAttributes = new List<OpenXmlAttribute>(6);
        var cellAttributes = new List<OpenXmlAttribute>(3);
        var defaultHeight = sheet.DefaultRowHeight ?? 15;
        w.WriteStartElement(new SheetData());
        using var rowInfos = sheet.Rows.GetEnumerator();
        var pendingInfo = rowInfos.MoveNext();
        var i = 0;
        while (i < cells.Length || pendingInfo)
        {
            // The next row to write: the lower of the next cell's row and the next set_row row.
            var r = i < cells.Length ? cells[i].Row : int.MaxValue;
            RowInfo? info = sheet.Rows.GetValueOrDefault(r);
            if (pendingInfo && rowInfos.Current.Key <= r)
            {
                r = rowInfos.Current.Key;
                info = rowInfos.Current.Value;
                pendingInfo = rowInfos.MoveNext();
            }
            rowAttributes.Clear();
            rowAttributes.Add(new OpenXmlAttribute("r", "", (r + 1).ToString(CultureInfo.InvariantCulture)));
            if (info is not null)
            {
                if (info.Format != 0 && styles.XfFor(info.Format) is var xf and not 0)
                {
                    rowAttributes.Add(new OpenXmlAttribute("s", "", xf.ToString(CultureInfo.InvariantCulture)));
                    rowAttributes.Add(new OpenXmlAttribute("customFormat", "", "1"));
                }
                var height = info.Height ?? defaultHeight;
                if (height != 15) rowAttributes.Add(new OpenXmlAttribute("ht", "", Styles.Num(height)));
                if (info.Hidden) rowAttributes.Add(new OpenXmlAttribute("hidden", "", "1"));
                if (height != 15) rowAttributes.Add(new OpenXmlAttribute("customHeight", "", "1"));
                if (info.Level > 0) rowAttributes.Add(new OpenXmlAttribute("outlineLevel", "", info.Level.ToString(CultureInfo.InvariantCulture)));
            }
            else if (defaultHeight != 15)
            {
                // As native: with set_default_row, every written row states the default height.
                rowAttributes.Add(new OpenXmlAttribute("ht", "", Styles.Num(defaultHeight)));
                rowAttributes.Add(new OpenXmlAttribute("customHeight", "", "1"));
            }
            w.WriteStartElement(row, rowAttributes);
            for (; i < cells.Length && cells[i].Row == r; i++)
            {
                ref readonly var c = ref cells[i];
                if (c.Kind == CellKind.Blank && c.Format == 0) continue;
                var reference = Cells.Name(c.Row, c.Col);
                cellAttributes.Clear();
                cellAttributes.Add(new OpenXmlAttribute("r", "", reference));
                // A cell without a format shows its row's format, else its column's (native decides at close).
                var format = c.Format;
                if (format == 0 && c.Kind != CellKind.Url)
                    format = info?.Format is > 0 and var rowFormat ? rowFormat : sheet.ColumnFormats.GetValueOrDefault(c.Col);
                var styleId = c.Kind == CellKind.Url && c.Format == 0 ? styles.XfFor(Styles.HyperlinkFormat) : styles.XfFor(format);
                if (styleId != 0) cellAttributes.Add(new OpenXmlAttribute("s", "", styleId.ToString(CultureInfo.InvariantCulture)));
                switch (c.Kind)
                {
                    case CellKind.Number:
                    {
                        var number = BitConverter.Int64BitsToDouble(c.Value);
                        if (!double.IsFinite(number))
                        {
                            cellAttributes.Add(new OpenXmlAttribute("t", "", "e"));
                            WriteValue(w, cell, value, cellAttributes, "#NUM!");
                        }
                        else WriteValue(w, cell, value, cellAttributes, number.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    }
                    case CellKind.String:
                        cellAttributes.Add(new OpenXmlAttribute("t", "", "s"));
                        WriteValue(w, cell, value, cellAttributes, c.Value.ToString(CultureInfo.InvariantCulture));
                        break;
                    case CellKind.Url:
                        cellAttributes.Add(new OpenXmlAttribute("t", "", "s"));
                        hyperlinks.Add((reference, (int)c.Value, 0));
                        WriteValue(w, cell, value, cellAttributes, book.Texts[(int)c.Value + 1]);
                        break;
                    case CellKind.Boolean:
                        cellAttributes.Add(new OpenXmlAttribute("t", "", "b"));
                        WriteValue(w, cell, value, cellAttributes, c.Value.ToString(CultureInfo.InvariantCulture));
                        break;
                    case CellKind.Blank:
                        w.WriteStartElement(cell, cellAttributes);
                        w.WriteEndElement();
                        break;
                    case CellKind.Formula:
                    {
                        var cached = FormulaValue(book.Texts[(int)c.Value + 1], out var type);
                        if (type is not null) cellAttributes.Add(new OpenXmlAttribute("t", "", type));
                        w.WriteStartElement(cell, cellAttributes);
                        w.WriteStartElement(formula);
                        w.WriteString(XmlSafe(book.Texts[(int)c.Value]));
                        w.WriteEndElement();
                        w.WriteStartElement(value);
                        w.WriteString(cached);
                        w.WriteEndElement();
                        w.WriteEndElement();
                        break;
                    }
                }
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void WriteValue(OpenXmlWriter w, Cell cell, CellValue value, List<OpenXmlAttribute> attributes, string text)
    {
        w.WriteStartElement(cell, attributes);
        w.WriteStartElement(value);
        w.WriteString(text);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static readonly HashSet<string> ErrorCodes = ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"];

    /// <summary>
    /// A formula's cached result as native stores it: 0 when none was given, numbers as they are,
    /// TRUE/FALSE as booleans, error codes as errors, anything else as a string result.
    /// </summary>
    private static string FormulaValue(string given, out string? type)
    {
        type = null;
        if (given.Length == 0 || given == "0") return "0";
        if (Regex.IsMatch(given, @"^[+-]?(?=\d|\.\d)\d*(\.\d*)?([Ee][+-]?\d+)?$")) return given;
        if (given is "TRUE" or "FALSE") { type = "b"; return given == "TRUE" ? "1" : "0"; }
        if (ErrorCodes.Contains(given)) { type = "e"; return given; }
        type = "str";
        return XmlSafe(given);
    }
}
