using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;

namespace CpanBridge.Modules.Excel;

/// <summary>Reading the native options hashes of data_validation and conditional_format.</summary>
internal static class Options
{
    public static string? Text(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        JsonArray a => string.Join(",", a.Select(x => x?.ToString() ?? "")),
        _ => o[key]!.ToJsonString(),
    };

    public static bool Flag(JsonObject o, string key, bool fallback) => o.ContainsKey(key) ? Ops.Truth(o[key]) : fallback;

    /// <summary>
    /// A value as a formula operand: numbers as they are, '=formula' without its '=', an ISO date
    /// or time as its serial number (as native converts them), anything else as given.
    /// </summary>
    public static string Operand(string value, bool date1904 = false)
    {
        if (value.StartsWith('=')) return value[1..];
        if (Workbook.TryNumber(value, out _)) return value;
        if (DateSerial.Parse(value, date1904) is { } serial) return serial.ToString("R", CultureInfo.InvariantCulture);

        return value;
    }

    public static string Operator(string? criteria) => (criteria ?? "").ToLowerInvariant() switch
    {
        "between" => "between",
        "not between" => "notBetween",
        "equal to" or "=" or "==" => "equal",
        "not equal to" or "!=" or "<>" => "notEqual",
        "greater than" or ">" => "greaterThan",
        "less than" or "<" => "lessThan",
        "greater than or equal to" or ">=" => "greaterThanOrEqual",
        "less than or equal to" or "<=" => "lessThanOrEqual",
        var other => throw BridgeException.Usage($"excel.write: unknown criteria '{other}'"),
    };

    public static string E(string s) => Styles.Escape(XlsxBuilder.XmlSafe(s));
}

/// <summary>data_validation's &lt;dataValidation&gt; elements, as native writes them.</summary>
internal static class Validation
{
    public static string Xml(List<(CellRange Range, JsonObject Options)> validations)
    {
        var x = new StringBuilder($"<dataValidations count=\"{validations.Count}\">");
        foreach (var (range, o) in validations)
        {
            var validate = (Options.Text(o, "validate") ?? "any").ToLowerInvariant();
            var type = validate switch
            {
                "any" or "any value" => "none",
                "whole" or "whole number" or "integer" => "whole",
                "decimal" => "decimal",
                "list" => "list",
                "date" => "date",
                "time" => "time",
                "length" or "text length" => "textLength",
                "custom" => "custom",
                _ => throw BridgeException.Usage($"excel.write: op 'data_validation': unknown validation type '{validate}'"),
            };
            x.Append("<dataValidation");
            if (type != "none") x.Append($" type=\"{type}\"");
            var errorType = (Options.Text(o, "error_type") ?? "stop").ToLowerInvariant();
            if (errorType is "warning" or "information") x.Append($" errorStyle=\"{errorType}\"");
            if (type is not ("none" or "list" or "custom"))
            {
                var op = Options.Operator(Options.Text(o, "criteria"));
                if (op != "between") x.Append($" operator=\"{op}\"");
            }
            if (Options.Flag(o, "ignore_blank", true)) x.Append(" allowBlank=\"1\"");
            if (!Options.Flag(o, "dropdown", true)) x.Append(" showDropDown=\"1\"");
            if (Options.Flag(o, "show_input", true)) x.Append(" showInputMessage=\"1\"");
            if (Options.Flag(o, "show_error", true)) x.Append(" showErrorMessage=\"1\"");
            if (Options.Text(o, "error_title") is { } errorTitle) x.Append($" errorTitle=\"{Options.E(errorTitle)}\"");
            if (Options.Text(o, "error_message") is { } error) x.Append($" error=\"{Options.E(error)}\"");
            if (Options.Text(o, "input_title") is { } promptTitle) x.Append($" promptTitle=\"{Options.E(promptTitle)}\"");
            if (Options.Text(o, "input_message") is { } prompt) x.Append($" prompt=\"{Options.E(prompt)}\"");
            var sqref = range.A1;
            if (o["other_cells"] is JsonArray others)
                foreach (var other in others.OfType<JsonArray>().Where(a => a.Count >= 2))
                {
                    var r1 = (int)other[0]!.GetValue<double>(); var c1 = (int)other[1]!.GetValue<double>();
                    var r2 = other.Count >= 4 ? (int)other[2]!.GetValue<double>() : r1; var c2 = other.Count >= 4 ? (int)other[3]!.GetValue<double>() : c1;
                    sqref += " " + new CellRange(r1, c1, r2, c2).A1;
                }
            x.Append($" sqref=\"{sqref}\">");
            if (type != "none")
            {
                var value = o["minimum"] ?? o["source"] ?? o["value"];
                string? first;
                if (type == "list" && value is JsonArray items)
                    first = "\"" + string.Join(",", items.Select(i => i?.ToString() ?? "")) + "\"";
                else first = value is null ? null : Options.Operand(Options.Text(new JsonObject { ["v"] = value.DeepClone() }, "v")!);
                if (first is not null) x.Append($"<formula1>{Options.E(first)}</formula1>");
                if (o["maximum"] is { } max && type is not ("list" or "custom"))
                    x.Append($"<formula2>{Options.E(Options.Operand(Options.Text(new JsonObject { ["v"] = max.DeepClone() }, "v")!))}</formula2>");
            }
            x.Append("</dataValidation>");
        }
        return x.Append("</dataValidations>").ToString();
    }
}

/// <summary>conditional_format's &lt;conditionalFormatting&gt; elements, as native writes them.</summary>
internal static class Conditional
{
    private static readonly Dictionary<string, (string Name, string Formula)> Periods = new()
    {
        ["yesterday"] = ("yesterday", "FLOOR({0},1)=TODAY()-1"),
        ["today"] = ("today", "FLOOR({0},1)=TODAY()"),
        ["tomorrow"] = ("tomorrow", "FLOOR({0},1)=TODAY()+1"),
        ["last 7 days"] = ("last7Days", "AND(TODAY()-FLOOR({0},1)<=6,FLOOR({0},1)<=TODAY())"),
        ["last week"] = ("lastWeek", "AND(TODAY()-ROUNDDOWN({0},0)>=(WEEKDAY(TODAY())),TODAY()-ROUNDDOWN({0},0)<(WEEKDAY(TODAY())+7))"),
        ["this week"] = ("thisWeek", "AND(TODAY()-ROUNDDOWN({0},0)<=WEEKDAY(TODAY())-1,ROUNDDOWN({0},0)-TODAY()<=7-WEEKDAY(TODAY()))"),
        ["next week"] = ("nextWeek", "AND(ROUNDDOWN({0},0)-TODAY()>(7-WEEKDAY(TODAY())),ROUNDDOWN({0},0)-TODAY()<(15-WEEKDAY(TODAY())))"),
        ["last month"] = ("lastMonth", "AND(MONTH({0})=MONTH(TODAY())-1,OR(YEAR({0})=YEAR(TODAY()),AND(MONTH({0})=1,YEAR({0})=YEAR(TODAY())-1)))"),
        ["this month"] = ("thisMonth", "AND(MONTH({0})=MONTH(TODAY()),YEAR({0})=YEAR(TODAY()))"),
        ["next month"] = ("nextMonth", "AND(MONTH({0})=MONTH(TODAY())+1,OR(YEAR({0})=YEAR(TODAY()),AND(MONTH({0})=12,YEAR({0})=YEAR(TODAY())+1)))"),
    };

    public static string Xml(CellRange range, JsonObject o, Styles styles, ref int priority)
    {
        var type = (Options.Text(o, "type") ?? "").ToLowerInvariant();
        var criteria = Options.Text(o, "criteria");
        var first = Cells.Name(range.FirstRow, range.FirstCol);
        var sqref = Options.Text(o, "multi_range") ?? range.A1;
        var dxf = o["format"] is { } f && int.TryParse(f.ToString(), out var id) && id > 0 ? styles.DxfFor(id) : (int?)null;
        var rule = new StringBuilder("<cfRule");
        var body = new StringBuilder();
        string Formula(string s) => $"<formula>{Options.E(s)}</formula>";

        switch (type)
        {
            case "cell":
            {
                var op = Options.Operator(criteria);
                rule.Append(" type=\"cellIs\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o)).Append($" operator=\"{op}\"");
                if (op is "between" or "notBetween")
                {
                    body.Append(Formula(Options.Operand(Options.Text(o, "minimum") ?? Options.Text(o, "value") ?? "0")));
                    body.Append(Formula(Options.Operand(Options.Text(o, "maximum") ?? "0")));
                }
                else body.Append(Formula(Options.Operand(Options.Text(o, "value") ?? "0")));
                break;
            }
            case "text":
            {
                var value = Options.Text(o, "value") ?? "";
                var quoted = value.Replace("\"", "\"\"");
                var (ruleType, op, formula) = (criteria ?? "").ToLowerInvariant() switch
                {
                    "containing" => ("containsText", "containsText", $"NOT(ISERROR(SEARCH(\"{quoted}\",{first})))"),
                    "not containing" => ("notContainsText", "notContains", $"ISERROR(SEARCH(\"{quoted}\",{first}))"),
                    "begins with" => ("beginsWith", "beginsWith", $"LEFT({first},{value.Length})=\"{quoted}\""),
                    "ends with" => ("endsWith", "endsWith", $"RIGHT({first},{value.Length})=\"{quoted}\""),
                    var other => throw BridgeException.Usage($"excel.write: op 'conditional_format': unknown text criteria '{other}'"),
                };
                rule.Append($" type=\"{ruleType}\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o))
                    .Append($" operator=\"{op}\" text=\"{Options.E(value)}\"");
                body.Append(Formula(formula));
                break;
            }
            case "date" or "time_period":
            {
                var key = (criteria ?? "").ToLowerInvariant();
                if (!Periods.TryGetValue(key, out var period))
                    throw BridgeException.Usage($"excel.write: op 'conditional_format': unknown time period '{criteria}'");
                rule.Append(" type=\"timePeriod\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o)).Append($" timePeriod=\"{period.Name}\"");
                body.Append(Formula(string.Format(CultureInfo.InvariantCulture, period.Formula, first)));
                break;
            }
            case "average":
            {
                rule.Append(" type=\"aboveAverage\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o));
                rule.Append((criteria ?? "above").ToLowerInvariant() switch
                {
                    "above" => "",
                    "below" => " aboveAverage=\"0\"",
                    "equal or above" => " equalAverage=\"1\"",
                    "equal or below" => " aboveAverage=\"0\" equalAverage=\"1\"",
                    "1 std dev above" => " stdDev=\"1\"",
                    "1 std dev below" => " aboveAverage=\"0\" stdDev=\"1\"",
                    "2 std dev above" => " stdDev=\"2\"",
                    "2 std dev below" => " aboveAverage=\"0\" stdDev=\"2\"",
                    "3 std dev above" => " stdDev=\"3\"",
                    "3 std dev below" => " aboveAverage=\"0\" stdDev=\"3\"",
                    var other => throw BridgeException.Usage($"excel.write: op 'conditional_format': unknown average criteria '{other}'"),
                });
                break;
            }
            case "duplicate" or "unique":
                rule.Append(type == "duplicate" ? " type=\"duplicateValues\"" : " type=\"uniqueValues\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o));
                break;
            case "top" or "bottom":
            {
                rule.Append(" type=\"top10\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o));
                if (criteria == "%") rule.Append(" percent=\"1\"");
                if (type == "bottom") rule.Append(" bottom=\"1\"");
                rule.Append($" rank=\"{Options.Text(o, "value") ?? "10"}\"");
                break;
            }
            case "blanks" or "no_blanks" or "errors" or "no_errors":
            {
                var (ruleType, formula) = type switch
                {
                    "blanks" => ("containsBlanks", $"LEN(TRIM({first}))=0"),
                    "no_blanks" => ("notContainsBlanks", $"LEN(TRIM({first}))>0"),
                    "errors" => ("containsErrors", $"ISERROR({first})"),
                    _ => ("notContainsErrors", $"NOT(ISERROR({first}))"),
                };
                rule.Append($" type=\"{ruleType}\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o));
                body.Append(Formula(formula));
                break;
            }
            case "formula":
                rule.Append(" type=\"expression\"").Append(Dxf(dxf)).Append(Priority(ref priority)).Append(Stop(o));
                body.Append(Formula(Options.Operand(criteria ?? Options.Text(o, "value") ?? "")));
                break;
            case "2_color_scale" or "3_color_scale":
            {
                var three = type == "3_color_scale";
                rule.Append(" type=\"colorScale\"").Append(Priority(ref priority));
                body.Append("<colorScale>");
                body.Append(Cfvo(o, "min", "min", null));
                if (three) body.Append(Cfvo(o, "mid", "percentile", "50"));
                body.Append(Cfvo(o, "max", "max", null));
                body.Append(Color(o, "min_color", three ? "#F8696B" : "#FF7128"));
                if (three) body.Append(Color(o, "mid_color", "#FFEB84"));
                body.Append(Color(o, "max_color", three ? "#63BE7B" : "#FFEF9C"));
                body.Append("</colorScale>");
                break;
            }
            case "icon_set":
            {
                var style = (Options.Text(o, "icon_style") ?? "").ToLowerInvariant();
                if (!IconSets.TryGetValue(style, out var set))
                    throw BridgeException.Usage($"excel.write: op 'conditional_format': unknown icon_style '{style}'");
                var count = set[0] - '0';
                rule.Append(" type=\"iconSet\"").Append(Priority(ref priority));
                body.Append("<iconSet");
                if (set != "3TrafficLights") body.Append($" iconSet=\"{set}\"");
                if (Options.Flag(o, "icons_only", false)) body.Append(" showValue=\"0\"");
                if (Options.Flag(o, "reverse_icons", false)) body.Append(" reverse=\"1\"");
                body.Append('>');
                // Thresholds from the highest icon down, as the script gives them; written lowest first.
                var thresholds = Enumerable.Range(0, count).Select(i => (Type: "percent", Value: (100 * (count - 1 - i) + count / 2) / count, Gte: true))
                    .Select(t => (t.Type, Value: t.Value.ToString(CultureInfo.InvariantCulture), t.Gte)).ToArray();
                thresholds[^1].Value = "0";
                if (o["icons"] is JsonArray icons)
                    for (var i = 0; i < Math.Min(icons.Count, count - 1); i++)
                        if (icons[i] is JsonObject icon)
                        {
                            if (Options.Text(icon, "value") is { } v) thresholds[i].Value = v.StartsWith('=') ? v[1..] : v;
                            if (Options.Text(icon, "type") is { } t) thresholds[i].Type = CfvoType(t);
                            if (Options.Text(icon, "criteria") is { } c) thresholds[i].Gte = c != ">";
                        }
                foreach (var (t, v, gte) in thresholds.Reverse())
                    body.Append($"<cfvo type=\"{t}\" val=\"{Options.E(v)}\"{(gte ? "" : " gte=\"0\"")}/>");
                body.Append("</iconSet>");
                break;
            }
            case "data_bar":
                rule.Append(" type=\"dataBar\"").Append(Priority(ref priority));
                body.Append("<dataBar>").Append(Cfvo(o, "min", "min", null)).Append(Cfvo(o, "max", "max", null))
                    .Append(Color(o, "bar_color", "#638EC6")).Append("</dataBar>");
                break;
            default:
                throw BridgeException.Usage($"excel.write: op 'conditional_format': unknown type '{type}'");
        }
        rule.Append('>').Append(body).Append("</cfRule>");
        return $"<conditionalFormatting sqref=\"{Options.E(sqref)}\">{rule}</conditionalFormatting>";
    }

    private static readonly Dictionary<string, string> IconSets = new()
    {
        ["3_arrows"] = "3Arrows", ["3_flags"] = "3Flags", ["3_traffic_lights_rimmed"] = "3TrafficLights2",
        ["3_symbols_circled"] = "3Symbols", ["4_arrows"] = "4Arrows", ["4_red_to_black"] = "4RedToBlack",
        ["4_traffic_lights"] = "4TrafficLights", ["5_arrows_gray"] = "5ArrowsGray", ["5_quarters"] = "5Quarters",
        ["3_arrows_gray"] = "3ArrowsGray", ["3_traffic_lights"] = "3TrafficLights", ["3_signs"] = "3Signs",
        ["3_symbols"] = "3Symbols2", ["4_arrows_gray"] = "4ArrowsGray", ["4_ratings"] = "4Rating",
        ["5_arrows"] = "5Arrows", ["5_ratings"] = "5Rating",
    };

    /// <summary>The script's threshold type as the file names it ('number' is 'num').</summary>
    private static string CfvoType(string type) => type == "number" ? "num" : type;

    private static string Dxf(int? dxf) => dxf is { } d ? $" dxfId=\"{d}\"" : "";
    private static string Priority(ref int priority) => $" priority=\"{priority++}\"";
    private static string Stop(JsonObject o) => Options.Flag(o, "stop_if_true", false) ? " stopIfTrue=\"1\"" : "";

    private static string Cfvo(JsonObject o, string which, string defaultType, string? defaultValue)
    {
        var type = CfvoType(Options.Text(o, which + "_type") ?? defaultType);
        // As native: min and max carry val="0" (Excel ignores it), the others their value.
        var value = Options.Text(o, which + "_value") ?? defaultValue ?? "0";
        return value is null ? $"<cfvo type=\"{type}\"/>" : $"<cfvo type=\"{type}\" val=\"{Options.E(Options.Operand(value))}\"/>";
    }

    private static string Color(JsonObject o, string key, string fallback) =>
        $"<color rgb=\"{Styles.Argb(Options.Text(o, key)) ?? Styles.Argb(fallback)}\"/>";
}

/// <summary>insert_image: PNG and JPEG (and GIF, BMP) read at the op, placed by a one-cell anchor at close.</summary>
internal static class Images
{
    private const long EmuPerPixel = 9525;

    public static SheetImage Load(OpArgs a, int row, int col, string filename, JsonObject options)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(filename);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw BridgeException.Native($"insert_image: {filename}: {e.Message}", new JsonObject { ["error"] = e.Message });
        }
        var (extension, width, height, xDpi, yDpi) = Probe(data) ?? throw a.Bad($"{filename}: not a PNG, JPEG, GIF or BMP image");
        double Num(string key, double fallback) =>
            options[key] is JsonValue v && double.TryParse(v.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : fallback;
        // Sizes as Excel shows them: at 96 dpi, so an image stored at 72 dpi appears larger.
        var xScale = Num("x_scale", 1) * 96 / (xDpi > 0 ? xDpi : 96);
        var yScale = Num("y_scale", 1) * 96 / (yDpi > 0 ? yDpi : 96);
        return new SheetImage(row, col, data, extension, width, height, xScale, yScale, (int)Num("x_offset", 0), (int)Num("y_offset", 0),
            Options.Text(options, "url"), Options.Text(options, "description") ?? Path.GetFileName(filename));
    }

    /// <summary>Type, pixel size and resolution from the file's header.</summary>
    internal static (string Extension, int Width, int Height, double XDpi, double YDpi)? Probe(byte[] d)
    {
        if (d.Length > 24 && d[0] == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G')
        {
            var width = (int)BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(16));
            var height = (int)BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(20));
            double xDpi = 96, yDpi = 96;
            var p = 8;
            while (p + 12 <= d.Length)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(p));
                var type = Encoding.ASCII.GetString(d, p + 4, 4);
                if (type == "pHYs" && p + 8 + 9 <= d.Length && d[p + 16] == 1)
                {
                    xDpi = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(p + 8)) * 0.0254;
                    yDpi = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(p + 12)) * 0.0254;
                }
                if (type is "IDAT" or "IEND" || length < 0) break;
                p += 12 + length;
            }
            return ("png", width, height, xDpi, yDpi);
        }
        if (d.Length > 4 && d[0] == 0xFF && d[1] == 0xD8)
        {
            double xDpi = 96, yDpi = 96;
            var p = 2;
            while (p + 9 < d.Length)
            {
                if (d[p] != 0xFF) { p++; continue; }
                var marker = d[p + 1];
                var length = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 2));
                if (marker == 0xE0 && p + 16 < d.Length && Encoding.ASCII.GetString(d, p + 4, 4) == "JFIF")
                {
                    var units = d[p + 11];
                    var x = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 12));
                    var y = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 14));
                    if (units == 1) { xDpi = x; yDpi = y; }
                    else if (units == 2) { xDpi = x * 2.54; yDpi = y * 2.54; }
                }
                if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                {
                    var height = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 5));
                    var width = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(p + 7));
                    return ("jpeg", width, height, xDpi == 0 ? 96 : xDpi, yDpi == 0 ? 96 : yDpi);
                }
                p += 2 + length;
            }
            return null;
        }
        if (d.Length > 10 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F')
            return ("gif", BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(6)), BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(8)), 96, 96);
        if (d.Length > 26 && d[0] == 'B' && d[1] == 'M')
            return ("bmp", BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(18)), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(22))), 96, 96);
        return null;
    }

    /// <summary>Writes the sheet's drawing part, its relationships and the media; returns the drawing's target from the sheet.</summary>
    public static void WriteDrawing(Sheet sheet, XlsxBuilder.PackageParts package, ref int imageCount)
    {
        var drawingNumber = sheet.Index + 1;
        var rels = new XlsxBuilder.Relationships();
        var x = new StringBuilder("<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">");
        var shapeId = 2;
        foreach (var image in sheet.Images)
        {
            imageCount++;
            var media = $"image{imageCount}.{image.Extension}";
            package.Binary("xl/media/" + media, image.Data, image.Extension);
            var embed = rels.Add(XlsxBuilder.OfficeRel + "/image", "../media/" + media);
            var cx = (long)Math.Round(image.WidthPx * image.XScale) * EmuPerPixel;
            var cy = (long)Math.Round(image.HeightPx * image.YScale) * EmuPerPixel;
            x.Append("<xdr:oneCellAnchor>");
            x.Append($"<xdr:from><xdr:col>{image.Col}</xdr:col><xdr:colOff>{image.XOffset * EmuPerPixel}</xdr:colOff><xdr:row>{image.Row}</xdr:row><xdr:rowOff>{image.YOffset * EmuPerPixel}</xdr:rowOff></xdr:from>");
            x.Append($"<xdr:ext cx=\"{cx}\" cy=\"{cy}\"/>");
            x.Append($"<xdr:pic><xdr:nvPicPr><xdr:cNvPr id=\"{shapeId}\" name=\"Picture {shapeId - 1}\" descr=\"{Options.E(image.Description ?? "")}\"");
            if (image.Url is { Length: > 0 } url)
            {
                var link = rels.Add(XlsxBuilder.OfficeRel + "/hyperlink", url, external: true);
                x.Append($"><a:hlinkClick r:id=\"{link}\"/></xdr:cNvPr>");
            }
            else x.Append("/>");
            shapeId++;
            x.Append("<xdr:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></xdr:cNvPicPr></xdr:nvPicPr>");
            x.Append($"<xdr:blipFill><a:blip r:embed=\"{embed}\"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>");
            x.Append($"<xdr:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>");
            x.Append("<xdr:clientData/></xdr:oneCellAnchor>");
        }
        x.Append("</xdr:wsDr>");
        package.Text($"xl/drawings/drawing{drawingNumber}.xml", "application/vnd.openxmlformats-officedocument.drawing+xml", x.ToString());
        package.Text($"xl/drawings/_rels/drawing{drawingNumber}.xml.rels", null, rels.Xml());
    }
}
