using System.Text;
using System.Text.Json.Nodes;

namespace CpanBridge.Modules.Database.Pg;

/// <summary>
/// DBI's table_info and column_info with the columns, order and TYPE codes DBD::Pg 3.16 gives
/// (measured natively). Names are LIKE patterns, as DBI specifies.
/// </summary>
internal static class PgCatalog
{
    private const string TableTypeCase = """
        CASE
          WHEN n.nspname ~ '^pg_(toast_)?temp' THEN 'LOCAL TEMPORARY'
          WHEN n.nspname ~ '^pg_(catalog|toast)$' OR n.nspname = 'information_schema' THEN
            CASE c.relkind WHEN 'v' THEN 'SYSTEM VIEW' WHEN 'm' THEN 'SYSTEM MATERIALIZED VIEW'
                           WHEN 'f' THEN 'SYSTEM FOREIGN TABLE' ELSE 'SYSTEM TABLE' END
          ELSE
            CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                           WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END
        END
        """;

    public static async ValueTask<IDbStatement> TableInfoAsync(PgSession session, string? schema, string? table,
        string? type, CancellationToken ct)
    {
        var sql = new StringBuilder($"""
            SELECT * FROM (
              SELECT pg_catalog.current_database()::text AS "TABLE_CAT", n.nspname::text AS "TABLE_SCHEM",
                     c.relname::text AS "TABLE_NAME", {TableTypeCase} AS "TABLE_TYPE",
                     pg_catalog.obj_description(c.oid, 'pg_class') AS "REMARKS",
                     t.spcname::text AS "pg_tablespace_name",
                     CASE WHEN t.oid IS NULL THEN NULL ELSE pg_catalog.pg_tablespace_location(t.oid) END AS "pg_tablespace_location",
                     pg_catalog.quote_ident(n.nspname) AS "pg_schema", pg_catalog.quote_ident(c.relname) AS "pg_table"
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_tablespace t ON t.oid = c.reltablespace
              WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
                AND ($1::text IS NULL OR n.nspname LIKE $1::text)
                AND ($2::text IS NULL OR c.relname LIKE $2::text)
            ) info
            """);
        var types = (type ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Trim('\'', '"').ToUpperInvariant()).Where(t => t.Length > 0).ToList();
        if (types.Count > 0)
            sql.Append(" WHERE \"TABLE_TYPE\" IN (").Append(string.Join(", ", types.Select(t => "'" + t.Replace("'", "''") + "'"))).Append(')');
        sql.Append(" ORDER BY \"TABLE_TYPE\", \"TABLE_SCHEM\", \"TABLE_NAME\"");
        JsonNode?[] typeCodes = [.. Enumerable.Repeat(-1, 7).Select(v => (JsonNode?)JsonValue.Create(v)), JsonValue.Create(12), JsonValue.Create(12)];
        return await RunAsync(session, sql.ToString(), typeCodes, [Pattern(schema), Pattern(table)], ct).ConfigureAwait(false);
    }

    public static async ValueTask<IDbStatement> ColumnInfoAsync(PgSession session, string? schema, string? table,
        string? column, CancellationToken ct)
    {
        const string sql = """
            SELECT pg_catalog.current_database()::text AS "TABLE_CAT", n.nspname::text AS "TABLE_SCHEM",
                   c.relname::text AS "TABLE_NAME", a.attname::text AS "COLUMN_NAME",
                   CASE a.atttypid WHEN 21 THEN 5 WHEN 23 THEN 4 WHEN 20 THEN -5 WHEN 1700 THEN 2 WHEN 701 THEN 6
                     WHEN 16 THEN 16 WHEN 25 THEN -1 WHEN 1042 THEN 1 WHEN 18 THEN 1 WHEN 1043 THEN 12 WHEN 19 THEN 12
                     WHEN 17 THEN -3 WHEN 1082 THEN 91 WHEN 1083 THEN 92 WHEN 1114 THEN 11 WHEN 1184 THEN 95
                     ELSE 0 END AS "DATA_TYPE",
                   pg_catalog.format_type(a.atttypid, NULL) AS "TYPE_NAME",
                   CASE WHEN a.atttypid = 1700 THEN
                          CASE WHEN a.atttypmod >= 4 THEN ((a.atttypmod - 4) & 65535)::text || ',' || ((a.atttypmod - 4) >> 16)::text END
                        WHEN ty.typlen > 0 THEN ty.typlen::text
                        WHEN a.atttypmod > 0 THEN (a.atttypmod - 4)::text
                   END AS "COLUMN_SIZE",
                   NULL::text AS "BUFFER_LENGTH", NULL::text AS "DECIMAL_DIGITS", NULL::text AS "NUM_PREC_RADIX",
                   CASE WHEN a.attnotnull THEN 0 ELSE 1 END AS "NULLABLE",
                   pg_catalog.col_description(a.attrelid, a.attnum) AS "REMARKS",
                   pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "COLUMN_DEF",
                   NULL::text AS "SQL_DATA_TYPE", NULL::text AS "SQL_DATETIME_SUB", NULL::text AS "CHAR_OCTET_LENGTH",
                   a.attnum::int4 AS "ORDINAL_POSITION",
                   CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS "IS_NULLABLE",
                   pg_catalog.format_type(a.atttypid, a.atttypmod) AS "pg_type",
                   NULL::text AS "pg_constraint",
                   pg_catalog.quote_ident(n.nspname) AS "pg_schema", pg_catalog.quote_ident(c.relname) AS "pg_table",
                   pg_catalog.quote_ident(a.attname) AS "pg_column",
                   CASE WHEN ty.typtype = 'e' THEN
                     (SELECT pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = ty.oid)
                   END AS "pg_enum_values"
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
              AND ($1::text IS NULL OR n.nspname LIKE $1::text)
              AND ($2::text IS NULL OR c.relname LIKE $2::text)
              AND ($3::text IS NULL OR a.attname LIKE $3::text)
            ORDER BY n.nspname, c.relname, a.attnum
            """;
        JsonNode?[] typeCodes = [.. Enumerable.Repeat(12, 24).Select(v => (JsonNode?)JsonValue.Create(v))];
        return await RunAsync(session, sql, typeCodes, [Pattern(schema), Pattern(table), Pattern(column)], ct).ConfigureAwait(false);
    }

    private static string? Pattern(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ValueTask<IDbStatement> RunAsync(PgSession session, string sql, JsonNode?[] typeCodes,
        string?[] args, CancellationToken ct)
    {
        var binds = args.Select(a => a is null
            ? new BindValue('N', ReadOnlyMemory<byte>.Empty, null)
            : new BindValue('u', Encoding.UTF8.GetBytes(a), null)).ToArray();
        // Executed by the module right away, as a prepared statement would be.
        IDbStatement statement = new PgStatement(session, sql, new RewrittenSql(sql, args.Length,
            [.. Enumerable.Range(1, args.Length).Select(i => "$" + i)]), typeCodes, binds);
        return ValueTask.FromResult(statement);
    }
}
