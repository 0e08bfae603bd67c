using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace CpanBridge.Modules.Database.Pg;

/// <summary>
/// Builds the error texts DBD::Pg reports: libpq's rendering of a server error (default
/// verbosity, context shown for errors), and libpq's own messages for a lost connection.
/// Scripts match these texts, so the layout (two spaces after "ERROR:", the LINE/caret display,
/// DETAIL/HINT/QUERY/CONTEXT lines) follows libpq exactly.
/// </summary>
internal static class PgErrors
{
    /// <summary>DBD::Pg's err for any error reported by the server or libpq after connect.</summary>
    public const int StatementErr = 7;
    /// <summary>DBD::Pg reports SQLSTATE 08000 whenever libpq says the connection is bad.</summary>
    public const string ConnectionLostState = "08000";

    public const string ServerClosed = "server closed the connection unexpectedly\n" +
        "\tThis probably means the server terminated abnormally\n" +
        "\tbefore or while processing the request.";

    public const string NoConnection = "no connection to the server";

    public static DbError Statement(PostgresException e, string? query) =>
        new(JsonValue.Create(StatementErr), Format(e, query), e.SqlState, e);

    public static DbError Lost(string message, Exception? inner = null) =>
        new(JsonValue.Create(StatementErr), message, ConnectionLostState, inner);

    /// <summary>libpq's pqBuildErrorMessage3 at PQERRORS_DEFAULT, without the final newline (DBD::Pg chops it).</summary>
    public static string Format(PostgresException e, string? query, int? position = null) =>
        Build(e.Severity, e.InvariantSeverity, e.MessageText, position ?? e.Position, e.InternalPosition, e.InternalQuery,
            e.Detail, e.Hint, e.Where, query);

    /// <summary>
    /// A server notice as libpq's default notice processor hands it to DBD::Pg, which warns it
    /// unchanged: the same layout as an error, ending in a newline (so Perl adds no "at line").
    /// <paramref name="query"/> is the statement that was running, for a position display.
    /// </summary>
    public static string FormatNotice(PostgresNotice n, string? query) =>
        Build(n.Severity, n.InvariantSeverity, n.MessageText, n.Position, n.InternalPosition, n.InternalQuery,
            n.Detail, n.Hint, n.Where, query) + "\n";

    private static string Build(string severity, string invariantSeverity, string messageText, int statementPosition,
        int internalPosition, string? internalQuery, string? detail, string? hint, string? where, string? query)
    {
        var message = new StringBuilder();
        message.Append(severity).Append(":  ").Append(messageText);
        string? positionQuery = null;
        var cursor = 0;
        if (statementPosition > 0)
        {
            if (query is not null)
            {
                positionQuery = query;
                cursor = statementPosition;
            }
            else message.Append(" at character ").Append(statementPosition.ToString(CultureInfo.InvariantCulture));
        }
        else if (internalPosition > 0)
        {
            if (internalQuery is not null)
            {
                positionQuery = internalQuery;
                cursor = internalPosition;
            }
            else message.Append(" at character ").Append(internalPosition.ToString(CultureInfo.InvariantCulture));
        }
        message.Append('\n');
        if (positionQuery is not null) AppendPosition(message, positionQuery, cursor);
        if (detail is not null) message.Append("DETAIL:  ").Append(detail).Append('\n');
        if (hint is not null) message.Append("HINT:  ").Append(hint).Append('\n');
        if (internalQuery is not null) message.Append("QUERY:  ").Append(internalQuery).Append('\n');
        // libpq shows CONTEXT for errors only (PQSHOW_CONTEXT_ERRORS): a RAISE NOTICE has none.
        if (where is not null && invariantSeverity is "ERROR" or "FATAL" or "PANIC")
            message.Append("CONTEXT:  ").Append(where).Append('\n');
        if (message.Length > 0 && message[^1] == '\n') message.Length--;
        return message.ToString();
    }

    // libpq's reportErrorPosition: show the line holding the error, cut to about 60 screen
    // columns around the cursor, and a caret under the offending character.
    private const int DisplaySize = 60;
    private const int MinRightCut = 10;

    internal static void AppendPosition(StringBuilder message, string query, int position)
    {
        var loc = position - 1;
        if (loc < 0) return;
        // Work on code points (the server counts characters), with tabs shown as spaces.
        var chars = new List<Rune>(query.Length);
        foreach (var rune in query.EnumerateRunes()) chars.Add(rune.Value == '\t' ? new Rune(' ') : rune);
        var screen = new int[chars.Count + 1];
        var column = 0;
        var line = 1;
        var begin = 0;
        var end = -1;
        int cno;
        for (cno = 0; cno < chars.Count; cno++)
        {
            screen[cno] = column;
            var ch = chars[cno].Value;
            if (ch is '\r' or '\n')
            {
                if (cno < loc)
                {
                    if (ch == '\r' || cno == 0 || chars[cno - 1].Value != '\r') line++;
                    begin = cno + 1;
                }
                else
                {
                    end = cno;
                    break;
                }
            }
            column += Width(chars[cno]);
        }
        if (end < 0)
        {
            end = cno;
            screen[end] = column;
        }
        if (loc > cno) return;

        var beginCut = false;
        var endCut = false;
        if (screen[end] - screen[begin] > DisplaySize)
        {
            if (screen[begin] + DisplaySize >= screen[loc] + MinRightCut)
            {
                while (screen[end] - screen[begin] > DisplaySize) end--;
                endCut = true;
            }
            else
            {
                while (screen[loc] + MinRightCut < screen[end])
                {
                    end--;
                    endCut = true;
                }
                while (screen[end] - screen[begin] > DisplaySize)
                {
                    begin++;
                    beginCut = true;
                }
            }
        }

        var prefix = "LINE " + line.ToString(CultureInfo.InvariantCulture) + ": " + (beginCut ? "..." : "");
        message.Append(prefix);
        for (var i = begin; i < end; i++) message.Append(chars[i].ToString());
        if (endCut) message.Append("...");
        message.Append('\n');
        message.Append(' ', prefix.Length + screen[loc] - screen[begin]);
        message.Append("^\n");
    }

    /// <summary>Screen columns of a character as libpq's pg_encoding_dsplen counts them for UTF-8 (East Asian wide = 2, others 1).</summary>
    private static int Width(Rune rune)
    {
        var c = rune.Value;
        return c >= 0x1100 &&
               (c <= 0x115f || c == 0x2329 || c == 0x232a ||
                (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
                (c >= 0xac00 && c <= 0xd7a3) ||
                (c >= 0xf900 && c <= 0xfaff) ||
                (c >= 0xfe30 && c <= 0xfe6f) ||
                (c >= 0xff00 && c <= 0xff5f) ||
                (c >= 0xffe0 && c <= 0xffe6) ||
                (c >= 0x20000 && c <= 0x2ffff))
            ? 2
            : 1;
    }
}
