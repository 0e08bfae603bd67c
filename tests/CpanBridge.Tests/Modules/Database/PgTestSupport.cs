using System.Text;
using CpanBridge.Modules.Database;
using CpanBridge.Modules.Database.Pg;
using Xunit.Abstractions;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>
/// Connects to the PostgreSQL the test command starts (CPAN_BRIDGE_TEST_PG_DSN and PG*).
/// Without it the Pg tests return early, saying so in their output (xunit 2 has no runtime skip).
/// </summary>
internal static class PgTestSupport
{
    public static string? TestDsn => Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_DSN");

    // Taken before the first connect: the provider clears the (daemon) process's own PG* variables.
    private static readonly Dictionary<string, string> Snapshot = TakeSnapshot();

    private static Dictionary<string, string> TakeSnapshot()
    {
        var env = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && k.StartsWith("PG", StringComparison.Ordinal) && e.Value is string v) env[k] = v;
        return env;
    }

    public static Dictionary<string, string> ScriptEnvironment() => new(Snapshot);

    public static ConnectRequest Request(string? dsn = null, bool autoCommit = true, string? user = null,
        string? password = null, Dictionary<string, string>? env = null) =>
        new(CpanBridge.Modules.Database.Dsn.Parse(dsn ?? TestDsn!), user ?? Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_USER"),
            password, autoCommit, null, env ?? ScriptEnvironment(), null);

    public static async Task<IDbSession?> ConnectAsync(ITestOutputHelper output, bool autoCommit = true)
    {
        if (string.IsNullOrEmpty(TestDsn))
        {
            output.WriteLine("SKIPPED: CPAN_BRIDGE_TEST_PG_DSN is not set (eval \"$(t/servers/postgresql.sh env DIR)\")");
            return null;
        }
        return await PgProvider.ConnectAsync(Request(autoCommit: autoCommit), CancellationToken.None);
    }

    public static BindValue U(string s) => new('u', Encoding.UTF8.GetBytes(s), null);
    public static BindValue B(byte[] b, System.Text.Json.Nodes.JsonObject? type = null) => new('b', b, type);
    public static BindValue Null => new('N', ReadOnlyMemory<byte>.Empty, null);

    public sealed record Result(ExecuteResult Execute, List<string> Kinds, List<(char Kind, byte[]? Bytes)[]> Rows)
    {
        public string? Text(int row, int column) => Rows[row][column].Bytes is { } b ? Encoding.UTF8.GetString(b) : null;
        public char Kind(int row, int column) => Rows[row][column].Kind;
    }

    public static async Task<Result> RunAsync(IDbSession session, string sql, params BindValue[] binds)
    {
        var statement = await session.PrepareAsync(sql, CancellationToken.None);
        try
        {
            return await RunAsync(statement, binds);
        }
        finally
        {
            await statement.DisposeAsync();
        }
    }

    public static async Task<Result> RunAsync(IDbStatement statement, BindValue[] binds, int blockRows = 1000)
    {
        var result = await statement.ExecuteAsync(binds, new ExecuteOptions(), CancellationToken.None);
        var rows = new List<(char, byte[]?)[]>();
        var kinds = new List<string>();
        if (result.Columns.Count == 0) return new Result(result, kinds, rows);
        var block = new RowBlockWriter();
        var done = false;
        while (!done)
        {
            block.Reset(result.Columns);
            done = await statement.ReadBlockAsync(block, blockRows, CancellationToken.None);
            kinds.Add(block.Kinds);
            rows.AddRange(Decode(block.ToAttachment(), block.Kinds, block.Rows));
        }
        return new Result(result, kinds, rows);
    }

    /// <summary>pack('w/a* (w/a*)*', $marks, @cells) back to cells with their effective kinds.</summary>
    public static List<(char, byte[]?)[]> Decode(byte[]? attachment, string kinds, int rows)
    {
        var result = new List<(char, byte[]?)[]>();
        if (attachment is null) return result;
        var position = 0;
        var marksLength = (int)Ber.Read(attachment, ref position);
        var marks = attachment.AsSpan(position, marksLength).ToArray();
        position += marksLength;
        var cell = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = new (char, byte[]?)[kinds.Length];
            for (var c = 0; c < kinds.Length; c++, cell++)
            {
                var length = (int)Ber.Read(attachment, ref position);
                var value = attachment.AsSpan(position, length).ToArray();
                position += length;
                var mark = marksLength == 0 ? '.' : (char)marks[cell];
                row[c] = mark == 'N' ? ('N', null) : (mark == '.' ? kinds[c] : mark, value);
            }
            result.Add(row);
        }
        Assert.Equal(attachment.Length, position);
        return result;
    }

    public static async Task<DbError> FailsAsync(IDbSession session, string sql, params BindValue[] binds) =>
        await Assert.ThrowsAsync<DbError>(() => RunAsync(session, sql, binds));
}
