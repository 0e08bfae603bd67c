using System.Diagnostics;
using CpanBridge.Core.Config;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Metrics;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Core;

/// <summary>How this process serves requests: a shared daemon, a private coprocess, or one call.</summary>
public enum ServeMode { Daemon, Stdio, Process }

/// <summary>
/// The state one daemon process shares between its connections: settings, the function table,
/// statistics, logs and the directory of open sessions.
/// </summary>
public sealed class BridgeRuntime : IDisposable
{
    public BridgeRuntime(BridgeOptions options, ServeMode mode, Log log, string? auditLogPath = null)
    {
        Options = options;
        Mode = mode;
        Log = log;
        Audit = auditLogPath is null ? null : new AuditLog(auditLogPath, Stats);
        BootId = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()));
        StartedAt = DateTimeOffset.UtcNow;
        StartTimestamp = Stopwatch.GetTimestamp();
        Parser = new FrameParser(options.MaxJsonDepth);
        HandleBudget = new HandleBudget(options.MaxHandles);
        Sessions = new SessionDirectory();
    }

    public BridgeOptions Options { get; }
    public ServeMode Mode { get; }
    public Log Log { get; }
    public AuditLog? Audit { get; }
    /// <summary>Changes at every start, so handles from an earlier daemon are recognised as lost.</summary>
    public string BootId { get; }
    public DateTimeOffset StartedAt { get; }
    public long StartTimestamp { get; }
    public FrameParser Parser { get; }
    public HandleBudget HandleBudget { get; }
    public SessionDirectory Sessions { get; }
    public DaemonStats Stats { get; } = new();
    public ProcessStats Process { get; } = new();
    public FunctionRegistry Registry { get; private set; } = null!;

    public TimeSpan Uptime => Stopwatch.GetElapsedTime(StartTimestamp);

    /// <summary>Builds the function table; the core's own <c>bridge</c> module comes first.</summary>
    public void Load(IEnumerable<IBridgeModule> modules) =>
        Registry = new FunctionRegistry(modules.Prepend(new BridgeModule(this)));

    public Session OpenSession(PeerCredentials? peer)
    {
        var id = Sessions.NextId();
        var handles = new HandleTable(id, BootId, Options.MaxHandlesPerConnection, HandleBudget, Sessions.IsOpen);
        var session = new Session(this, id, peer, handles);
        Sessions.Add(session);
        Stats.ConnectionOpened();
        return session;
    }

    internal void SessionEnded(Session session)
    {
        Sessions.Remove(session);
        Stats.ConnectionClosed();
    }

    public void Dispose()
    {
        Audit?.Dispose();
        Log.Dispose();
    }
}
