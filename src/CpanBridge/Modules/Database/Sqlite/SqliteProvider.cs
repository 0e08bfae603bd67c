using System.Text;
using System.Text.Json.Nodes;
using SQLitePCL;

namespace CpanBridge.Modules.Database.Sqlite;

/// <summary>
/// The embedded SQLite provider. It drives SQLite through SQLitePCLRaw's statement API (the native
/// library Microsoft.Data.Sqlite ships) rather than ADO.NET, because DBD::SQLite binds and returns
/// raw bytes and typed-per-cell values, which ADO.NET's string/object mapping would alter.
/// </summary>
internal static class SqliteProvider
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        Batteries_V2.Init();
        return true;
    });

    // DBD::SQLite's sqlite_busy_timeout default.
    private const int BusyTimeoutMs = 30_000;

    public static ValueTask<IDbSession> ConnectAsync(ConnectRequest request, CancellationToken cancellation)
    {
        _ = Initialized.Value;
        var (file, uri) = FileName(request.Dsn, request.WorkingDirectory);
        var attributes = request.Attributes;
        var flags = raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE;
        if (Attribute(attributes, "sqlite_open_flags") is { } openFlags && long.TryParse(openFlags, out var given) && given != 0)
            flags = (int)given;
        if (Truthy(Attribute(attributes, "ReadOnly")))
            flags = (flags & ~(raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE)) | raw.SQLITE_OPEN_READONLY;
        if (uri) flags |= raw.SQLITE_OPEN_URI;
        // The daemon runs one request per client at a time, so a connection is never used by two
        // threads at once and SQLite's per-call connection mutex only costs time (each of the
        // millions of column reads of a big result would take it).
        if ((flags & raw.SQLITE_OPEN_FULLMUTEX) == 0) flags |= raw.SQLITE_OPEN_NOMUTEX;

        var rc = raw.sqlite3_open_v2(file, out var db, flags, null);
        if (rc != raw.SQLITE_OK)
        {
            var message = db is null || db.IsInvalid ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(db).utf8_to_string();
            db?.Dispose();
            throw new DbError(JsonValue.Create(rc & 0xFF), message, "S1000");
        }
        raw.sqlite3_busy_timeout(db, BusyTimeoutMs);
        var session = new SqliteSession(db, file, request.AutoCommit,
            // sqlite_string_mode 4, 6 and 8 are DBD::SQLite's unicode modes; sqlite_unicode the older switch.
            unicode: Truthy(Attribute(attributes, "sqlite_unicode")) ||
                     (long.TryParse(Attribute(attributes, "sqlite_string_mode"), out var mode) && mode >= 4),
            immediateTransactions: Attribute(attributes, "sqlite_use_immediate_transaction") is not { } immediate || Truthy(immediate),
            seeIfItsANumber: Truthy(Attribute(attributes, "sqlite_see_if_its_a_number")))
        {
            AllowMultipleStatements = Truthy(Attribute(attributes, "sqlite_allow_multiple_statements")),
        };
        return ValueTask.FromResult<IDbSession>(session);
    }

    /// <summary>
    /// The file DBD::SQLite would open for this DSN: "dbname=", "database=", "db=" or "uri=" pairs,
    /// or the whole body. Relative names are the script's, so they resolve against its directory.
    /// </summary>
    public static (string File, bool Uri) FileName(Dsn dsn, string? workingDirectory)
    {
        var body = dsn.Body;
        string name = body;
        var uri = false;
        if (body.Contains('='))
        {
            name = "";
            foreach (var (key, value) in dsn.Pairs())
            {
                switch (key.ToLowerInvariant())
                {
                    case "dbname" or "database" or "db":
                        name = value;
                        break;
                    case "uri":
                        name = value;
                        uri = true;
                        break;
                }
            }
        }
        if (name.StartsWith("file:", StringComparison.Ordinal)) uri = true;
        if (name is "" or ":memory:") return (name, uri);
        if (uri)
        {
            // file:relative.db?mode=ro names a file relative to the script, like a plain name.
            var rest = name["file:".Length..];
            if (rest.Length > 0 && rest[0] != '/' && !rest.StartsWith(":memory:", StringComparison.Ordinal) && workingDirectory is not null)
                name = "file:" + Path.Combine(workingDirectory, rest);
            return (name, true);
        }
        return (workingDirectory is null ? Path.GetFullPath(name) : Path.GetFullPath(name, workingDirectory), false);
    }

    internal static string? Attribute(JsonObject? attributes, string name) =>
        attributes is not null && attributes.TryGetPropertyValue(name, out var value) && value is not null
            ? value.GetValueKind() switch
            {
                global::System.Text.Json.JsonValueKind.True => "1",
                global::System.Text.Json.JsonValueKind.False => "",
                global::System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
                _ => value.ToJsonString(),
            }
            : null;

    /// <summary>Perl truth of an attribute value: undef, "", "0" are false.</summary>
    internal static bool Truthy(string? value) => value is not (null or "" or "0");

    internal static DbError Error(sqlite3 db)
    {
        var code = raw.sqlite3_errcode(db) & 0xFF;
        return new DbError(JsonValue.Create(code), raw.sqlite3_errmsg(db).utf8_to_string(), "S1000");
    }

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
