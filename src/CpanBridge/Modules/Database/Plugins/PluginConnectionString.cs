using System.Data.Common;
using CpanBridge.Core;

namespace CpanBridge.Modules.Database.Plugins;

/// <summary>Turns a DBI DSN body, user and password into the plug-in provider's connection string.</summary>
internal static class PluginConnectionString
{
    /// <summary>The DSN keys scripts write for DBD drivers, as ADO.NET providers name them.</summary>
    private static readonly Dictionary<string, string> CommonKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dbname"] = "Database",
        ["database"] = "Database",
        ["db"] = "Database",
        ["host"] = "Host",
        ["hostname"] = "Host",
        ["port"] = "Port",
    };

    public static string Build(PluginManifest manifest, DbProviderFactory factory, ConnectRequest request)
    {
        var builder = factory.CreateConnectionStringBuilder() ?? new DbConnectionStringBuilder();
        var user = request.User;
        var password = request.Password;
        switch (manifest.Dsn)
        {
            case "raw":
                builder.ConnectionString = request.Dsn.Body;
                break;
            case "oracle":
                var oracle = OracleDsn.Parse(request.Dsn.Body, user, password, request.Environment);
                user = oracle.User;
                password = oracle.Password;
                if (oracle.DataSource is { Length: > 0 } dataSource) builder["Data Source"] = dataSource;
                break;
            default:
                foreach (var (key, value) in request.Dsn.Pairs())
                {
                    var target = manifest.Keys?.GetValueOrDefault(key) ?? CommonKeys.GetValueOrDefault(key) ?? key;
                    try
                    {
                        builder[target] = value;
                    }
                    catch (ArgumentException e)
                    {
                        throw BridgeException.Native($"dbi:{manifest.Driver}: DSN key '{key}' is not understood by the provider ({e.Message})");
                    }
                }
                break;
        }
        if (!string.IsNullOrEmpty(user)) builder[manifest.UserKey] = user;
        if (!string.IsNullOrEmpty(password)) builder[manifest.PasswordKey] = password;
        return builder.ConnectionString;
    }
}

/// <summary>
/// DBD::Oracle's DSN forms, turned into an ODP.NET "Data Source":
/// <list type="bullet">
/// <item><c>dbi:Oracle:ORCL</c> — a TNS alias (tnsnames.ora, found through TNS_ADMIN);</item>
/// <item><c>dbi:Oracle:</c> with user <c>scott@ORCL</c> or <c>scott/tiger@ORCL</c> — the alias in the user name;</item>
/// <item><c>dbi:Oracle:</c> alone — TWO_TASK, else ORACLE_SID, from the script's environment;</item>
/// <item><c>dbi:Oracle:host=h;sid=ORCL;port=1522</c> or <c>host=h;service_name=svc</c> — a connect descriptor;</item>
/// <item><c>dbi:Oracle:h:1522/svc</c> and <c>dbi:Oracle://h:1522/svc</c> — Easy Connect.</item>
/// </list>
/// </summary>
internal static class OracleDsn
{
    public const int DefaultPort = 1521;

    public sealed record Result(string? DataSource, string? User, string? Password);

    public static Result Parse(string body, string? user, string? password, IReadOnlyDictionary<string, string>? environment = null)
    {
        // scott/tiger@ORCL and scott@ORCL in the user name, as sqlplus accepts them.
        if (user is not null && user.IndexOf('@') is var at and > 0)
        {
            var alias = user[(at + 1)..];
            user = user[..at];
            if (body.Length == 0) body = alias;
        }
        if (user is not null && user.IndexOf('/') is var slash and > 0)
        {
            if (string.IsNullOrEmpty(password)) password = user[(slash + 1)..];
            user = user[..slash];
        }
        body = body.Trim();
        if (body.Length == 0)
        {
            var fallback = environment?.GetValueOrDefault("TWO_TASK") ?? environment?.GetValueOrDefault("ORACLE_SID");
            return new Result(string.IsNullOrEmpty(fallback) ? null : fallback, user, password);
        }
        if (body.Contains('='))
        {
            string? host = null, sid = null, service = null, port = null, protocol = null;
            foreach (var item in body.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = item.IndexOf('=');
                if (eq < 0) throw BridgeException.Usage($"dbi:Oracle: '{item}' in the DSN is not key=value");
                var key = item[..eq].Trim().ToLowerInvariant();
                var value = item[(eq + 1)..].Trim();
                switch (key)
                {
                    case "host": host = value; break;
                    case "sid": sid = value; break;
                    case "service_name": service = value; break;
                    case "port": port = value; break;
                    case "protocol": protocol = value; break;
                    default: throw BridgeException.Usage($"dbi:Oracle: unknown DSN key '{key}' (host, port, sid, service_name, protocol)");
                }
            }
            if (host is null) throw BridgeException.Usage("dbi:Oracle: a DSN with key=value pairs needs host=");
            if (sid is null && service is null) throw BridgeException.Usage("dbi:Oracle: a DSN with host= needs sid= or service_name=");
            if (port is not null && !int.TryParse(port, out _)) throw BridgeException.Usage($"dbi:Oracle: port '{port}' is not a number");
            var connectData = service is not null ? $"(SERVICE_NAME={service})" : $"(SID={sid})";
            return new Result(
                $"(DESCRIPTION=(ADDRESS=(PROTOCOL={protocol ?? "TCP"})(HOST={host})(PORT={port ?? DefaultPort.ToString()}))(CONNECT_DATA={connectData}))",
                user, password);
        }
        if (body.StartsWith("//", StringComparison.Ordinal) || body.Contains('/') || body.Contains(':'))
        {
            // Easy Connect: [//]host[:port][/service]; ODP.NET takes it without the leading slashes.
            var ez = body.TrimStart('/');
            var hostPart = ez.Split('/')[0];
            if (hostPart.Length == 0) throw BridgeException.Usage($"dbi:Oracle: '{body}' has no host");
            var colon = hostPart.LastIndexOf(':');
            if (colon >= 0 && !int.TryParse(hostPart[(colon + 1)..], out _))
                throw BridgeException.Usage($"dbi:Oracle: port '{hostPart[(colon + 1)..]}' in '{body}' is not a number");
            return new Result(ez, user, password);
        }
        return new Result(body, user, password);
    }
}
