using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CpanBridge.Cli;

/// <summary>Renders the daemon's self-description as a table a tired operator reads at a glance.</summary>
internal static class StatusView
{
    public static string Render(JsonObject metrics, JsonObject health, JsonObject performance, JsonObject connections, JsonObject stats)
    {
        var text = new StringBuilder();
        var info = metrics["daemon_info"]!.AsObject();
        var perf = metrics["performance_metrics"]!.AsObject();
        var resources = metrics["resource_status"]!.AsObject();
        var summary = metrics["connection_summary"]!.AsObject();
        var overall = Str(health["overall_status"]).ToUpperInvariant();

        text.Append($"cpanbridge {Str(info["version"])}  {overall}  pid {Str(info["pid"])}  up {Str(info["uptime_formatted"])}  (protocol {Str(info["protocol"])}, started {Str(info["started_at"])})\n");
        Row(text, "socket", Str(info["socket"]));
        Row(text, "log", $"{Str(info["log"])}   audit: {Str(info["audit_log"])}");
        Row(text, "requests", $"{Num(perf["total_requests"])} total, {Pct(perf["error_rate"])} failed, {Dbl(perf["requests_per_second"], "F1")}/s over the last minute");
        Row(text, "latency", $"avg {Ms(perf["avg_response_time"])}  p50 {Ms(perf["p50_response_time"])}  p95 {Ms(perf["p95_response_time"])}  p99 {Ms(perf["p99_response_time"])}");
        Row(text, "connections", $"{Num(summary["active_connections"])} open, {Num(summary["stale_connections"])} stale, {Num(summary["total_connections"])} since start (peak {Num(summary["peak_connections"])}), {Num(summary["open_handles"])} handles open");
        Row(text, "resources", $"{Dbl(resources["memory_mb"], "F1")} MB resident, {Dbl(resources["cpu_percent"], "F1")}% CPU, {Num(resources["threads"])} threads");
        var events = stats["security_metrics"]!["recent_events"]!.AsArray();
        var refused = $"{Num(stats["requests_rejected"])} requests refused, {Num(stats["security_events"])} security events";
        if (events.Count > 0)
            refused += $" (last: {Str(events[0]!["event_type"])} at {Str(events[0]!["timestamp"])}: {Str(events[0]!["detail"])})";
        Row(text, "refused", refused);

        text.Append("\nHEALTH\n");
        foreach (var (name, check) in health["checks"]!.AsObject())
            text.Append($"  {Mark(Str(check!["status"]))} {name,-12} {Str(check["message"])}\n");

        var functions = performance["functions"]!.AsObject();
        if (functions.Count > 0)
        {
            text.Append($"\n{"FUNCTION",-28} {"CALLS",10} {"ERRORS",8} {"AVG ms",9} {"P95 ms",9} {"P99 ms",9}\n");
            foreach (var (name, f) in functions.OrderByDescending(p => p.Value!["count"]!.GetValue<long>()))
                text.Append($"{name,-28} {Num(f!["count"]),10} {Num(f["errors"]),8} {Ms(f["avg"], false),9} {Ms(f["p95"], false),9} {Ms(f["p99"], false),9}\n");
        }

        var list = connections["connections"]!.AsArray();
        if (list.Count > 0)
        {
            text.Append($"\n{"CONNECTION",-11} {"PID",8} {"UID",6} {"REQUESTS",9} {"AGE",9} {"IDLE",7}  HANDLES / RUNNING\n");
            foreach (var c in list)
            {
                var handles = string.Join(" ", c!["handles"]!.AsObject().Select(h => $"{h.Key}×{h.Value}"));
                var running = c["current_function"] is { } current ? $"running {Str(current)}" : "";
                text.Append($"#{Str(c["connection_id"]),-10} {Str(c["pid"]),8} {Str(c["uid"]),6} {Num(c["requests_count"]),9} {Dur(c["duration_seconds"]),9} {Dur(c["idle_seconds"]),7}  {string.Join("  ", new[] { handles, running }.Where(s => s.Length > 0))}\n");
            }
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, string label, string value) => text.Append($"  {label,-12} {value}\n");

    private static string Mark(string status) => status switch { "pass" => "ok  ", "warn" => "WARN", _ => "FAIL" };

    private static string Str(JsonNode? node) => node?.ToString() ?? "-";

    private static string Num(JsonNode? node) =>
        node is null ? "-" : node.GetValue<double>().ToString("N0", CultureInfo.InvariantCulture);

    private static string Dbl(JsonNode? node, string format) =>
        node is null ? "-" : node.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);

    private static string Pct(JsonNode? node) =>
        node is null ? "-" : (node.GetValue<double>() * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Ms(JsonNode? seconds, bool unit = true) =>
        seconds is null ? "-" : (seconds.GetValue<double>() * 1000).ToString("0.000", CultureInfo.InvariantCulture) + (unit ? " ms" : "");

    private static string Dur(JsonNode? seconds)
    {
        if (seconds is null) return "-";
        var span = TimeSpan.FromSeconds(seconds.GetValue<double>());
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:00}s" : $"{span.TotalSeconds:0}s";
    }
}
