using System.Globalization;

namespace CpanBridge.Core.Config;

/// <summary>
/// Daemon settings, read from CPAN_BRIDGE_* environment variables (docs/configuration.md);
/// command-line options override them. Every bad value is an error naming the variable.
/// </summary>
public sealed class BridgeOptions
{
    public string SocketPath { get; set; } = "";
    public UnixFileMode SocketMode { get; set; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public HashSet<uint> AllowedUids { get; } = [];
    public string LogPath { get; set; } = "";
    public string AuditLogPath { get; set; } = "";
    public string LogLevel { get; set; } = "info";
    /// <summary>Seconds without any connection after which the daemon exits; null means "use the mode's default".</summary>
    public int? IdleExitSeconds { get; set; }
    public int MaxConnections { get; set; } = 256;
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;
    public long MaxAttachmentBytes { get; set; } = 512L * 1024 * 1024;
    public int MaxJsonDepth { get; set; } = 64;
    public int MaxHandlesPerConnection { get; set; } = 1000;
    public int MaxHandles { get; set; } = 20000;
    public int StaleTimeoutSeconds { get; set; } = 3600;
    public double ShutdownGraceSeconds { get; set; } = 4;

    public string BasePath => SocketPath.EndsWith(".sock", StringComparison.Ordinal) ? SocketPath[..^5] : SocketPath;
    public string PidPath => BasePath + ".pid";
    public string StartLockPath => BasePath + ".start.lock";

    public static BridgeOptions FromEnvironment(Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        var options = new BridgeOptions { SocketPath = RuntimePaths.DefaultSocketPath(getenv) };

        if (Get(getenv, "CPAN_BRIDGE_SOCKET_MODE") is { } mode)
            options.SocketMode = (UnixFileMode)ParseOctal("CPAN_BRIDGE_SOCKET_MODE", mode);
        if (Get(getenv, "CPAN_BRIDGE_ALLOWED_UIDS") is { } uids)
            foreach (var part in uids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                options.AllowedUids.Add(uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                    ? uid
                    : throw new ConfigException($"CPAN_BRIDGE_ALLOWED_UIDS: '{part}' is not a numeric uid"));

        options.LogPath = Get(getenv, "CPAN_BRIDGE_LOG") ?? options.BasePath + ".log";
        options.AuditLogPath = Get(getenv, "CPAN_BRIDGE_AUDIT_LOG") ?? options.BasePath + ".audit.log";
        options.LogLevel = Get(getenv, "CPAN_BRIDGE_LOG_LEVEL")?.ToLowerInvariant() ??
                           (Get(getenv, "CPAN_BRIDGE_DEBUG") is { } debug && debug != "0" ? "debug" : "info");
        if (options.LogLevel is not ("error" or "warn" or "info" or "debug"))
            throw new ConfigException($"CPAN_BRIDGE_LOG_LEVEL: '{options.LogLevel}' is not one of error, warn, info, debug");

        if (Get(getenv, "CPAN_BRIDGE_IDLE_EXIT") is { } idle) options.IdleExitSeconds = ParseInt("CPAN_BRIDGE_IDLE_EXIT", idle, 0);
        options.MaxConnections = IntOr(getenv, "CPAN_BRIDGE_MAX_CONNECTIONS", options.MaxConnections, 1);
        options.MaxFrameBytes = IntOr(getenv, "CPAN_BRIDGE_MAX_FRAME_BYTES", options.MaxFrameBytes, 1024);
        options.MaxAttachmentBytes = IntOr(getenv, "CPAN_BRIDGE_MAX_ATTACHMENT_BYTES", (int)Math.Min(options.MaxAttachmentBytes, int.MaxValue), 0);
        options.MaxJsonDepth = IntOr(getenv, "CPAN_BRIDGE_MAX_JSON_DEPTH", options.MaxJsonDepth, 4);
        options.MaxHandlesPerConnection = IntOr(getenv, "CPAN_BRIDGE_MAX_HANDLES_PER_CONNECTION", options.MaxHandlesPerConnection, 1);
        options.MaxHandles = IntOr(getenv, "CPAN_BRIDGE_MAX_HANDLES", options.MaxHandles, 1);
        options.StaleTimeoutSeconds = IntOr(getenv, "CPAN_BRIDGE_STALE_TIMEOUT", options.StaleTimeoutSeconds, 1);
        if (Get(getenv, "CPAN_BRIDGE_SHUTDOWN_GRACE") is { } grace)
            options.ShutdownGraceSeconds = double.TryParse(grace, NumberStyles.Float, CultureInfo.InvariantCulture, out var g) && g >= 0
                ? g
                : throw new ConfigException($"CPAN_BRIDGE_SHUTDOWN_GRACE: '{grace}' is not a number of seconds");
        return options;
    }

    private static string? Get(Func<string, string?> getenv, string name) =>
        getenv(name) is { Length: > 0 } value ? value : null;

    private static int IntOr(Func<string, string?> getenv, string name, int fallback, int minimum) =>
        Get(getenv, name) is { } value ? ParseInt(name, value, minimum) : fallback;

    internal static int ParseInt(string name, string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum
            ? number
            : throw new ConfigException($"{name}: '{value}' is not a whole number ≥ {minimum}");

    internal static int ParseOctal(string name, string value)
    {
        try
        {
            var mode = Convert.ToInt32(value, 8);
            if (mode is >= 0 and <= 0x1FF) return mode;
        }
        catch (FormatException)
        {
        }
        throw new ConfigException($"{name}: '{value}' is not an octal permission like 0600");
    }
}

public sealed class ConfigException(string message) : Exception(message);
