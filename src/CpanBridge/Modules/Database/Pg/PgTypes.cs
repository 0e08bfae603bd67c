namespace CpanBridge.Modules.Database.Pg;

/// <summary>
/// What DBD::Pg 3.16 reports per PostgreSQL type, measured natively: $sth->{TYPE} codes and
/// how the value comes back (kinds of docs/protocol.md).
/// </summary>
internal static class PgTypes
{
    public const uint Bool = 16, Bytea = 17, Char = 18, Name = 19, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25,
        Oid = 26, Json = 114, Float4 = 700, Float8 = 701, Bpchar = 1042, Varchar = 1043, Date = 1082,
        Time = 1083, Timestamp = 1114, TimestampTz = 1184, Numeric = 1700, Uuid = 2950, Jsonb = 3802;

    /// <summary>The DBI type code DBD::Pg puts in $sth->{TYPE}; 0 for the types it has no code for (float4 included, as measured).</summary>
    public static int SqlType(uint oid) => oid switch
    {
        Int2 => 5,
        Int4 => 4,
        Int8 => -5,
        Numeric => 2,
        Float8 => 6,
        Bool => 16,
        Text => -1,
        Bpchar or Char => 1,
        Varchar or Name => 12,
        Bytea => -3,
        Date => 91,
        Time => 92,
        Timestamp => 11,
        TimestampTz => 95,
        _ => 0,
    };

    /// <summary>How DBD::Pg returns a value: integers and booleans as numbers, floats as numbers, bytea as bytes, the rest as character strings.</summary>
    public static char Kind(uint oid) => oid switch
    {
        Int2 or Int4 or Int8 or Bool => 'i',
        Float4 or Float8 => 'f',
        Bytea => 'b',
        _ => 'u',
    };

    /// <summary>DBI sql_type codes DBD::Pg accepts in bind_param (others croak "unknown sql_type").</summary>
    public static bool KnownSqlType(int code) =>
        code is >= -6 and <= 8 or 11 or 12 or 16 or >= 91 and <= 95;
}
