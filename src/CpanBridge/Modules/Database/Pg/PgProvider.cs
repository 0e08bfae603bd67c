using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace CpanBridge.Modules.Database.Pg;

/// <summary>
/// PostgreSQL through Npgsql, behaving like DBD::Pg 3.16 over libpq: the DSN body is a libpq
/// conninfo string, defaults come from the script's PG* variables, and errors read as libpq's.
/// </summary>
internal static partial class PgProvider
{
    // libpq's keywords (PostgreSQL 15-17). Unknown ones fail as libpq fails; the ones Npgsql has no
    // equivalent for are accepted and ignored.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
        "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "replication", "sslmode", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert",
        "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version",
        "gssencmode", "krbsrvname", "gsslib", "service", "target_session_attrs", "load_balance_hosts",
        "require_auth", "sslnegotiation", "gssdelegation",
    };

    // libpq's environment defaults (PQconninfoOptions' envvar column) and the settings libpq sends
    // from the environment at startup (PGDATESTYLE, PGTZ, PGGEQO).
    private static readonly (string Keyword, string Variable)[] EnvironmentDefaults =
    [
        ("host", "PGHOST"), ("hostaddr", "PGHOSTADDR"), ("port", "PGPORT"), ("dbname", "PGDATABASE"),
        ("user", "PGUSER"), ("password", "PGPASSWORD"), ("passfile", "PGPASSFILE"), ("options", "PGOPTIONS"),
        ("application_name", "PGAPPNAME"), ("sslmode", "PGSSLMODE"), ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"), ("sslrootcert", "PGSSLROOTCERT"), ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("client_encoding", "PGCLIENTENCODING"), ("target_session_attrs", "PGTARGETSESSIONATTRS"),
        ("channel_binding", "PGCHANNELBINDING"), ("gssencmode", "PGGSSENCMODE"), ("krbsrvname", "PGKRBSRVNAME"),
        ("require_auth", "PGREQUIREAUTH"), ("sslnegotiation", "PGSSLNEGOTIATION"),
    ];

    private static int _environmentCleared;

    public static async ValueTask<IDbSession> ConnectAsync(ConnectRequest request, CancellationToken ct)
    {
        ClearDaemonEnvironment();
        var settings = Resolve(request);
        var builder = Build(settings);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or IOException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw ConnectFailure(settings, e);
        }
        return new PgSession(connection, request.AutoCommit, request.Dsn.Driver);
    }

    /// <summary>
    /// Npgsql falls back to the daemon's own PGUSER, PGPASSWORD, PGTZ, PGOPTIONS... for anything a
    /// connection string leaves out. The daemon's environment belongs to whichever script happened
    /// to start it; each script's own variables arrive with its connect request instead.
    /// </summary>
    private static void ClearDaemonEnvironment()
    {
        if (Interlocked.Exchange(ref _environmentCleared, 1) != 0) return;
        foreach (global::System.Collections.DictionaryEntry entry in global::System.Environment.GetEnvironmentVariables())
            if (entry.Key is string name && name.StartsWith("PG", StringComparison.Ordinal))
                global::System.Environment.SetEnvironmentVariable(name, null);
    }

    /// <summary>The libpq settings in effect: DSN conninfo, then the connect arguments, then the script's PG* variables.</summary>
    internal static Dictionary<string, string> Resolve(ConnectRequest request)
    {
        // DBD::Pg: "db" and "database" mean "dbname"; ';' separates items as spaces do for libpq.
        var body = DbAlias().Replace(request.Dsn.Body, "dbname=", 1);
        var settings = ParseConninfo(SemicolonsToSpaces(body));
        // DBD::Pg appends user and password after the DSN when they are non-empty, so they win.
        if (!string.IsNullOrEmpty(request.User)) settings["user"] = request.User;
        if (!string.IsNullOrEmpty(request.Password)) settings["password"] = request.Password;
        foreach (var (keyword, variable) in EnvironmentDefaults)
            if (!settings.ContainsKey(keyword) && request.Environment.TryGetValue(variable, out var value) && value.Length > 0)
                settings[keyword] = value;
        foreach (var variable in new[] { "PGTZ", "PGDATESTYLE", "PGGEQO" })
            if (request.Environment.TryGetValue(variable, out var value) && value.Length > 0)
                settings["env:" + variable] = value;
        return settings;
    }

    private static string SemicolonsToSpaces(string body)
    {
        var output = new StringBuilder(body.Length);
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (quoted && c == '\\' && i + 1 < body.Length)
            {
                output.Append(c).Append(body[++i]);
                continue;
            }
            if (c == '\'') quoted = !quoted;
            output.Append(!quoted && c == ';' ? ' ' : c);
        }
        return output.ToString();
    }

    /// <summary>libpq's conninfo_parse: <c>key = value</c> items separated by whitespace; values may be single-quoted; backslash escapes.</summary>
    internal static Dictionary<string, string> ParseConninfo(string text)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        var n = text.Length;
        while (true)
        {
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            if (i >= n) break;
            var nameStart = i;
            while (i < n && text[i] != '=' && !char.IsWhiteSpace(text[i])) i++;
            var name = text[nameStart..i];
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            if (i >= n || text[i] != '=')
                throw ConninfoError($"missing \"=\" after \"{name}\" in connection info string");
            i++;
            while (i < n && char.IsWhiteSpace(text[i])) i++;
            var value = new StringBuilder();
            if (i < n && text[i] == '\'')
            {
                i++;
                while (true)
                {
                    if (i >= n) throw ConninfoError("unterminated quoted string in connection info string");
                    if (text[i] == '\\')
                    {
                        i++;
                        if (i < n) value.Append(text[i++]);
                    }
                    else if (text[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else value.Append(text[i++]);
                }
            }
            else
            {
                while (i < n && !char.IsWhiteSpace(text[i]))
                {
                    if (text[i] == '\\')
                    {
                        i++;
                        if (i < n) value.Append(text[i++]);
                    }
                    else value.Append(text[i++]);
                }
            }
            if (!Keywords.Contains(name)) throw ConninfoError($"invalid connection option \"{name}\"");
            settings[name] = value.ToString();
        }
        return settings;
    }

    private static DbError ConninfoError(string message) => new(JsonValue.Create(1), message, "08006");

    internal static NpgsqlConnectionStringBuilder Build(Dictionary<string, string> settings)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            // One server session per DBI connect, as with libpq: a script's SET, temp tables and
            // session state never outlive its disconnect.
            Pooling = false,
            Enlist = false,
            IncludeErrorDetail = true,
            // libpq waits as long as the server takes; Npgsql's defaults (15 s connect, 30 s command) would cut long jobs.
            Timeout = 0,
            CommandTimeout = 0,
            MaxAutoPrepare = 0,
            // Big results arrive in fewer socket reads (Npgsql reads 8 KB at a time by default).
            ReadBufferSize = 64 * 1024,
        };
        var host = settings.GetValueOrDefault("hostaddr") ?? settings.GetValueOrDefault("host");
        builder.Host = string.IsNullOrEmpty(host) ? DefaultSocketDirectory() : host;
        builder.Port = Integer(settings, "port") ?? 5432;
        var user = settings.GetValueOrDefault("user");
        if (string.IsNullOrEmpty(user)) user = global::System.Environment.UserName;
        builder.Username = user;
        var database = settings.GetValueOrDefault("dbname");
        builder.Database = string.IsNullOrEmpty(database) ? user : database;
        if (settings.TryGetValue("password", out var password) && password.Length > 0) builder.Password = password;
        // libpq reads ~/.pgpass (or passfile=/PGPASSFILE) when it has no password; a missing file is no error.
        var passfile = settings.GetValueOrDefault("passfile")
            ?? Path.Combine(global::System.Environment.GetFolderPath(global::System.Environment.SpecialFolder.UserProfile), ".pgpass");
        if (File.Exists(passfile)) builder.Passfile = passfile;
        if (settings.TryGetValue("sslmode", out var sslmode))
            builder.SslMode = sslmode switch
            {
                "disable" => SslMode.Disable,
                "allow" => SslMode.Allow,
                "prefer" => SslMode.Prefer,
                "require" => SslMode.Require,
                "verify-ca" => SslMode.VerifyCA,
                "verify-full" => SslMode.VerifyFull,
                _ => throw ConninfoError($"invalid sslmode value: \"{sslmode}\""),
            };
        else builder.SslMode = SslMode.Prefer;
        if (settings.TryGetValue("sslcert", out var cert)) builder.SslCertificate = cert;
        if (settings.TryGetValue("sslkey", out var key)) builder.SslKey = key;
        if (settings.TryGetValue("sslrootcert", out var root)) builder.RootCertificate = root;
        if (settings.TryGetValue("sslpassword", out var sslPassword)) builder.SslPassword = sslPassword;
        if (Integer(settings, "connect_timeout") is { } timeout) builder.Timeout = Math.Clamp(timeout, 0, 1024);
        builder.ApplicationName = settings.GetValueOrDefault("application_name") ?? settings.GetValueOrDefault("fallback_application_name") ?? "";
        if (settings.TryGetValue("client_encoding", out var encoding))
        {
            builder.ClientEncoding = encoding;
            // Npgsql encodes strings by its own Encoding setting, not by client_encoding.
            if (DotnetEncoding(encoding) is { } dotnet) builder.Encoding = dotnet;
        }
        if (settings.TryGetValue("target_session_attrs", out var attrs)) builder.TargetSessionAttributes = attrs;
        if (settings.TryGetValue("krbsrvname", out var krb)) builder.KerberosServiceName = krb;
        if (settings.TryGetValue("keepalives_idle", out _) && Integer(settings, "keepalives_idle") is { } idle)
        {
            builder.TcpKeepAlive = true;
            builder.TcpKeepAliveTime = idle;
        }
        var options = settings.GetValueOrDefault("options") ?? "";
        // libpq sends PGDATESTYLE and PGGEQO as startup settings; PGTZ becomes the session time zone.
        if (settings.TryGetValue("env:PGDATESTYLE", out var dateStyle)) options = $"-c datestyle={EscapeOption(dateStyle)} " + options;
        if (settings.TryGetValue("env:PGGEQO", out var geqo)) options = $"-c geqo={EscapeOption(geqo)} " + options;
        if (options.Trim().Length > 0) builder.Options = options.Trim();
        if (settings.TryGetValue("env:PGTZ", out var tz)) builder.Timezone = tz;
        return builder;
    }

    private static int _codePagesRegistered;

    /// <summary>The .NET name of a PostgreSQL client encoding, for the ones scripts use.</summary>
    private static string? DotnetEncoding(string pgName)
    {
        var name = pgName.Replace("_", "").Replace("-", "").ToUpperInvariant() switch
        {
            "UTF8" or "UNICODE" => "utf-8",
            "LATIN1" or "ISO88591" => "iso-8859-1",
            "LATIN2" or "ISO88592" => "iso-8859-2",
            "LATIN9" or "ISO885915" => "iso-8859-15",
            "WIN1250" => "windows-1250",
            "WIN1251" => "windows-1251",
            "WIN1252" => "windows-1252",
            "KOI8R" or "KOI8" => "koi8-r",
            "EUCJP" => "euc-jp",
            "SJIS" => "shift_jis",
            _ => null,
        };
        if (name is null) return null;
        if (Interlocked.Exchange(ref _codePagesRegistered, 1) == 0)
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return name;
    }

    private static string EscapeOption(string value) => value.Replace("\\", "\\\\").Replace(" ", "\\ ");

    private static int? Integer(Dictionary<string, string> settings, string keyword)
    {
        if (!settings.TryGetValue(keyword, out var text) || text.Length == 0) return null;
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        throw ConninfoError($"invalid integer value \"{text}\" for connection option \"{keyword}\"");
    }

    /// <summary>libpq's compiled-in socket directory: Debian's, where it exists, else /tmp.</summary>
    private static string DefaultSocketDirectory() =>
        Directory.Exists("/var/run/postgresql") ? "/var/run/postgresql" : "/tmp";

    /// <summary>A connect failure as libpq words it (DBD::Pg: err 1, state 08006).</summary>
    private static DbError ConnectFailure(Dictionary<string, string> settings, Exception e)
    {
        var host = settings.GetValueOrDefault("hostaddr") ?? settings.GetValueOrDefault("host");
        if (string.IsNullOrEmpty(host)) host = DefaultSocketDirectory();
        var port = settings.GetValueOrDefault("port") is { Length: > 0 } p ? p : "5432";
        var socket = host.StartsWith('/');
        var where = socket
            ? $"connection to server on socket \"{host}/.s.PGSQL.{port}\" failed: "
            : $"connection to server at \"{host}\"{ResolvedSuffix(host)}, port {port} failed: ";
        var socketError = Find<SocketException>(e);
        string message;
        if (Find<PostgresException>(e) is { } pg)
            message = where + pg.Severity + ":  " + pg.MessageText;
        else if (socketError is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain })
            message = $"could not translate host name \"{host}\" to address: Name or service not known";
        else if (socketError is { SocketErrorCode: SocketError.ConnectionRefused })
            message = where + "Connection refused\n\t" + (socket
                ? "Is the server running locally and accepting connections on that socket?"
                : "Is the server running on that host and accepting TCP/IP connections?");
        else if (socketError is { SocketErrorCode: SocketError.AddressNotAvailable } || (socket && socketError is not null))
            message = where + "No such file or directory\n\tIs the server running locally and accepting connections on that socket?";
        else if (socketError is { SocketErrorCode: SocketError.TimedOut } || Find<TimeoutException>(e) is not null)
            message = where + "timeout expired";
        else if (e.Message.Contains("No password has been provided", StringComparison.Ordinal))
            message = where + "fe_sendauth: no password supplied";
        else if (e.Message.Contains("does not support SSL", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("SSL connection requested", StringComparison.OrdinalIgnoreCase))
            message = where + "server does not support SSL, but SSL was required";
        else
            message = where + (socketError?.Message ?? e.Message);
        return new DbError(JsonValue.Create(1), message, "08006", e);
    }

    /// <summary>libpq names the address it tried after a host name: <c>"db" (10.0.0.5)</c>.</summary>
    private static string ResolvedSuffix(string host)
    {
        if (IPAddress.TryParse(host, out _)) return "";
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.Length > 0 ? $" ({addresses[0]})" : "";
        }
        catch (SocketException)
        {
            return "";
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    [GeneratedRegex(@"\b(?:db|database)\s*=")]
    private static partial Regex DbAlias();
}
