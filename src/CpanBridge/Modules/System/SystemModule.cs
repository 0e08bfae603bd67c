using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Metrics;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;

namespace CpanBridge.Modules.System;

/// <summary>
/// The daemon's view of itself, in the shapes the user guide documents (health, performance,
/// metrics, connections, cleanup, stats) plus Prometheus text for scrapers.
/// </summary>
public sealed class SystemModule(BridgeRuntime runtime) : IBridgeModule
{
    private const double MemoryWarnMb = 500, MemoryFailMb = 1000;

    public string Name => "system";

    public void Register(ModuleBuilder module)
    {
        module.Function("health", _ => Sync(Health()));
        module.Function("performance", _ => Sync(Performance()));
        module.Function("metrics", _ => Sync(Metrics()));
        module.Function("connections", _ => Sync(Connections()));
        module.Function("cleanup", _ => Sync(Cleanup()));
        module.Function("stats", _ => Sync(Stats()));
        module.Function("prometheus", _ => Sync(new JsonObject { ["text"] = Prometheus() }));
    }

    private static ValueTask<Reply> Sync(JsonNode node) => ValueTask.FromResult(Reply.Of(node));

    private JsonObject Health()
    {
        var checks = new JsonObject();
        var warnings = new JsonArray();
        var errors = new JsonArray();
        void Check(string name, string status, string message)
        {
            checks[name] = new JsonObject { ["status"] = status, ["message"] = message };
            if (status == "warn") warnings.Add($"{name}: {message}");
            if (status == "fail") errors.Add($"{name}: {message}");
        }

        var memory = ProcessStats.ResidentMegabytes();
        Check("memory", memory < MemoryWarnMb ? "pass" : memory < MemoryFailMb ? "warn" : "fail",
            $"{memory:F1} MB resident (warn at {MemoryWarnMb}, fail at {MemoryFailMb})");

        var options = runtime.Options;
        var active = runtime.Sessions.Count;
        Check("connections", active < options.MaxConnections * 0.8 ? "pass" : active < options.MaxConnections ? "warn" : "fail",
            $"{active} of {options.MaxConnections} connections in use");

        var handles = runtime.HandleBudget.Open;
        Check("handles", handles < options.MaxHandles * 0.8 ? "pass" : handles < options.MaxHandles ? "warn" : "fail",
            $"{handles} of {options.MaxHandles} handles open");

        if (runtime.Mode == ServeMode.Daemon)
        {
            var socketOk = File.Exists(options.SocketPath);
            Check("socket", socketOk ? "pass" : "fail",
                socketOk ? $"{options.SocketPath} accepting" : $"{options.SocketPath} is missing: new clients cannot connect; restart the daemon");
        }

        var (_, errorRate, recent) = runtime.Stats.LastMinute();
        Check("error_rate", recent < 20 || errorRate < 0.25 ? "pass" : errorRate < 0.5 ? "warn" : "fail",
            $"{errorRate * 100:F1}% of {recent} requests failed in the last minute");

        Check("modules", "pass", $"{runtime.Registry.ModuleNames.Count} loaded: {string.Join(", ", runtime.Registry.ModuleNames)}");

        var overall = errors.Count > 0 ? "unhealthy" : warnings.Count > 0 ? "degraded" : "healthy";
        return new JsonObject
        {
            ["overall_status"] = overall,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["checks"] = checks,
            ["warnings"] = warnings,
            ["errors"] = errors,
        };
    }

    private JsonObject PerformanceMetrics()
    {
        var stats = runtime.Stats;
        var (perSecond, _, _) = stats.LastMinute();
        return new JsonObject
        {
            ["total_requests"] = stats.Requests,
            ["avg_response_time"] = Round(stats.Latency.AverageSeconds),
            ["p50_response_time"] = Round(stats.Latency.Percentile(0.50)),
            ["p95_response_time"] = Round(stats.Latency.Percentile(0.95)),
            ["p99_response_time"] = Round(stats.Latency.Percentile(0.99)),
            ["requests_per_second"] = Math.Round(perSecond, 2),
            ["error_rate"] = stats.Requests == 0 ? 0 : Math.Round(stats.Failed / (double)stats.Requests, 4),
        };
    }

    private JsonObject Performance()
    {
        var functions = new JsonObject();
        foreach (var function in runtime.Registry.All.Where(f => f.Stats.Calls > 0))
        {
            var latency = function.Stats.Latency;
            functions[function.FullName] = new JsonObject
            {
                ["count"] = function.Stats.Calls,
                ["errors"] = function.Stats.Errors,
                ["avg"] = Round(latency.AverageSeconds),
                ["p50"] = Round(latency.Percentile(0.50)),
                ["p95"] = Round(latency.Percentile(0.95)),
                ["p99"] = Round(latency.Percentile(0.99)),
            };
        }
        return new JsonObject { ["performance_metrics"] = PerformanceMetrics(), ["functions"] = functions };
    }

    private JsonObject Metrics()
    {
        var uptime = runtime.Uptime;
        return new JsonObject
        {
            ["daemon_info"] = new JsonObject
            {
                ["version"] = BridgeVersion.Daemon,
                ["protocol"] = BridgeVersion.Protocol,
                ["pid"] = Environment.ProcessId,
                ["uid"] = Native.GetUid(),
                ["mode"] = runtime.Mode.ToString().ToLowerInvariant(),
                ["uptime_seconds"] = Math.Round(uptime.TotalSeconds, 1),
                ["uptime_formatted"] = FormatUptime(uptime),
                ["started_at"] = runtime.StartedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["socket"] = runtime.Options.SocketPath,
                ["log"] = runtime.Log.Target,
                ["audit_log"] = runtime.Audit?.Target,
            },
            ["performance_metrics"] = PerformanceMetrics(),
            ["resource_status"] = new JsonObject
            {
                ["memory_mb"] = Math.Round(ProcessStats.ResidentMegabytes(), 1),
                ["cpu_percent"] = runtime.Process.CpuPercent(),
                ["threads"] = ProcessStats.Threads(),
            },
            ["connection_summary"] = new JsonObject
            {
                ["active_connections"] = runtime.Sessions.Count,
                ["stale_connections"] = StaleSessions().Count(),
                ["total_connections"] = runtime.Stats.ConnectionsTotal,
                ["peak_connections"] = runtime.Stats.PeakConnections,
                ["open_handles"] = runtime.HandleBudget.Open,
            },
        };
    }

    private IEnumerable<Core.Sessions.Session> StaleSessions() =>
        runtime.Sessions.Snapshot().Where(s => s.Idle.TotalSeconds > runtime.Options.StaleTimeoutSeconds);

    private JsonObject Connections()
    {
        var list = new JsonArray();
        foreach (var session in runtime.Sessions.Snapshot())
        {
            var handles = new JsonObject();
            foreach (var (kind, count) in session.Handles.CountsByKind()) handles[kind] = count;
            list.Add(new JsonObject
            {
                ["connection_id"] = session.Id,
                ["pid"] = session.Peer?.Pid,
                ["uid"] = session.Peer?.Uid,
                ["requests_count"] = session.RequestCount,
                ["duration_seconds"] = Math.Round((DateTimeOffset.UtcNow - session.OpenedAt).TotalSeconds, 1),
                ["idle_seconds"] = Math.Round(session.Idle.TotalSeconds, 1),
                ["current_function"] = session.CurrentFunction,
                ["handles"] = handles,
                ["open_handles"] = session.Handles.Count,
            });
        }
        return new JsonObject
        {
            ["active_connections"] = runtime.Sessions.Count,
            ["stale_connections"] = StaleSessions().Count(),
            ["total_connections"] = runtime.Stats.ConnectionsTotal,
            ["connections"] = list,
        };
    }

    private JsonObject Cleanup()
    {
        var stale = StaleSessions().ToArray();
        foreach (var session in stale)
        {
            runtime.Log.Info($"cleanup: closing connection #{session.Id} (idle {session.Idle.TotalSeconds:F0} s, {session.Handles.Count} handles)");
            session.Abort();
        }
        return new JsonObject { ["cleaned_connections"] = stale.Length };
    }

    private JsonObject Stats()
    {
        var stats = runtime.Stats;
        var recent = new JsonArray();
        foreach (var e in stats.RecentSecurityEvents())
            recent.Add(new JsonObject
            {
                ["event_type"] = e.EventType,
                ["severity"] = e.Severity,
                ["timestamp"] = e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["detail"] = e.Detail,
            });
        return new JsonObject
        {
            ["requests_processed"] = stats.Requests,
            ["requests_failed"] = stats.Failed,
            ["requests_rejected"] = stats.Rejected,
            ["validation_failures"] = stats.ValidationFailures,
            ["security_events"] = stats.SecurityEvents,
            ["connections_total"] = stats.ConnectionsTotal,
            ["peak_connections"] = stats.PeakConnections,
            ["security_metrics"] = new JsonObject
            {
                ["total_events"] = stats.SecurityEvents,
                ["recent_events"] = recent,
            },
        };
    }

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    internal string Prometheus()
    {
        var text = new StringBuilder();
        var stats = runtime.Stats;
        void Metric(string name, string type, string help)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
        void Sample(string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        Metric("cpanbridge_info", "gauge", "Version of the running daemon.");
        Sample("cpanbridge_info", $"version=\"{BridgeVersion.Daemon}\",protocol=\"{BridgeVersion.Protocol}\",mode=\"{runtime.Mode.ToString().ToLowerInvariant()}\"", 1);
        Metric("cpanbridge_uptime_seconds", "gauge", "Seconds since the daemon started.");
        Sample("cpanbridge_uptime_seconds", "", Math.Round(runtime.Uptime.TotalSeconds, 3));

        var functions = runtime.Registry.All.ToArray();
        Metric("cpanbridge_requests_total", "counter", "Requests executed, by function.");
        foreach (var f in functions) Sample("cpanbridge_requests_total", Labels(f), f.Stats.Calls);
        Metric("cpanbridge_request_errors_total", "counter", "Requests that failed, by function and error code.");
        foreach (var f in functions)
            foreach (var (code, count) in f.Stats.ErrorsByCode())
                Sample("cpanbridge_request_errors_total", Labels(f) + $",code=\"{code}\"", count);
        Metric("cpanbridge_request_duration_seconds", "summary", "Time from a request frame read to its response written, by function.");
        foreach (var f in functions.Where(f => f.Stats.Calls > 0))
        {
            var latency = f.Stats.Latency;
            foreach (var q in new[] { 0.5, 0.95, 0.99 })
                Sample("cpanbridge_request_duration_seconds", Labels(f) + $",quantile=\"{q.ToString(CultureInfo.InvariantCulture)}\"", latency.Percentile(q));
            Sample("cpanbridge_request_duration_seconds_sum", Labels(f), latency.SumSeconds);
            Sample("cpanbridge_request_duration_seconds_count", Labels(f), latency.Count);
        }
        Metric("cpanbridge_requests_rejected_total", "counter", "Requests refused before reaching a function (bad frames, unknown functions, refused peers).");
        Sample("cpanbridge_requests_rejected_total", "", stats.Rejected);
        Metric("cpanbridge_security_events_total", "counter", "Audited events (refused peers and requests).");
        Sample("cpanbridge_security_events_total", "", stats.SecurityEvents);
        Metric("cpanbridge_connections_active", "gauge", "Open client connections.");
        Sample("cpanbridge_connections_active", "", runtime.Sessions.Count);
        Metric("cpanbridge_connections_total", "counter", "Client connections accepted since start.");
        Sample("cpanbridge_connections_total", "", stats.ConnectionsTotal);
        Metric("cpanbridge_handles_open", "gauge", "Open handles, by kind.");
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var session in runtime.Sessions.Snapshot())
            foreach (var (kind, count) in session.Handles.CountsByKind())
                byKind[kind] = byKind.GetValueOrDefault(kind) + count;
        foreach (var (kind, count) in byKind) Sample("cpanbridge_handles_open", $"kind=\"{kind}\"", count);
        Metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        Sample("process_resident_memory_bytes", "", Environment.WorkingSet);
        Metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        using (var process = Process.GetCurrentProcess())
        {
            Sample("process_cpu_seconds_total", "", Math.Round(process.TotalProcessorTime.TotalSeconds, 3));
            Metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
            Sample("process_start_time_seconds", "", runtime.StartedAt.ToUnixTimeSeconds());
        }
        return text.ToString();
    }

    private static string Labels(FunctionSpec f) => $"module=\"{f.Module}\",function=\"{f.Name}\"";

    private static double Round(double seconds) => Math.Round(seconds, 7);

    internal static string FormatUptime(TimeSpan uptime) =>
        uptime.TotalDays >= 1
            ? $"{(int)uptime.TotalDays}d {uptime.Hours:00}h {uptime.Minutes:00}m"
            : $"{uptime.Hours:00}h {uptime.Minutes:00}m {uptime.Seconds:00}s";
}
