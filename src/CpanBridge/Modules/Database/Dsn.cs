using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CpanBridge.Core;

namespace CpanBridge.Modules.Database;

/// <summary>
/// A DBI data source name: <c>dbi:Driver(attr=value,...):rest</c>. <see cref="Body"/> is what the
/// driver interprets (DBD::Pg: "dbname=x;host=y"; DBD::SQLite: a file name or "dbname=file";
/// DBD::Oracle: "TNS", "host=..;sid=..", "//host:port/service").
/// </summary>
internal sealed record Dsn(string Driver, IReadOnlyList<KeyValuePair<string, string>> DriverAttributes, string Body)
{
    public static Dsn Parse(string text)
    {
        // DBI accepts any case for the "dbi" scheme and an optional (attr=val,...) after the driver.
        if (text.Length < 4 || !text.StartsWith("dbi:", StringComparison.OrdinalIgnoreCase))
            throw BridgeException.Usage($"Can't connect to data source '{text}' because I can't work out what driver to use (it doesn't seem to contain a 'dbi:driver:' prefix and the DBI_DRIVER env var is not set)");
        var rest = text[4..];
        var colon = rest.IndexOf(':');
        var driverPart = colon < 0 ? rest : rest[..colon];
        var body = colon < 0 ? "" : rest[(colon + 1)..];
        var attributes = new List<KeyValuePair<string, string>>();
        var open = driverPart.IndexOf('(');
        if (open >= 0)
        {
            if (!driverPart.EndsWith(')'))
                throw BridgeException.Usage($"data source '{text}': unbalanced '(' after the driver name");
            foreach (var item in driverPart[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = item.IndexOf("=>", StringComparison.Ordinal) is var arrow and >= 0 ? arrow : item.IndexOf('=');
                if (eq < 0) throw BridgeException.Usage($"data source '{text}': attribute '{item}' has no value");
                var valueStart = item.AsSpan(eq).StartsWith("=>") ? eq + 2 : eq + 1;
                attributes.Add(new(item[..eq].Trim(), item[valueStart..].Trim()));
            }
            driverPart = driverPart[..open];
        }
        if (driverPart.Length == 0 || !driverPart.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw BridgeException.Usage($"data source '{text}': '{driverPart}' is not a driver name");
        return new Dsn(driverPart, attributes, body);
    }

    /// <summary>The body's <c>key=value</c> pairs separated by ';' (keys as written; empty items skipped).</summary>
    public List<KeyValuePair<string, string>> Pairs()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var item in Body.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            pairs.Add(eq < 0 ? new(item, "") : new(item[..eq].Trim(), item[(eq + 1)..].Trim()));
        }
        return pairs;
    }

    /// <summary>The DSN as it may be shown: any password=... in the body is hidden.</summary>
    public override string ToString()
    {
        var shown = Regex.Replace(Body, @"(?i)(password|pwd)\s*=\s*[^;]*", "$1=***");
        return $"dbi:{Driver}:{shown}";
    }
}

/// <summary>Everything a provider needs to open a connection, as the script gave it.</summary>
internal sealed record ConnectRequest(
    Dsn Dsn,
    string? User,
    string? Password,
    bool AutoCommit,
    /// <summary>The script's working directory (relative SQLite file names).</summary>
    string? WorkingDirectory,
    /// <summary>The script's client-library variables (PGHOST, TNS_ADMIN, ...).</summary>
    IReadOnlyDictionary<string, string> Environment,
    /// <summary>The connect attributes the script passed (pg_*, sqlite_*, ora_* among them).</summary>
    JsonObject? Attributes);
