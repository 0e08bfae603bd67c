using System.Globalization;
using System.Text;
using CpanBridge.Core;

namespace CpanBridge.Modules.Database;

/// <summary>How the target database spells a parameter marker.</summary>
internal enum PlaceholderStyle
{
    /// <summary><c>$1</c> (PostgreSQL).</summary>
    Dollar,
    /// <summary><c>?</c> (ODBC, MySQL, Informix, SQLite).</summary>
    Question,
    /// <summary><c>:1</c> (Oracle, bound by position).</summary>
    Colon,
    /// <summary><c>@p1</c> (SQL Server).</summary>
    At,
}

/// <summary>
/// SQL with its placeholders rewritten. <see cref="Count"/> is the number of distinct parameters
/// (what DBI reports as NUM_OF_PARAMS); <see cref="Names"/> gives, per parameter, the name a
/// script may pass to bind_param ("1".. for <c>?</c>, "$1".. for dollar style, ":name" for named).
/// </summary>
internal sealed record RewrittenSql(string Sql, int Count, IReadOnlyList<string> Names)
{
    /// <summary>
    /// For each marker in <see cref="Sql"/>, in text order, the 0-based parameter it stands for.
    /// A repeated <c>$1</c> or <c>:name</c> makes this longer than <see cref="Count"/>: a target
    /// that binds strictly by position (<c>?</c>) must then send that value once per marker.
    /// </summary>
    public IReadOnlyList<int> Markers { get; init; } = [];
}

/// <summary>
/// Finds the placeholders DBD::Pg recognises (<c>?</c>, <c>$1</c>.., <c>:name</c>) outside
/// quotes, quoted identifiers, comments and dollar quotes, and writes them in a target style.
/// The recognition rules were measured against DBD::Pg 3.16 (see PlaceholderTests), with one
/// deliberate difference: block comments nest, as the PostgreSQL server reads them.
/// </summary>
internal static class PlaceholderRewriter
{
    private enum Source { None, Question, Dollar, Named }

    public static RewrittenSql Rewrite(string sql, PlaceholderStyle target)
    {
        // Most statements written for DBI have few markers; one pass finds them, a second writes.
        var found = Scan(sql);
        if (found.Count == 0) return new RewrittenSql(sql, 0, []) { Markers = [] };

        var style = Source.None;
        foreach (var marker in found)
        {
            if (style == Source.None) style = marker.Style;
            else if (marker.Style != style)
                throw BridgeException.Usage($"Cannot mix placeholder styles \"{Display(style)}\" and \"{Display(marker.Style)}\"");
        }

        var markers = new int[found.Count];
        List<string> names;
        switch (style)
        {
            case Source.Question:
                names = new List<string>(found.Count);
                for (var i = 0; i < found.Count; i++)
                {
                    markers[i] = i;
                    names.Add((i + 1).ToString(CultureInfo.InvariantCulture));
                }
                break;
            case Source.Dollar:
            {
                var max = 0;
                var seen = new HashSet<int>();
                for (var i = 0; i < found.Count; i++)
                {
                    var number = found[i].Number;
                    if (number == 0) throw BridgeException.Usage("Invalid placeholder value");
                    seen.Add(number);
                    max = Math.Max(max, number);
                    markers[i] = number - 1;
                }
                for (var n = 1; n <= max; n++)
                    if (!seen.Contains(n))
                        throw BridgeException.Usage($"Invalid placeholders: must start at $1 and increment one at a time (expected: ${n})");
                names = new List<string>(max);
                for (var n = 1; n <= max; n++) names.Add("$" + n.ToString(CultureInfo.InvariantCulture));
                break;
            }
            default:
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                names = [];
                for (var i = 0; i < found.Count; i++)
                {
                    var name = sql.Substring(found[i].Start, found[i].Length);
                    if (!index.TryGetValue(name, out var position))
                    {
                        position = names.Count;
                        index.Add(name, position);
                        names.Add(name);
                    }
                    markers[i] = position;
                }
                break;
            }
        }

        var output = new StringBuilder(sql.Length + found.Count * 3);
        var copied = 0;
        for (var i = 0; i < found.Count; i++)
        {
            output.Append(sql, copied, found[i].Start - copied);
            var n = markers[i] + 1;
            switch (target)
            {
                case PlaceholderStyle.Dollar: output.Append('$').Append(n); break;
                case PlaceholderStyle.Question: output.Append('?'); break;
                case PlaceholderStyle.Colon: output.Append(':').Append(n); break;
                case PlaceholderStyle.At: output.Append("@p").Append(n); break;
                default: throw new ArgumentOutOfRangeException(nameof(target));
            }
            copied = found[i].Start + found[i].Length;
        }
        output.Append(sql, copied, sql.Length - copied);
        return new RewrittenSql(output.ToString(), names.Count, names) { Markers = markers };
    }

    private static string Display(Source style) => style switch
    {
        Source.Question => "?",
        Source.Dollar => "$1",
        _ => ":foo",
    };

    private readonly record struct Found(int Start, int Length, Source Style, int Number);

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>
    /// Where each statement of a multi-statement string starts: after each ';' outside quotes,
    /// comments and dollar quotes, with the whitespace after it skipped.
    /// </summary>
    public static List<int> StatementStarts(string sql)
    {
        var semicolons = new List<int>();
        Scan(sql, semicolons);
        var starts = new List<int> { 0 };
        foreach (var semicolon in semicolons)
        {
            var start = semicolon + 1;
            while (start < sql.Length && char.IsWhiteSpace(sql[start])) start++;
            starts.Add(start);
        }
        return starts;
    }

    private static List<Found> Scan(string sql, List<int>? semicolons = null)
    {
        var found = new List<Found>();
        if (semicolons is null && sql.AsSpan().IndexOfAny("?$:") < 0) return found;
        var length = sql.Length;
        var i = 0;
        while (i < length)
        {
            var c = sql[i];
            switch (c)
            {
                case '\'':
                {
                    // E'..' (an E right before the quote, not ending a longer word) honours backslashes.
                    var escapes = i > 0 && (sql[i - 1] is 'E' or 'e') && (i < 2 || !IsIdentifierChar(sql[i - 2]));
                    i++;
                    while (i < length)
                    {
                        var d = sql[i];
                        if (escapes && d == '\\') { i += 2; continue; }
                        if (d == '\'')
                        {
                            if (i + 1 < length && sql[i + 1] == '\'') { i += 2; continue; }
                            break;
                        }
                        i++;
                    }
                    i++;
                    break;
                }
                case '"':
                    i++;
                    while (i < length)
                    {
                        if (sql[i] == '"')
                        {
                            if (i + 1 < length && sql[i + 1] == '"') { i += 2; continue; }
                            break;
                        }
                        i++;
                    }
                    i++;
                    break;
                case '-' when i + 1 < length && sql[i + 1] == '-':
                    i = sql.IndexOf('\n', i + 2);
                    if (i < 0) i = length;
                    break;
                case '/' when i + 1 < length && sql[i + 1] == '*':
                {
                    var depth = 1;
                    i += 2;
                    while (i < length && depth > 0)
                    {
                        if (sql[i] == '/' && i + 1 < length && sql[i + 1] == '*') { depth++; i += 2; }
                        else if (sql[i] == '*' && i + 1 < length && sql[i + 1] == '/') { depth--; i += 2; }
                        else i++;
                    }
                    break;
                }
                case '?':
                    found.Add(new Found(i, 1, Source.Question, 0));
                    i++;
                    break;
                case '$':
                {
                    var j = i + 1;
                    if (j < length && char.IsAsciiDigit(sql[j]))
                    {
                        var number = 0;
                        while (j < length && char.IsAsciiDigit(sql[j]))
                        {
                            number = number > 100_000_000 ? number : number * 10 + (sql[j] - '0');
                            j++;
                        }
                        found.Add(new Found(i, j - i, Source.Dollar, number));
                        i = j;
                        break;
                    }
                    // $tag$ ... $tag$ (tag empty or an identifier not starting with a digit); a '$'
                    // continuing a word (a$b$) belongs to that identifier instead.
                    if (i == 0 || !IsIdentifierChar(sql[i - 1]))
                    {
                        while (j < length && IsWordChar(sql[j])) j++;
                        if (j < length && sql[j] == '$')
                        {
                            var tag = sql.AsSpan(i, j - i + 1);
                            var close = sql.AsSpan(j + 1).IndexOf(tag, StringComparison.Ordinal);
                            i = close < 0 ? length : j + 1 + close + tag.Length;
                            break;
                        }
                    }
                    i++;
                    break;
                }
                case ':':
                {
                    var j = i + 1;
                    if (j < length && sql[j] == ':')
                    {
                        // A cast (::) — and any longer run of colons — is never a placeholder.
                        while (j < length && sql[j] == ':') j++;
                        i = j;
                        break;
                    }
                    if (j < length && IsWordChar(sql[j])
                        // an array slice a[1:2]: a digit on both sides
                        && !(char.IsAsciiDigit(sql[j]) && i > 0 && char.IsAsciiDigit(sql[i - 1])))
                    {
                        while (j < length && IsWordChar(sql[j])) j++;
                        found.Add(new Found(i, j - i, Source.Named, 0));
                        i = j;
                        break;
                    }
                    i++;
                    break;
                }
                case ';':
                    semicolons?.Add(i);
                    i++;
                    break;
                default:
                    i++;
                    break;
            }
        }
        return found;
    }

    private static bool IsIdentifierChar(char c) => IsWordChar(c) || c == '$' || c > 127;
}
