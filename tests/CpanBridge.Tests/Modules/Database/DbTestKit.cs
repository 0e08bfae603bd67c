using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Database;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>What the Perl drop-in does on the wire, in C#: packing binds, unpacking row blocks, calling with attachments.</summary>
internal static class DbTestKit
{
    /// <summary>pack('w/a* (w/a*)*', $marks, @values) of one bind set; null for zero binds (no attachment).</summary>
    public static byte[]? Binds(params (char Mark, string? Value)[] binds)
    {
        if (binds.Length == 0) return null;
        var output = new ArrayBufferWriter<byte>();
        AppendSet(output, binds);
        return output.WrittenSpan.ToArray();
    }

    public static void AppendSet(ArrayBufferWriter<byte> output, (char Mark, string? Value)[] binds)
    {
        Ber.Write(output, (ulong)binds.Length);
        output.Write(binds.Select(b => (byte)b.Mark).ToArray());
        foreach (var (mark, value) in binds)
        {
            var bytes = mark == 'b' && value is not null ? Encoding.Latin1.GetBytes(value) : Encoding.UTF8.GetBytes(value ?? "");
            Ber.Write(output, (ulong)bytes.Length);
            output.Write(bytes);
        }
    }

    public static async Task<(JsonObject Frame, byte[]? Attachment)> Call(PipeClient client, string function, JsonObject parameters,
        byte[]? attachment = null)
    {
        await client.SendAsync("database", function, parameters, attachment);
        return await client.ReadAsync();
    }

    /// <summary>Calls and asserts success; returns the result and attachment.</summary>
    public static async Task<(JsonObject Result, byte[]? Attachment)> Ok(PipeClient client, string function, JsonObject parameters,
        byte[]? attachment = null)
    {
        var (frame, bytes) = await Call(client, function, parameters, attachment);
        Assert.True(frame["success"]!.GetValue<bool>(), $"database.{function} failed: {frame.ToJsonString()}");
        return (frame["result"] as JsonObject ?? [], bytes);
    }

    public static async Task<JsonObject> Fail(PipeClient client, string function, JsonObject parameters, byte[]? attachment = null)
    {
        var (frame, _) = await Call(client, function, parameters, attachment);
        Assert.False(frame["success"]!.GetValue<bool>(), $"database.{function} succeeded: {frame.ToJsonString()}");
        return frame;
    }

    /// <summary>Rows of a reply's block as Perl would see them: (kind, text) per cell, kind 'N' for undef.</summary>
    public static List<(char Kind, string? Text)[]> Rows(JsonObject result, byte[]? attachment)
    {
        var kinds = result["kinds"]?.GetValue<string>() ?? "";
        var count = result["block_rows"]?.GetValue<int>() ?? 0;
        return [.. RowBlockReader.Read(attachment, kinds, count).Select(row => row.Select(c =>
            (c.Kind, c.IsNull ? null : c.Kind == 'b' ? Encoding.Latin1.GetString(c.Bytes.Span) : Encoding.UTF8.GetString(c.Bytes.Span))).ToArray())];
    }

    /// <summary>Each row's cells joined with '|' and NULL as "undef", kinds after a colon: "1|a:ib".</summary>
    public static List<string> Show(List<(char Kind, string? Text)[]> rows) =>
        [.. rows.Select(r => string.Join("|", r.Select(c => c.Text ?? "undef")) + ":" + new string([.. r.Select(c => c.Kind)]))];

    public static async Task<string> ConnectSqlite(PipeClient client, string file, bool autoCommit = true, JsonObject? attributes = null)
    {
        var parameters = new JsonObject { ["dsn"] = "dbi:SQLite:dbname=" + file, ["auto_commit"] = autoCommit };
        if (attributes is not null) parameters["attributes"] = attributes;
        var (result, _) = await Ok(client, "connect", parameters);
        return result["handle"]!.GetValue<string>();
    }
}
