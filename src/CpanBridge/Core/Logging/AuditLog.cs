using System.Text.Encodings.Web;
using System.Text.Json;
using CpanBridge.Core.Metrics;

namespace CpanBridge.Core.Logging;

/// <summary>
/// Refused peers and requests, one JSON object per line, so they can be grepped and shipped.
/// Each entry also becomes a security event in system.stats.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly DaemonStats _stats;
    private readonly object _gate = new();

    public AuditLog(string path, DaemonStats stats)
    {
        _stats = stats;
        Target = path;
        if (path == "-")
        {
            _writer = Console.Error;
        }
        else
        {
            _writer = Log.OpenAppend(path);
            _ownsWriter = true;
        }
    }

    public string Target { get; }

    /// <summary>Reopens the file at <see cref="Target"/> (on SIGHUP, after logrotate moved it).</summary>
    public void Reopen()
    {
        if (!_ownsWriter) return;
        lock (_gate)
        {
            var fresh = Log.OpenAppend(Target);
            _writer.Dispose();
            _writer = fresh;
        }
    }

    public void Record(string eventType, string severity, string reason, PeerCredentials? peer,
        long connectionId = 0, string? function = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("time", now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("event", eventType);
            json.WriteString("severity", severity);
            json.WriteString("reason", reason);
            if (peer is { } p)
            {
                json.WriteNumber("pid", p.Pid);
                json.WriteNumber("uid", p.Uid);
                json.WriteNumber("gid", p.Gid);
            }
            if (connectionId > 0) json.WriteNumber("connection_id", connectionId);
            if (function is not null) json.WriteString("function", function);
            json.WriteEndObject();
        }
        var line = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
        }
        var who = peer is { } q ? $"uid {q.Uid} pid {q.Pid}: " : "";
        _stats.RecordSecurityEvent(new SecurityEvent(eventType, severity, now, who + reason));
    }

    public void Dispose()
    {
        if (_ownsWriter) lock (_gate) _writer.Dispose();
    }
}
