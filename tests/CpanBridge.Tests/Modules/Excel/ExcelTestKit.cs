using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Database;
using CpanBridge.Tests.Support;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CpanBridge.Tests.Modules.Excel;

/// <summary>What the Perl drop-in does on the wire, in C#: packing cell records, calling excel functions; and reading the result.</summary>
internal static class ExcelTestKit
{
    public readonly record struct Rec(int Sheet, int Row, int Col, char Type, int Format, string Value, string Extra = "");

    /// <summary>pack('(w w w a w w/a* w/a*)*', ...).</summary>
    public static byte[] Pack(params Rec[] records)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var r in records) Append(output, r);
        return output.WrittenSpan.ToArray();
    }

    public static void Append(ArrayBufferWriter<byte> output, in Rec r)
    {
        Ber.Write(output, (ulong)r.Sheet);
        Ber.Write(output, (ulong)r.Row);
        Ber.Write(output, (ulong)r.Col);
        output.Write([(byte)r.Type]);
        Ber.Write(output, (ulong)r.Format);
        foreach (var text in new[] { r.Value, r.Extra })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Ber.Write(output, (ulong)bytes.Length);
            output.Write(bytes);
        }
    }

    public static async Task<JsonObject> Call(PipeClient client, string function, JsonObject parameters, byte[]? attachment = null)
    {
        await client.SendAsync("excel", function, parameters, attachment);
        return (await client.ReadAsync(TimeSpan.FromSeconds(120))).Frame;
    }

    public static async Task<JsonObject> Ok(PipeClient client, string function, JsonObject parameters, byte[]? attachment = null)
    {
        var frame = await Call(client, function, parameters, attachment);
        Assert.True(frame["success"]!.GetValue<bool>(), $"excel.{function} failed: {frame.ToJsonString()}");
        return frame["result"] as JsonObject ?? [];
    }

    public static async Task<JsonObject> Fail(PipeClient client, string function, JsonObject parameters, byte[]? attachment = null)
    {
        var frame = await Call(client, function, parameters, attachment);
        Assert.False(frame["success"]!.GetValue<bool>(), $"excel.{function} succeeded: {frame.ToJsonString()}");
        return frame;
    }

    public static async Task<string> Open(PipeClient client, string filename) =>
        (await Ok(client, "workbook_open", new JsonObject { ["filename"] = filename }))["handle"]!.GetValue<string>();

    public static JsonArray Op(int target, string name, JsonObject? args = null) => [target, name, args ?? new JsonObject()];

    public static async Task Write(PipeClient client, string handle, JsonArray? ops, params Rec[] cells)
    {
        var parameters = new JsonObject { ["handle"] = handle };
        if (ops is not null) parameters["ops"] = ops;
        await Ok(client, "write", parameters, cells.Length > 0 ? Pack(cells) : null);
    }

    /// <summary>One workbook: sheets "A" and more, ops and cells, formats; returns the path of the built file.</summary>
    public static async Task<string> Build(TestBridge bridge, JsonArray ops, JsonObject? formats, params Rec[] cells)
    {
        var client = bridge.Connect();
        var path = Path.Combine(bridge.Directory, Guid.NewGuid().ToString("N")[..8] + ".xlsx");
        var handle = await Open(client, path);
        await Write(client, handle, ops, cells);
        var parameters = new JsonObject { ["handle"] = handle };
        if (formats is not null) parameters["formats"] = formats;
        await Ok(client, "close", parameters);
        return path;
    }

    /// <summary>The whole package is readable by the SDK and every part validates against the schema.</summary>
    public static void AssertValid(string path)
    {
        using var document = SpreadsheetDocument.Open(path, false);
        var validator = new DocumentFormat.OpenXml.Validation.OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2010);
        var errors = validator.Validate(document).Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    public static SpreadsheetDocument Read(string path) => SpreadsheetDocument.Open(path, false);

    public static Worksheet Sheet(SpreadsheetDocument document, int index)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().ElementAt(index);
        return ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;
    }

    public static WorksheetPart SheetPart(SpreadsheetDocument document, int index)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().ElementAt(index);
        return (WorksheetPart)workbook.GetPartById(sheet.Id!);
    }

    public static Cell? CellAt(Worksheet sheet, string reference) =>
        sheet.Descendants<Cell>().FirstOrDefault(c => c.CellReference?.Value == reference);

    /// <summary>What the cell shows as text: shared strings resolved.</summary>
    public static string? Text(SpreadsheetDocument document, Worksheet sheet, string reference)
    {
        var cell = CellAt(sheet, reference);
        if (cell?.CellValue is null) return null;
        if (cell.DataType?.Value == CellValues.SharedString)
            return document.WorkbookPart!.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>()
                .ElementAt(int.Parse(cell.CellValue.Text)).InnerText;
        return cell.CellValue.Text;
    }

    public static CellFormat Xf(SpreadsheetDocument document, Cell cell) =>
        document.WorkbookPart!.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ElementAt((int)(cell.StyleIndex?.Value ?? 0));
}
