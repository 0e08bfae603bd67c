using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CpanBridge.Modules.Database.Sqlite;

/// <summary>
/// table_info and column_info with DBD::SQLite 1.72's rows: every attached database's
/// sqlite_master entries (tables, views, indexes, triggers) plus the master tables themselves,
/// ordered by type, schema and name; column_info from PRAGMA table_info with the declared type
/// split into name, size and decimal digits.
/// </summary>
internal static partial class SqliteCatalog
{
    private static readonly string[] TableInfoNames = ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "sqlite_sql"];

    private static readonly string[] ColumnInfoNames =
    [
        "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE",
        "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS", "COLUMN_DEF", "SQL_DATA_TYPE",
        "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE",
    ];

    public static MemoryStatement TableInfo(SqliteSession session, string? catalog, string? schema, string? table, string? type)
    {
        var text = session.TextKind;
        // DBI's special listings: catalogs, schemas, table types (five columns, DBI's layout).
        if (catalog == "%" && schema == "" && table == "")
            return Listing(text, [[MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Null]]);
        if (schema == "%" && catalog == "" && table == "")
            return Listing(text, [.. Databases(session).Select(d => new[]
            {
                MemoryStatement.Null, MemoryStatement.Text(d, text), MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Null,
            })]);
        if (type == "%" && catalog == "" && schema == "" && table == "")
            return Listing(text, [.. new[] { "LOCAL TEMPORARY", "SYSTEM TABLE", "TABLE", "VIEW" }.Select(t => new[]
            {
                MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Text(t, text), MemoryStatement.Null,
            })]);

        var rows = Tables(session, schema, table, type);
        return new MemoryStatement(
            [.. TableInfoNames.Select(n => new DbColumn(n, JsonValue.Create("VARCHAR"), "VARCHAR", null, null, 1, text))],
            [.. rows.Select(r => new[]
            {
                MemoryStatement.Null, MemoryStatement.Text(r.Schema, text), MemoryStatement.Text(r.Name, text),
                MemoryStatement.Text(r.Type, text), MemoryStatement.Null, MemoryStatement.Text(r.Sql, text),
            })]);
    }

    private static MemoryStatement Listing(char text, List<RowCell[]> rows) =>
        new([.. TableInfoNames.Take(5).Select(n => new DbColumn(n, JsonValue.Create("VARCHAR"), "VARCHAR", null, null, 1, text))], rows);

    /// <summary>main, temp (listed by SQLite only once used, by DBD::SQLite always), then attached databases.</summary>
    private static List<string> Databases(SqliteSession session)
    {
        var names = session.Query("PRAGMA database_list").Select(r => (string)r[1]!).ToList();
        if (!names.Contains("temp")) names.Insert(Math.Min(1, names.Count), "temp");
        return names;
    }

    private sealed record TableRow(string Schema, string Name, string Type, string? Sql);

    private static List<TableRow> Tables(SqliteSession session, string? schema, string? table, string? type)
    {
        var union = new StringBuilder();
        foreach (var database in Databases(session))
        {
            var quoted = "\"" + database.Replace("\"", "\"\"") + "\"";
            var literal = "'" + database.Replace("'", "''") + "'";
            var master = database == "temp" ? "sqlite_temp_master" : "sqlite_master";
            if (union.Length > 0) union.Append(" UNION ALL ");
            union.Append($"SELECT {literal} AS TABLE_SCHEM, '{master}' AS TABLE_NAME, 'SYSTEM TABLE' AS TABLE_TYPE, NULL AS sqlite_sql");
            union.Append($" UNION ALL SELECT {literal}, tbl_name, {(database == "temp" ? "'LOCAL TEMPORARY'" : "UPPER(type)")}, sql FROM {quoted}.{master}");
        }
        var sql = new StringBuilder($"SELECT * FROM ({union}) WHERE 1");
        var binds = new List<string?>();
        if (schema is not null)
        {
            sql.Append(" AND TABLE_SCHEM LIKE ? ESCAPE '\\'");
            binds.Add(schema);
        }
        if (table is not null)
        {
            sql.Append(" AND TABLE_NAME LIKE ? ESCAPE '\\'");
            binds.Add(table);
        }
        if (!string.IsNullOrEmpty(type))
        {
            var types = type.Split(',').Select(t => t.Trim().Trim('\'', '"').ToUpperInvariant()).Where(t => t.Length > 0).ToList();
            if (types.Count > 0)
            {
                sql.Append(" AND UPPER(TABLE_TYPE) IN (").Append(string.Join(",", types.Select(_ => "?"))).Append(')');
                binds.AddRange(types);
            }
        }
        sql.Append(" ORDER BY TABLE_TYPE, TABLE_SCHEM, TABLE_NAME");
        return [.. session.Query(sql.ToString(), [.. binds]).Select(r => new TableRow((string)r[0]!, (string)r[1]!, (string)r[2]!, r[3] as string))];
    }

    public static MemoryStatement ColumnInfo(SqliteSession session, string? schema, string? table, string? column)
    {
        var text = session.TextKind;
        var rows = new List<RowCell[]>();
        var seen = new HashSet<(string, string)>();
        var tables = Tables(session, schema, table ?? "%", "TABLE,VIEW,LOCAL TEMPORARY,SYSTEM TABLE")
            .OrderBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal);
        foreach (var t in tables)
        {
            if (!seen.Add((t.Schema, t.Name))) continue;
            var columnFilter = column is null ? "" : " WHERE name LIKE ? ESCAPE '\\'";
            var pragma = session.Query(
                $"SELECT cid, name, type, \"notnull\", dflt_value FROM pragma_table_info(?, ?){columnFilter} ORDER BY cid",
                column is null ? [t.Name, t.Schema] : [t.Name, t.Schema, column]);
            foreach (var p in pragma)
            {
                var declared = p[2] as string ?? "";
                var (typeName, size, digits) = SplitType(declared);
                var notNull = p[3] is long n && n != 0;
                rows.Add(
                [
                    MemoryStatement.Null, MemoryStatement.Text(t.Schema, text), MemoryStatement.Text(t.Name, text),
                    MemoryStatement.Text((string)p[1]!, text), MemoryStatement.Null, MemoryStatement.Text(typeName, text),
                    MemoryStatement.Text(size, text), MemoryStatement.Null, MemoryStatement.Text(digits, text), MemoryStatement.Null,
                    MemoryStatement.Integer(notNull ? 0 : 1), MemoryStatement.Null, MemoryStatement.Text(DefaultText(p[4]), text),
                    MemoryStatement.Null, MemoryStatement.Null, MemoryStatement.Null,
                    MemoryStatement.Integer((long)p[0]! + 1), MemoryStatement.Text(notNull ? "NO" : "YES", text),
                ]);
            }
        }
        // DBD::SQLite builds these rows in Perl, so its TYPE is SQL_VARCHAR (12) for every column.
        return new MemoryStatement(
            [.. ColumnInfoNames.Select(n => new DbColumn(n, JsonValue.Create(12), "VARCHAR", null, null, 1,
                n is "NULLABLE" or "ORDINAL_POSITION" ? 'i' : text))],
            rows);
    }

    private static string? DefaultText(object? value) => value switch
    {
        null => null,
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => Encoding.UTF8.GetString(b),
        _ => value.ToString(),
    };

    /// <summary>"varchar(20)" is TYPE_NAME varchar, COLUMN_SIZE 20; "decimal(10,2)" adds DECIMAL_DIGITS 2.</summary>
    internal static (string Name, string? Size, string? Digits) SplitType(string declared)
    {
        var match = SizedType().Match(declared);
        return match.Success
            ? (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Success ? match.Groups[3].Value : null)
            : (declared, null, null);
    }

    [GeneratedRegex(@"^\s*(.*?)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$", RegexOptions.Singleline)]
    private static partial Regex SizedType();
}
