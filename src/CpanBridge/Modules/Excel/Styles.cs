using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using CpanBridge.Core;

namespace CpanBridge.Modules.Excel;

/// <summary>
/// The stylesheet, built at close from the formats' final properties (docs/protocol.md,
/// "Formats"). Fonts, fills, borders, number formats and cell XFs are each stored once; format
/// ids whose look is the same share an XF. XF 0 is the default look (Calibri 11, as native).
/// </summary>
internal sealed class Styles
{
    /// <summary>The id cells written by write_url without a format use: native's hyperlink style.</summary>
    public const int HyperlinkFormat = -1;

    private readonly List<string> _fonts = [];
    private readonly List<string> _fills = [];
    private readonly List<string> _borders = [];
    private readonly Dictionary<string, int> _fontIndex = [];
    private readonly Dictionary<string, int> _fillIndex = [];
    private readonly Dictionary<string, int> _borderIndex = [];
    private readonly Dictionary<string, int> _numFmtIndex = new(StringComparer.Ordinal);
    private readonly List<(int Id, string Code)> _numFmts = [];
    private readonly List<Xf> _xfs = [];
    private readonly Dictionary<string, int> _xfIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _byFormat = [];
    private readonly List<string> _dxfs = [];
    private readonly Dictionary<int, int> _dxfByFormat = [];
    private readonly JsonObject _formats;
    private bool _hyperlinkStyle;

    private sealed record Xf(int NumFmt, int Font, int Fill, int Border, string Alignment, string Protection, int StyleXf);

    public Styles(JsonObject? formats)
    {
        _formats = formats ?? [];
        Font(new FormatProps(null));
        _fills.Add("none"); _fillIndex["none"] = 0;
        _fills.Add("gray125"); _fillIndex["gray125"] = 1;
        Border(new FormatProps(null));
        AddXf(new Xf(0, 0, 0, 0, "", "", 0));
        foreach (var (id, _) in _formats)
            if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw BridgeException.Usage($"excel.close: format id '{id}' is not a positive integer");
    }

    /// <summary>The XF index for a format id (0: none). An id the client never described has the default look.</summary>
    public int XfFor(int format)
    {
        if (format == 0) return 0;
        if (_byFormat.TryGetValue(format, out var xf)) return xf;
        FormatProps props;
        if (format == HyperlinkFormat)
        {
            _hyperlinkStyle = true;
            props = new FormatProps(new JsonObject { ["color"] = "#0000FF", ["underline"] = 1 }) { Hyperlink = true };
        }
        else props = new FormatProps(_formats[format.ToString(CultureInfo.InvariantCulture)] as JsonObject);
        xf = AddXf(new Xf(NumFmt(props), Font(props), Fill(props), Border(props), Alignment(props), Protection(props),
            props.Hyperlink ? 1 : 0));
        _byFormat[format] = xf;
        return xf;
    }

    /// <summary>The differential format (conditional formats) for a format id.</summary>
    public int DxfFor(int format)
    {
        if (_dxfByFormat.TryGetValue(format, out var dxf)) return dxf;
        var props = new FormatProps(_formats[format.ToString(CultureInfo.InvariantCulture)] as JsonObject);
        var xml = new StringBuilder("<dxf xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
        var font = FontXml(props, dxf: true);
        if (font != "<font></font>") xml.Append(font);
        if (props.NumFormat is { } code && NumFmtId(props) is var id && id != 0)
            xml.Append($"<numFmt numFmtId=\"{id}\" formatCode=\"{Escape(code)}\"/>");
        if (FillXml(props, dxf: true) is { } fill) xml.Append(fill);
        // Conditional formats take no diagonal borders.
        props.DiagType = props.DiagBorder = 0;
        var border = BorderXml(props);
        if (border != BorderXml(new FormatProps(null))) xml.Append(border);
        xml.Append("</dxf>");
        _dxfs.Add(xml.ToString());
        _dxfByFormat[format] = _dxfs.Count - 1;
        return _dxfs.Count - 1;
    }

    private int AddXf(Xf xf)
    {
        var key = xf.ToString();
        if (_xfIndex.TryGetValue(key, out var index)) return index;
        _xfs.Add(xf);
        _xfIndex[key] = _xfs.Count - 1;
        return _xfs.Count - 1;
    }

    private static int Intern(List<string> list, Dictionary<string, int> index, string xml)
    {
        if (index.TryGetValue(xml, out var i)) return i;
        list.Add(xml);
        index[xml] = list.Count - 1;
        return list.Count - 1;
    }

    // ---- parts -----------------------------------------------------------------------------------

    private int NumFmt(FormatProps p) => NumFmtId(p);

    private int NumFmtId(FormatProps p)
    {
        if (p.NumIndex is { } builtin) return builtin;
        var code = p.NumFormat;
        if (code is null || code == "General") return 0;
        if (_numFmtIndex.TryGetValue(code, out var id)) return id;
        id = 164 + _numFmts.Count;
        _numFmts.Add((id, code));
        _numFmtIndex[code] = id;
        return id;
    }

    private int Font(FormatProps p) => Intern(_fonts, _fontIndex, FontXml(p, dxf: false));

    private static string FontXml(FormatProps p, bool dxf)
    {
        var x = new StringBuilder("<font>");
        if (p.Bold) x.Append("<b/>");
        if (p.Italic) x.Append("<i/>");
        if (p.Strike) x.Append("<strike/>");
        if (p.Outline) x.Append("<outline/>");
        if (p.Shadow) x.Append("<shadow/>");
        if (p.Underline != 0)
        {
            x.Append(p.Underline switch
            {
                2 => "<u val=\"double\"/>",
                33 => "<u val=\"singleAccounting\"/>",
                34 => "<u val=\"doubleAccounting\"/>",
                _ => "<u/>",
            });
        }
        if (p.Script == 1) x.Append("<vertAlign val=\"superscript\"/>");
        if (p.Script == 2) x.Append("<vertAlign val=\"subscript\"/>");
        if (!dxf) x.Append($"<sz val=\"{Num(p.Size)}\"/>");
        if (p.Color is { } color) x.Append($"<color rgb=\"{color}\"/>");
        else if (!dxf) x.Append("<color theme=\"1\"/>");
        if (!dxf)
        {
            x.Append($"<name val=\"{Escape(p.FontName)}\"/><family val=\"2\"/>");
            if (p.FontName == "Calibri" && !p.Hyperlink) x.Append("<scheme val=\"minor\"/>");
        }
        return x.Append("</font>").ToString();
    }

    private int Fill(FormatProps p) => FillXml(p, dxf: false) is { } xml ? Intern(_fills, _fillIndex, xml) : 0;

    private static readonly string[] Patterns =
    [
        "none", "solid", "mediumGray", "darkGray", "lightGray", "darkHorizontal", "darkVertical", "darkDown", "darkUp",
        "darkGrid", "darkTrellis", "lightHorizontal", "lightVertical", "lightDown", "lightUp", "lightGrid", "lightTrellis",
        "gray125", "gray0625",
    ];

    /// <summary>
    /// A fill as native resolves it: a colour with no pattern means solid; a solid fill given only
    /// bg_color shows that colour (Excel paints a solid fill with its foreground).
    /// </summary>
    private static string? FillXml(FormatProps p, bool dxf)
    {
        var pattern = p.Pattern;
        var fg = p.FgColor;
        var bg = p.BgColor;
        if (pattern <= 1 && bg is not null && fg is null) { fg = bg; bg = null; pattern = 1; }
        else if (pattern <= 1 && fg is not null) pattern = 1;
        if (pattern == 0) return null;
        if (pattern >= Patterns.Length) pattern = 1;
        var x = new StringBuilder($"<patternFill patternType=\"{Patterns[pattern]}\">");
        if (dxf && pattern == 1)
        {
            // Conditional formats paint solid fills with their background colour.
            x.Clear().Append("<patternFill>");
            if (fg is not null) x.Append($"<bgColor rgb=\"{fg}\"/>");
            return "<fill>" + x.Append("</patternFill></fill>");
        }
        if (fg is not null) x.Append($"<fgColor rgb=\"{fg}\"/>");
        x.Append(bg is not null ? $"<bgColor rgb=\"{bg}\"/>" : "<bgColor indexed=\"64\"/>");
        return "<fill>" + x.Append("</patternFill></fill>");
    }

    private static readonly string[] BorderStyles =
    [
        "none", "thin", "medium", "dashed", "dotted", "thick", "double", "hair", "mediumDashed", "dashDot",
        "mediumDashDot", "dashDotDot", "mediumDashDotDot", "slantDashDot",
    ];

    private int Border(FormatProps p) => Intern(_borders, _borderIndex, BorderXml(p));

    private static string BorderXml(FormatProps p)
    {
        var x = new StringBuilder("<border");
        if (p.DiagType is 1 or 3) x.Append(" diagonalUp=\"1\"");
        if (p.DiagType is 2 or 3) x.Append(" diagonalDown=\"1\"");
        x.Append('>');
        Side(x, "left", p.Left, p.LeftColor);
        Side(x, "right", p.Right, p.RightColor);
        Side(x, "top", p.Top, p.TopColor);
        Side(x, "bottom", p.Bottom, p.BottomColor);
        // A diagonal type without a style gets a thin line, as native.
        Side(x, "diagonal", p.DiagType > 0 && p.DiagBorder == 0 ? 1 : p.DiagBorder, p.DiagColor);
        return x.Append("</border>").ToString();

        static void Side(StringBuilder x, string name, int style, string? color)
        {
            if (style <= 0 || style >= BorderStyles.Length) { x.Append($"<{name}/>"); return; }
            x.Append($"<{name} style=\"{BorderStyles[style]}\">");
            x.Append(color is not null ? $"<color rgb=\"{color}\"/>" : "<color auto=\"1\"/>");
            x.Append($"</{name}>");
        }
    }

    private static string Alignment(FormatProps p)
    {
        var x = new StringBuilder();
        var horizontal = p.Align switch
        {
            "left" => "left", "center" => "center", "centre" => "center", "right" => "right", "fill" => "fill",
            "justify" => "justify", "center_across" => "centerContinuous", "centre_across" => "centerContinuous",
            "distributed" => "distributed", "justify_distributed" => "distributed", _ => null,
        };
        var vertical = p.Valign switch
        {
            "top" => "top", "vcenter" => "center", "vcentre" => "center", "vjustify" => "justify",
            "vdistributed" => "distributed", _ => null,
        };
        if (horizontal is not null) x.Append($" horizontal=\"{horizontal}\"");
        if (vertical is not null) x.Append($" vertical=\"{vertical}\"");
        if (p.Indent > 0) x.Append($" indent=\"{p.Indent}\"");
        if (p.Rotation != 0)
        {
            var rotation = p.Rotation == 270 ? 255 : p.Rotation < 0 ? 90 - p.Rotation : p.Rotation;
            x.Append($" textRotation=\"{rotation}\"");
        }
        if (p.Wrap) x.Append(" wrapText=\"1\"");
        if (p.Shrink) x.Append(" shrinkToFit=\"1\"");
        return x.ToString();
    }

    private static string Protection(FormatProps p) =>
        (p.Locked ? "" : " locked=\"0\"") + (p.Hidden ? " hidden=\"1\"" : "");

    // ---- output ----------------------------------------------------------------------------------

    public string Build()
    {
        var x = new StringBuilder("<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
        if (_numFmts.Count > 0)
        {
            x.Append($"<numFmts count=\"{_numFmts.Count}\">");
            foreach (var (id, code) in _numFmts) x.Append($"<numFmt numFmtId=\"{id}\" formatCode=\"{Escape(code)}\"/>");
            x.Append("</numFmts>");
        }
        x.Append($"<fonts count=\"{_fonts.Count}\">").AppendJoin("", _fonts).Append("</fonts>");
        x.Append($"<fills count=\"{_fills.Count}\">");
        foreach (var fill in _fills)
            x.Append(fill.StartsWith('<') ? fill : $"<fill><patternFill patternType=\"{fill}\"/></fill>");
        x.Append("</fills>");
        x.Append($"<borders count=\"{_borders.Count}\">").AppendJoin("", _borders).Append("</borders>");
        var hyperlinkFont = _hyperlinkStyle ? _fontIndex[FontXml(new FormatProps(new JsonObject { ["color"] = "#0000FF", ["underline"] = 1 }) { Hyperlink = true }, false)] : 0;
        x.Append($"<cellStyleXfs count=\"{(_hyperlinkStyle ? 2 : 1)}\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>");
        if (_hyperlinkStyle)
            x.Append($"<xf numFmtId=\"0\" fontId=\"{hyperlinkFont}\" fillId=\"0\" borderId=\"0\" applyNumberFormat=\"0\" applyFill=\"0\" applyBorder=\"0\" applyAlignment=\"0\" applyProtection=\"0\"><alignment vertical=\"top\"/><protection locked=\"0\"/></xf>");
        x.Append("</cellStyleXfs>");
        x.Append($"<cellXfs count=\"{_xfs.Count}\">");
        foreach (var xf in _xfs)
        {
            x.Append($"<xf numFmtId=\"{xf.NumFmt}\" fontId=\"{xf.Font}\" fillId=\"{xf.Fill}\" borderId=\"{xf.Border}\" xfId=\"{xf.StyleXf}\"");
            if (xf.NumFmt != 0) x.Append(" applyNumberFormat=\"1\"");
            if (xf.Font != 0) x.Append(" applyFont=\"1\"");
            if (xf.Fill != 0) x.Append(" applyFill=\"1\"");
            if (xf.Border != 0) x.Append(" applyBorder=\"1\"");
            if (xf.Alignment.Length > 0) x.Append(" applyAlignment=\"1\"");
            if (xf.Protection.Length > 0) x.Append(" applyProtection=\"1\"");
            if (xf.Alignment.Length == 0 && xf.Protection.Length == 0) { x.Append("/>"); continue; }
            x.Append('>');
            if (xf.Alignment.Length > 0) x.Append($"<alignment{xf.Alignment}/>");
            if (xf.Protection.Length > 0) x.Append($"<protection{xf.Protection}/>");
            x.Append("</xf>");
        }
        x.Append("</cellXfs>");
        x.Append($"<cellStyles count=\"{(_hyperlinkStyle ? 2 : 1)}\">");
        if (_hyperlinkStyle) x.Append("<cellStyle name=\"Hyperlink\" xfId=\"1\" builtinId=\"8\"/>");
        x.Append("<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>");
        x.Append($"<dxfs count=\"{_dxfs.Count}\">");
        foreach (var dxf in _dxfs) x.Append(dxf.Replace(" xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"", ""));
        x.Append("</dxfs>");
        x.Append("<tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/>");
        x.Append("</styleSheet>");
        return x.ToString();
    }

    internal static string Num(double value) => value.ToString("0.###############", CultureInfo.InvariantCulture);

    internal static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    /// <summary>"#RRGGBB" (or "RRGGBB") as ARGB "FFRRGGBB"; null if it is not such a colour.</summary>
    public static string? Argb(string? color)
    {
        if (string.IsNullOrEmpty(color)) return null;
        var hex = color.StartsWith('#') ? color[1..] : color;
        if (hex.Length != 6 || !hex.All(Uri.IsHexDigit)) return null;
        return "FF" + hex.ToUpperInvariant();
    }
}

/// <summary>One format's properties as the drop-in resolved them, with native's defaults.</summary>
internal sealed class FormatProps
{
    public FormatProps(JsonObject? p)
    {
        if (p is null) return;
        FontName = Str(p, "font") is { Length: > 0 } font ? font : "Calibri";
        Size = Dbl(p, "size") is { } size and > 0 ? size : 11;
        Bold = Flag(p, "bold");
        Italic = Flag(p, "italic");
        Underline = Int(p, "underline");
        Strike = Flag(p, "font_strikeout");
        Outline = Flag(p, "font_outline");
        Shadow = Flag(p, "font_shadow");
        DiagType = Int(p, "diag_type");
        DiagBorder = Int(p, "diag_border");
        DiagColor = Styles.Argb(Str(p, "diag_color"));
        Script = Int(p, "font_script");
        Color = Styles.Argb(Str(p, "color"));
        BgColor = Styles.Argb(Str(p, "bg_color"));
        FgColor = Styles.Argb(Str(p, "fg_color"));
        Pattern = Int(p, "pattern");
        var border = Int(p, "border");
        Left = Right = Top = Bottom = border;
        if (p.ContainsKey("left")) Left = Int(p, "left");
        if (p.ContainsKey("right")) Right = Int(p, "right");
        if (p.ContainsKey("top")) Top = Int(p, "top");
        if (p.ContainsKey("bottom")) Bottom = Int(p, "bottom");
        var borderColor = Styles.Argb(Str(p, "border_color"));
        LeftColor = Styles.Argb(Str(p, "left_color")) ?? borderColor;
        RightColor = Styles.Argb(Str(p, "right_color")) ?? borderColor;
        TopColor = Styles.Argb(Str(p, "top_color")) ?? borderColor;
        BottomColor = Styles.Argb(Str(p, "bottom_color")) ?? borderColor;
        Align = Str(p, "align");
        Valign = Str(p, "valign");
        Wrap = Flag(p, "text_wrap");
        Indent = Int(p, "indent");
        Rotation = Int(p, "rotation");
        Shrink = Flag(p, "shrink");
        Locked = !p.ContainsKey("locked") || Flag(p, "locked");
        Hidden = Flag(p, "hidden");
        if (p["num_format"] is JsonValue nf)
        {
            var text = nf.GetValueKind() == JsonValueKind.Number ? nf.ToJsonString() : nf.TryGetValue<string>(out var s) ? s : null;
            // A run of digits is a built-in index (native: "0" is index 1), except a string of
            // zeros like "00", which is a format of its own.
            if (text is not null && text.Length > 0 && text.All(char.IsAsciiDigit) && !(text.Length > 1 && text[0] == '0'))
            {
                var index = int.Parse(text, CultureInfo.InvariantCulture);
                NumIndex = index == 0 ? 1 : index;
            }
            else if (!string.IsNullOrEmpty(text)) NumFormat = text;
        }
    }

    public string FontName = "Calibri";
    public double Size = 11;
    public bool Bold, Italic, Strike, Outline, Shadow, Wrap, Shrink, Hidden, Hyperlink;
    public int DiagType, DiagBorder;
    public string? DiagColor;
    public bool Locked = true;
    public int Underline, Script, Pattern, Left, Right, Top, Bottom, Indent, Rotation;
    public string? Color, BgColor, FgColor, LeftColor, RightColor, TopColor, BottomColor, Align, Valign, NumFormat;
    public int? NumIndex;

    private static string? Str(JsonObject p, string key) => p[key] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private static double? Dbl(JsonObject p, string key) =>
        Str(p, key) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static int Int(JsonObject p, string key) => Dbl(p, key) is { } d ? (int)d : 0;

    private static bool Flag(JsonObject p, string key) => Ops.Truth(p[key]);
}
