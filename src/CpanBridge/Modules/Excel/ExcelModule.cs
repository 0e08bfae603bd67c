using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Modules.Excel;

/// <summary>
/// The daemon side of Excel::Writer::XLSX (docs/protocol.md, "Module excel"): a workbook per
/// handle, filled by batched ops and cell records, built into an .xlsx at close; plus the user
/// guide's raw API (create_workbook, add_worksheet, write_cell, save_workbook) on the session's
/// current workbook and worksheet.
/// </summary>
public sealed class ExcelModule(BridgeRuntime runtime) : IBridgeModule
{
    private static readonly HandleKind<Workbook> WorkbookKind = new("excel.workbook", w => w.Dispose());

    // Session-state keys of the raw API.
    private static readonly object CurrentWorkbook = new();
    private static readonly object CurrentSheet = new();

    private readonly Log _log = runtime.Log;
    private const long BigWorkbookCells = 200_000;

    public string Name => "excel";

    public void Register(ModuleBuilder module)
    {
        module.Function("workbook_open", Guard(Open)).Required("filename", ParamType.String).Optional("options", ParamType.Object).Stateful();
        module.Function("write", Guard(Write)).Required("handle", ParamType.Handle).Optional("ops", ParamType.Array)
            .Optional("cells", ParamType.Integer);
        module.Function("close", Guard(Close)).Required("handle", ParamType.Handle).Optional("formats", ParamType.Object);
        module.Function("create_workbook", Guard(CreateWorkbook)).Required("filename", ParamType.String).Stateful();
        module.Function("add_worksheet", Guard(AddWorksheet)).Optional("sheet_name", ParamType.String).Optional("handle", ParamType.Handle);
        module.Function("write_cell", Guard(WriteCell)).Required("row", ParamType.Integer).Required("col", ParamType.Integer)
            .Required("value", ParamType.Any).Optional("sheet_name", ParamType.String).Optional("handle", ParamType.Handle);
        module.Function("save_workbook", Guard(Save)).Optional("handle", ParamType.Handle);
        module.Function("close_workbook", Guard(Save)).Optional("handle", ParamType.Handle);
    }

    /// <summary>A malformed attachment is the caller's mistake, named after the function.</summary>
    private static BridgeFunction Guard(Func<CallContext, Reply> function) => call =>
    {
        try
        {
            return ValueTask.FromResult(function(call));
        }
        catch (FormatException e)
        {
            throw BridgeException.Usage($"{call.Function.FullName}: {e.Message}");
        }
    };

    // ---- the drop-in's functions ---------------------------------------------------------------

    private Reply Open(CallContext call)
    {
        var handle = OpenWorkbook(call, call.Params.GetString("filename"));
        return Reply.Of(new JsonObject { ["handle"] = handle });
    }

    /// <summary>
    /// Creates the work file beside the destination now, so a directory that takes no file fails
    /// here, with the errno and text Perl's $! would show, rather than at close.
    /// </summary>
    private string OpenWorkbook(CallContext call, string filename)
    {
        if (!Path.IsPathRooted(filename))
            throw BridgeException.Usage($"{call.Function.FullName}: 'filename' must be an absolute path, got '{filename}'");
        var directory = Path.GetDirectoryName(filename) ?? "/";
        var name = Path.GetFileName(filename);
        var errno = 0;
        if (name.Length == 0 || Directory.Exists(filename)) errno = 21; // EISDIR, what open() on the path would say
        string work = "";
        if (errno == 0)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                work = Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Random.Shared.Next():x8}.tmp");
                errno = ExcelNative.CreateNew(work);
                if (errno != 17) break; // EEXIST: another name
            }
        }
        if (errno != 0)
        {
            var text = ExcelNative.Message(errno);
            _log.Info($"excel: connection {call.Session.Id}: cannot write {filename}: {text}");
            throw BridgeException.Native($"{filename}: {text}", new JsonObject { ["errno"] = errno, ["error"] = text });
        }
        var book = new Workbook(filename, work);
        try
        {
            var handle = call.Handles.Open(WorkbookKind, book);
            call.Session.SetState(CurrentWorkbook, handle);
            call.Session.SetState(CurrentSheet, null);
            return handle;
        }
        catch
        {
            book.Dispose();
            throw;
        }
    }

    private static Reply Write(CallContext call)
    {
        var book = call.Handles.Get(WorkbookKind, call.Params.GetString("handle"));
        if (call.Params.Has("ops")) Ops.Apply(book, call.Params.Get("ops"));
        var records = book.ApplyRecords(call.Attachment.Span);
        if (call.Params.Has("cells") && call.Params.GetInt64("cells") != records)
            throw BridgeException.Usage($"excel.write: 'cells' says {call.Params.GetInt64("cells")} records, the attachment holds {records}");
        return Reply.Of(new JsonObject());
    }

    private Reply Close(CallContext call)
    {
        var handle = call.Params.GetString("handle");
        var book = call.Handles.Get(WorkbookKind, handle);
        JsonObject? formats = call.Params.Has("formats") ? (JsonObject)JsonNode.Parse(call.Params.Get("formats").GetRawText())! : null;
        var bytes = Finish(call, handle, book, formats);
        return Reply.Of(new JsonObject { ["bytes"] = bytes });
    }

    /// <summary>Builds the package into the work file, renames it over the destination and closes the handle.</summary>
    private long Finish(CallContext call, string handle, Workbook book, JsonObject? formats)
    {
        long bytes;
        var big = false;
        try
        {
            // A big workbook's batches leave much garbage; collecting it before the build keeps the
            // daemon's peak (the 1M-cell budget is 300 MB) from adding the build's own on top.
            big = book.CellCount >= BigWorkbookCells;
            if (big) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            bytes = XlsxBuilder.Write(book, formats, book.WorkPath);
            if (ExcelNative.Rename(book.WorkPath, book.Filename) is var errno and not 0)
                throw new RenameFailed(errno);
            book.Finished = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RenameFailed)
        {
            // rename(2) gives the errno Perl would see; .NET's own I/O errors carry only a message.
            var (errno, text) = e is RenameFailed r ? (r.Errno, ExcelNative.Message(r.Errno))
                : e is UnauthorizedAccessException ? (13, ExcelNative.Message(13)) : (5, e.Message);
            _log.Info($"excel: connection {call.Session.Id}: writing {book.Filename} failed: {text}");
            call.Handles.Close(handle);
            throw BridgeException.Native($"{book.Filename}: {text}", new JsonObject { ["errno"] = errno, ["error"] = text }, e);
        }
        call.Handles.Close(handle);
        if (big) GC.Collect(2, GCCollectionMode.Optimized, blocking: false);
        if (call.Session.GetState<string>(CurrentWorkbook) == handle)
        {
            call.Session.SetState(CurrentWorkbook, null);
            call.Session.SetState(CurrentSheet, null);
        }
        _log.Info($"excel: connection {call.Session.Id}: wrote {book.Filename} ({bytes} bytes, {book.Sheets.Count} sheets)");
        return bytes;
    }

    private sealed class RenameFailed(int errno) : Exception
    {
        public int Errno { get; } = errno;
    }

    // ---- the raw API ---------------------------------------------------------------------------

    private Reply CreateWorkbook(CallContext call)
    {
        var filename = call.Params.GetString("filename");
        var handle = OpenWorkbook(call, filename);
        return Reply.Of(new JsonObject { ["handle"] = handle, ["filename"] = filename });
    }

    private static (string Handle, Workbook Book) Current(CallContext call)
    {
        var handle = call.Params.GetStringOrNull("handle") ?? call.Session.GetState<string>(CurrentWorkbook)
            ?? throw BridgeException.Usage($"{call.Function.FullName}: no 'handle' and no current workbook: call excel.create_workbook first");
        return (handle, call.Handles.Get(WorkbookKind, handle));
    }

    private static Reply AddWorksheet(CallContext call)
    {
        var (_, book) = Current(call);
        var sheet = book.AddSheet(call.Params.GetStringOrNull("sheet_name"));
        call.Session.SetState(CurrentSheet, sheet);
        return Reply.Of(new JsonObject { ["sheet_name"] = sheet.Name, ["index"] = sheet.Index });
    }

    private static Reply WriteCell(CallContext call)
    {
        var (_, book) = Current(call);
        Sheet sheet;
        if (call.Params.GetStringOrNull("sheet_name") is { } name)
            sheet = book.Sheets.FirstOrDefault(s => s.Name == name)
                ?? throw BridgeException.Usage($"excel.write_cell: no worksheet named '{name}'");
        else
            sheet = call.Session.GetState<Sheet>(CurrentSheet) is { } current && book.Sheets.Contains(current) ? current
                : book.Sheets.Count > 0 ? book.Sheets[^1] : book.AddSheet(null);
        var row = call.Params.GetInt64("row");
        var col = call.Params.GetInt64("col");
        if (row is < 0 or > Cells.MaxRow) throw BridgeException.Usage($"excel.write_cell: row {row} is outside 0..{Cells.MaxRow}");
        if (col is < 0 or > Cells.MaxCol) throw BridgeException.Usage($"excel.write_cell: col {col} is outside 0..{Cells.MaxCol}");
        var value = call.Params.Raw.GetProperty("value");
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                book.WriteCell(sheet, (int)row, (int)col, 'n', 0, value.GetRawText(), "");
                break;
            case JsonValueKind.Null:
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                book.WriteCell(sheet, (int)row, (int)col, 'B', 0, value.ValueKind == JsonValueKind.True ? "1" : "0", "");
                break;
            case JsonValueKind.String:
                book.WriteCell(sheet, (int)row, (int)col, 's', 0, value.GetString()!, "");
                break;
            default:
                book.WriteCell(sheet, (int)row, (int)col, 's', 0, value.GetRawText(), "");
                break;
        }
        return Reply.Of(new JsonObject { ["sheet_name"] = sheet.Name, ["row"] = row, ["col"] = col });
    }

    private Reply Save(CallContext call)
    {
        var (handle, book) = Current(call);
        var filename = book.Filename;
        var bytes = Finish(call, handle, book, null);
        return Reply.Of(new JsonObject { ["filename"] = filename, ["bytes"] = bytes });
    }
}
