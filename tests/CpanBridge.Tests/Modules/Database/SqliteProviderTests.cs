using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Database;
using CpanBridge.Modules.Database.Sqlite;
using CpanBridge.Tests.Support;
using static CpanBridge.Tests.Modules.Database.DbTestKit;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>The SQLite provider's DBD::SQLite 1.72 rules, as measured with the native driver (see the comments for each).</summary>
public class SqliteProviderTests
{
    // DBD::SQLite's number test, measured with bind_param(1, $v, SQL_INTEGER / SQL_DOUBLE) and typeof(?).
    [Theory]
    [InlineData("12", true, 1)]
    [InlineData("-12", true, 1)]
    [InlineData("+12", true, 1)]
    [InlineData(" 12", true, 1)]
    [InlineData("1.5", true, 0)]
    [InlineData("1e3", true, 0)]
    [InlineData("abc", true, 0)]
    [InlineData("", true, 0)]
    [InlineData("0x10", true, 0)]
    [InlineData("1.", true, 0)]
    [InlineData("9223372036854775808", true, 0)]
    [InlineData("12", false, 1)]
    [InlineData("1.5", false, 2)]
    [InlineData("1.50", false, 2)]
    [InlineData("-0.25", false, 2)]
    [InlineData("1e3", false, 0)]
    [InlineData("1.", false, 0)]
    [InlineData("9223372036854775808", false, 2)]
    [InlineData("12 ", false, 0)]
    public void Bound_text_looks_like_a_number_as_DBD_SQLite_decides(string text, bool integerOnly, int expected)
    {
        Assert.Equal(expected, SqliteStatement.LooksLikeNumber(Encoding.ASCII.GetBytes(text), integerOnly, out _, out _));
    }

    [Fact]
    public async Task Binds_are_text_unless_typed_as_DBD_SQLite_binds_them()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select typeof(?), typeof(?), typeof(?), typeof(?), typeof(?), typeof(?), typeof(?), typeof(?)" });
        var sth = prepared["handle"]!.GetValue<string>();
        // Untyped: Perl integers and floats are bound as text too (typeof gives 'text').
        var (untyped, block) = await Ok(client, "execute", new JsonObject { ["handle"] = sth },
            Binds(('i', "12"), ('f', "1.25"), ('b', "x"), ('u', "y"), ('N', null), ('i', "10000000000"), ('b', "1e3"), ('b', "5")));
        Assert.Equal(["text|text|text|text|null|text|text|text:bbbbbbbb"], Show(Rows(untyped, block)));

        var types = new JsonArray(
            new JsonObject { ["sql_type"] = 4 }, new JsonObject { ["sql_type"] = 4 }, new JsonObject { ["sql_type"] = 8 },
            new JsonObject { ["sql_type"] = 30 }, new JsonObject { ["sql_type"] = 12 }, new JsonObject { ["sql_type"] = 6 },
            new JsonObject { ["sql_type"] = -3 }, new JsonObject { ["sql_type"] = 3 });
        var (typed, typedBlock) = await Ok(client, "execute", new JsonObject { ["handle"] = sth, ["bind_types"] = types },
            Binds(('b', "12"), ('b', "abc"), ('b', "1.5"), ('b', "x"), ('i', "12"), ('b', "12"), ('b', "y"), ('b', "2.5")));
        Assert.Equal(["integer|text|real|blob|text|integer|blob|text:bbbbbbbb"], Show(Rows(typed, typedBlock)));
    }

    [Fact]
    public async Task With_AutoCommit_off_a_transaction_starts_before_the_first_statement_as_BEGIN_IMMEDIATE()
    {
        using var bridge = new TestBridge();
        var file = Path.Combine(bridge.Directory, "locks.db");
        var a = bridge.Connect();
        var b = bridge.Connect();
        var dbhB = await ConnectSqlite(b, file);
        await Ok(b, "do", new JsonObject { ["handle"] = dbhB, ["sql"] = "create table t(id)" });
        await Ok(b, "do", new JsonObject { ["handle"] = dbhB, ["sql"] = "pragma busy_timeout = 0" });

        var dbhA = await ConnectSqlite(a, file, autoCommit: false);
        // Connecting and preparing take no lock (measured: another connection still writes).
        var (prepared, _) = await Ok(a, "prepare", new JsonObject { ["handle"] = dbhA, ["sql"] = "select count(*) from t" });
        await Ok(b, "do", new JsonObject { ["handle"] = dbhB, ["sql"] = "insert into t values(1)" });
        // The first execute, even of a query, begins an IMMEDIATE transaction: writers now wait.
        await Ok(a, "execute", new JsonObject { ["handle"] = prepared["handle"]!.DeepClone() });
        var locked = await Fail(b, "do", new JsonObject { ["handle"] = dbhB, ["sql"] = "insert into t values(2)" });
        Assert.Equal("database is locked", locked["data"]!["errstr"]!.GetValue<string>());
        Assert.Equal(5, locked["data"]!["err"]!.GetValue<int>());
        await Ok(a, "rollback", new JsonObject { ["handle"] = dbhA });
        await Ok(b, "do", new JsonObject { ["handle"] = dbhB, ["sql"] = "insert into t values(3)" });
    }

    [Fact]
    public void File_names_resolve_as_DBD_SQLite_reads_the_DSN_against_the_scripts_directory()
    {
        (string, bool) Name(string dsn) => SqliteProvider.FileName(Dsn.Parse(dsn), "/home/job");
        Assert.Equal(("/home/job/a.db", false), Name("dbi:SQLite:a.db"));
        Assert.Equal(("/home/job/a.db", false), Name("dbi:SQLite:dbname=a.db"));
        Assert.Equal(("/home/job/d/a.db", false), Name("dbi:SQLite:database=d/a.db"));
        Assert.Equal(("/tmp/a.db", false), Name("dbi:SQLite:db=/tmp/a.db"));
        Assert.Equal((":memory:", false), Name("dbi:SQLite::memory:"));
        Assert.Equal((":memory:", false), Name("dbi:SQLite:dbname=:memory:"));
        Assert.Equal(("", false), Name("dbi:SQLite:"));
        Assert.Equal(("file:/home/job/a.db?mode=ro", true), Name("dbi:SQLite:uri=file:a.db?mode=ro"));
        Assert.Equal(("file:/abs/a.db", true), Name("dbi:SQLite:dbname=file:/abs/a.db"));
    }

    [Fact]
    public async Task Opening_a_database_that_cannot_be_opened_fails_with_SQLites_error()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var error = await Fail(client, "connect", new JsonObject { ["dsn"] = "dbi:SQLite:dbname=/nonexistent/dir/x.db" });
        Assert.Equal("E_NATIVE", error["code"]!.GetValue<string>());
        Assert.Equal(14, error["data"]!["err"]!.GetValue<int>());
        Assert.Equal("unable to open database file", error["data"]!["errstr"]!.GetValue<string>());
    }

    [Fact]
    public async Task Table_info_gives_DBI_listings_of_catalogs_schemas_and_types()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        async Task<List<string>> Info(JsonObject p)
        {
            p["handle"] = dbh;
            var (result, block) = await Ok(client, "table_info", p);
            return [.. Show(Rows(result, block)).Select(s => s[..s.LastIndexOf(':')])];
        }
        Assert.Equal(["undef|undef|undef|undef|undef"], await Info(new JsonObject { ["catalog"] = "%", ["schema"] = "", ["table"] = "" }));
        Assert.Equal(["undef|main|undef|undef|undef", "undef|temp|undef|undef|undef"], await Info(new JsonObject { ["catalog"] = "", ["schema"] = "%", ["table"] = "" }));
        Assert.Equal(["undef|undef|undef|LOCAL TEMPORARY|undef", "undef|undef|undef|SYSTEM TABLE|undef", "undef|undef|undef|TABLE|undef", "undef|undef|undef|VIEW|undef"],
            await Info(new JsonObject { ["catalog"] = "", ["schema"] = "", ["table"] = "", ["type"] = "%" }));
        // An empty-string schema is a pattern like any other (DBD::SQLite then finds nothing).
        Assert.Empty(await Info(new JsonObject { ["catalog"] = "", ["schema"] = "", ["table"] = "", ["type"] = "TABLE" }));
    }

    [Fact]
    public async Task A_statement_can_be_executed_again_while_rows_are_unread_and_finish_discards_them()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select value from json_each(?)" });
        var sth = prepared["handle"]!.GetValue<string>();
        var (first, block) = await Ok(client, "execute", new JsonObject { ["handle"] = sth, ["block_rows"] = 1 }, Binds(('b', "[1,2,3]")));
        Assert.Equal(["1:i"], Show(Rows(first, block)));
        Assert.False(first["done"]!.GetValue<bool>());
        var (again, againBlock) = await Ok(client, "execute", new JsonObject { ["handle"] = sth, ["block_rows"] = 5 }, Binds(('b', "[7,\"x\"]")));
        Assert.Equal(["7:i", "x:b"], Show(Rows(again, againBlock)));
        await Ok(client, "execute", new JsonObject { ["handle"] = sth, ["block_rows"] = 1 }, Binds(('b', "[1,2]")));
        await Ok(client, "finish", new JsonObject { ["handle"] = sth });
        var (fetched, none) = await Ok(client, "fetch", new JsonObject { ["handle"] = sth });
        Assert.Equal(0, fetched["block_rows"]!.GetValue<int>());
        Assert.True(fetched["done"]!.GetValue<bool>());
        Assert.Null(none);
    }
}
