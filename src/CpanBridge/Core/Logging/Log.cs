using System.Globalization;
using System.Text;

namespace CpanBridge.Core.Logging;

public enum LogLevel { Debug, Info, Warn, Error }

/// <summary>
/// The daemon log: one event per line, "2026-11-21T23:59:01.123Z INFO  message", in a file an
/// operator can tail (or stderr under systemd). Never given passwords or keys.
/// </summary>
public sealed class Log : IDisposable
{
    private TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly LogLevel _minimum;
    private readonly object _gate = new();

    public Log(TextWriter writer, LogLevel minimum, bool ownsWriter = false)
    {
        _writer = writer;
        _minimum = minimum;
        _ownsWriter = ownsWriter;
    }

    public string Target { get; private init; } = "stderr";

    /// <summary>"-" means stderr; anything else is a file opened for appending (created 0600).</summary>
    public static Log Open(string path, string level)
    {
        var minimum = Parse(level);
        if (path == "-") return new Log(Console.Error, minimum);
        return new Log(OpenAppend(path), minimum, ownsWriter: true) { Target = path };
    }

    internal static TextWriter OpenAppend(string path)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        return new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
    }

    public static LogLevel Parse(string level) => level switch
    {
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warn,
        "error" => LogLevel.Error,
        _ => LogLevel.Info,
    };

    public bool IsEnabled(LogLevel level) => level >= _minimum;

    /// <summary>
    /// Closes and reopens the log file (on SIGHUP), so logrotate can move it away and the next
    /// line goes to a new file at the configured path.
    /// </summary>
    public void Reopen()
    {
        if (!_ownsWriter) return;
        lock (_gate)
        {
            var fresh = OpenAppend(Target);
            _writer.Dispose();
            _writer = fresh;
        }
    }

    public void Debug(string message) => Write(LogLevel.Debug, message);
    public void Info(string message) => Write(LogLevel.Info, message);
    public void Warn(string message) => Write(LogLevel.Warn, message);
    public void Error(string message) => Write(LogLevel.Error, message);

    public void Write(LogLevel level, string message)
    {
        if (level < _minimum) return;
        var label = level switch { LogLevel.Debug => "DEBUG", LogLevel.Info => "INFO ", LogLevel.Warn => "WARN ", _ => "ERROR" };
        var line = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + " " + label + " " + message;
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // A full disk, or a late line during shutdown, must not take the daemon down with it.
            }
        }
    }

    public void Dispose()
    {
        if (_ownsWriter) lock (_gate) _writer.Dispose();
    }
}
