using System.Buffers;
using System.Text.Json.Nodes;
using CpanBridge.Tests.Support;
using static CpanBridge.Tests.Modules.Database.DbTestKit;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>The database module through the in-memory bridge, on SQLite files (what the Perl drop-in sends).</summary>
public class DatabaseModuleTests
{
    private static string DbFile(TestBridge bridge) => Path.Combine(bridge.Directory, "test.db");

    [Fact]
    public async Task Connect_prepare_execute_fetch_do_and_commit_work_end_to_end()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (connected, _) = await Ok(client, "connect", new JsonObject { ["dsn"] = "dbi:SQLite:dbname=" + DbFile(bridge) });
        Assert.Equal("SQLite", connected["driver"]!.GetValue<string>());
        Assert.Equal("sqlite", connected["provider"]!.GetValue<string>());
        Assert.True(connected["auto_commit"]!.GetValue<bool>());
        Assert.StartsWith("3.", connected["server_version"]!.GetValue<string>());
        var dbh = connected["handle"]!.GetValue<string>();
        Assert.StartsWith("database.connection#", dbh);

        var (created, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table t(id integer primary key, name varchar(20), v real)" });
        Assert.Equal(0, created["rows"]!.GetValue<long>());

        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into t(name, v) values(?, ?)" });
        Assert.Equal(2, prepared["num_params"]!.GetValue<int>());
        Assert.True(prepared["batchable"]!.GetValue<bool>());
        Assert.Equal("[\"1\",\"2\"]", prepared["param_names"]!.ToJsonString());
        var sth = prepared["handle"]!.GetValue<string>();
        for (var i = 1; i <= 3; i++)
        {
            var (inserted, _) = await Ok(client, "execute", new JsonObject { ["handle"] = sth }, Binds(('u', "n" + i), ('f', (i + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.Equal(1, inserted["rows"]!.GetValue<long>());
            Assert.Equal(0, inserted["fields"]!.GetValue<int>());
        }

        var (select, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select id, name, v from t order by id" });
        var select_h = select["handle"]!.GetValue<string>();
        var (first, block) = await Ok(client, "execute", new JsonObject { ["handle"] = select_h, ["block_rows"] = 2 });
        Assert.Equal(0, first["rows"]!.GetValue<long>());
        Assert.True(first["rows_counted_by_fetch"]!.GetValue<bool>());
        Assert.Equal(3, first["fields"]!.GetValue<int>());
        Assert.Equal("[\"INTEGER\",\"varchar(20)\",\"REAL\"]", new JsonArray([.. first["columns"]!.AsArray().Select(c => c!["type"]!.DeepClone())]).ToJsonString());
        Assert.Equal(2, first["block_rows"]!.GetValue<int>());
        Assert.False(first["done"]!.GetValue<bool>());
        Assert.Equal(["1|n1|1.5:ibf", "2|n2|2.5:ibf"], Show(Rows(first, block)));

        var (next, block2) = await Ok(client, "fetch", new JsonObject { ["handle"] = select_h });
        Assert.Equal(["3|n3|3.5:ibf"], Show(Rows(next, block2)));
        Assert.True(next["done"]!.GetValue<bool>());
        var (after, none) = await Ok(client, "fetch", new JsonObject { ["handle"] = select_h });
        Assert.Equal(0, after["block_rows"]!.GetValue<int>());
        Assert.True(none is null, after.ToJsonString());

        // AutoCommit off: work is invisible to another connection until commit.
        await Ok(client, "set_auto_commit", new JsonObject { ["handle"] = dbh, ["on"] = 0 });
        var (deleted, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "delete from t where id = ?" }, Binds(('i', "1")));
        Assert.Equal(1, deleted["rows"]!.GetValue<long>());
        await Ok(client, "commit", new JsonObject { ["handle"] = dbh });

        var other = bridge.Connect();
        var dbh2 = await ConnectSqlite(other, DbFile(bridge));
        var (count, countBlock) = await Ok(other, "execute_statement", new JsonObject { ["handle"] = dbh2, ["sql"] = "select count(*) as n from t" });
        var (row, _) = await Ok(other, "fetch_row", new JsonObject());
        Assert.Equal(2, row["n"]!.GetValue<long>());
        Assert.Null(countBlock);

        await Ok(client, "finish", new JsonObject { ["handle"] = select_h });
        await Ok(client, "close_statement", new JsonObject { ["handle"] = select_h });
        var (disconnected, _) = await Ok(client, "disconnect", new JsonObject { ["handle"] = dbh });
        Assert.False(disconnected["rolled_back"]!.GetValue<bool>());
        Assert.Equal("E_HANDLE", (await Fail(client, "ping", new JsonObject { ["handle"] = dbh }))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replies_say_whether_a_transaction_is_open_and_the_errno_SQLite_left()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (connected, _) = await Ok(client, "connect", new JsonObject { ["dsn"] = "dbi:SQLite:dbname=" + DbFile(bridge), ["auto_commit"] = false });
        var dbh = connected["handle"]!.GetValue<string>();

        // The first statement on a file opens the transaction; SQLite's probe for a hot journal
        // on the way leaves ENOENT, which DBD::SQLite leaves in the script's $!.
        var (created, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table t(a integer)" });
        Assert.True(created["in_transaction"]!.GetValue<bool>());
        Assert.Equal(2, created["os_errno"]!.GetValue<int>());

        var (committed, _) = await Ok(client, "commit", new JsonObject { ["handle"] = dbh });
        Assert.False(committed["in_transaction"]!.GetValue<bool>());

        // A failure says the same in its data: the transaction stays open after a failed statement.
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into t values (1)" });
        var failed = await Fail(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into nosuch values (1)" });
        Assert.True(failed["data"]!["in_transaction"]!.GetValue<bool>());

        var (rolledBack, _) = await Ok(client, "rollback", new JsonObject { ["handle"] = dbh });
        Assert.False(rolledBack["in_transaction"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Values_come_back_as_DBD_SQLite_returns_them()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        var (prepared, _) = await Ok(client, "prepare", new JsonObject
        {
            ["handle"] = dbh,
            ["sql"] = "select 42 as i, 1.5 as f, 'h\u00e9llo' as s, NULL as n, 3000000000 as big, 0.1+0.2 as r, x'00ff' as bl, 1e20 as e",
        });
        var (result, block) = await Ok(client, "execute", new JsonObject { ["handle"] = prepared["handle"]!.DeepClone() });
        Assert.All(result["columns"]!.AsArray(), c => Assert.Equal("VARCHAR", c!["type"]!.GetValue<string>()));
        var row = Assert.Single(Rows(result, block));
        Assert.Equal(('i', "42"), row[0]);
        Assert.Equal(('f', "1.5"), row[1]);
        // Text is DBD::SQLite's byte string: the UTF-8 bytes, unflagged.
        Assert.Equal(('b', "h\u00c3\u00a9llo"), row[2]);
        Assert.Equal(('N', null), row[3]);
        Assert.Equal(('i', "3000000000"), row[4]);
        Assert.Equal('f', row[5].Kind);
        Assert.Equal(0.1 + 0.2, double.Parse(row[5].Text!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(('b', "\u0000\u00ff"), row[6]);
        Assert.Equal(1e20, double.Parse(row[7].Text!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(result["done"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Sqlite_unicode_returns_text_as_characters()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:", attributes: new JsonObject { ["sqlite_unicode"] = 1 });
        var (result, block) = await Ok(client, "execute_statement", new JsonObject { ["handle"] = dbh, ["sql"] = "select 'h\u00e9' as s, x'41' as b" });
        Assert.Null(block);
        var (row, _) = await Ok(client, "fetch_row", new JsonObject());
        Assert.Equal("h\u00e9", row["s"]!.GetValue<string>());
        Assert.Equal("[\"s\",\"b\"]", result["columns"]!.ToJsonString());

        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select 'h\u00e9', x'41'" });
        var (executed, rows) = await Ok(client, "execute", new JsonObject { ["handle"] = prepared["handle"]!.DeepClone() });
        Assert.Equal(["h\u00e9|A:ub"], Show(Rows(executed, rows)));
    }

    [Fact]
    public async Task Errors_carry_DBD_SQLite_err_errstr_and_state()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        var syntax = await Fail(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "selec 1" });
        Assert.Equal("E_NATIVE", syntax["code"]!.GetValue<string>());
        Assert.Equal("near \"selec\": syntax error", syntax["error"]!.GetValue<string>());
        Assert.Equal(1, syntax["data"]!["err"]!.GetValue<int>());
        Assert.Equal("near \"selec\": syntax error", syntax["data"]!["errstr"]!.GetValue<string>());
        Assert.Equal("S1000", syntax["data"]!["state"]!.GetValue<string>());

        var missing = await Fail(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select * from nosuch" });
        Assert.Equal("no such table: nosuch", missing["data"]!["errstr"]!.GetValue<string>());

        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table u(a integer unique)" });
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into u values(1)" });
        var unique = await Fail(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into u values(?)" }, Binds(('i', "1")));
        Assert.Equal(19, unique["data"]!["err"]!.GetValue<int>());
        Assert.Equal("UNIQUE constraint failed: u.a", unique["data"]!["errstr"]!.GetValue<string>());

        var badBinds = await Fail(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into u values(?)" }, Binds(('i', "1"), ('i', "2")));
        Assert.Equal("E_USAGE", badBinds["code"]!.GetValue<string>());
        Assert.Contains("2 values, the statement has 1 placeholders", badBinds["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Do_returns_what_DBD_SQLite_do_returns()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        async Task<long> Do(string sql, byte[]? binds = null) =>
            (await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = sql }, binds)).Result["rows"]!.GetValue<long>();
        Assert.Equal(0, await Do("create table z(a)"));
        Assert.Equal(2, await Do("insert into z values(1),(2)"));
        // Without binds DBD::SQLite's do returns sqlite3_changes() whatever the statement was;
        // with binds it goes through execute, where a query returns 0E0.
        Assert.Equal(2, await Do("select 1"));
        Assert.Equal(0, await Do("select ?", Binds(('i', "5"))));
        Assert.Equal(2, await Do("update z set a = a"));
        Assert.Equal(0, await Do("update z set a = 1 where 0"));
        // Only the first statement of the text runs, as with DBD::SQLite.
        Assert.Equal(1, await Do("insert into z values(3); insert into z values(4)"));

        // With sqlite_allow_multiple_statements every statement runs; do returns the last one's changes.
        var multi = await ConnectSqlite(client, ":memory:", attributes: new JsonObject { ["sqlite_allow_multiple_statements"] = 1 });
        var (result, _) = await Ok(client, "do", new JsonObject
        {
            ["handle"] = multi, ["sql"] = "create table y(a); insert into y values(1),(2); insert into y values(3); -- done",
        });
        Assert.Equal(1, result["rows"]!.GetValue<long>());
        await Ok(client, "execute_statement", new JsonObject { ["handle"] = multi, ["sql"] = "select count(*) as n from y" });
        Assert.Equal(3, (await Ok(client, "fetch_row", new JsonObject())).Result["n"]!.GetValue<long>());
    }

    [Fact]
    public async Task Execute_batch_runs_a_prepared_insert_many_times_and_stops_at_the_first_failure()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table b(id integer primary key, s text)" });
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into b values(?, ?)" });
        var sth = prepared["handle"]!.GetValue<string>();
        var sets = new ArrayBufferWriter<byte>();
        for (var i = 1; i <= 100; i++) AppendSet(sets, [('i', i.ToString()), ('u', "row " + i)]);
        var (batch, _) = await Ok(client, "execute_batch", new JsonObject { ["handle"] = sth, ["count"] = 100 }, sets.WrittenSpan.ToArray());
        Assert.Equal(100, batch["executed"]!.GetValue<int>());
        // rows is the last execution's count, what $sth->rows shows after it.
        Assert.Equal(1, batch["rows"]!.GetValue<long>());

        var failing = new ArrayBufferWriter<byte>();
        AppendSet(failing, [('i', "101"), ('u', "ok")]);
        AppendSet(failing, [('i', "5"), ('u', "duplicate")]);
        AppendSet(failing, [('i', "102"), ('u', "never")]);
        var error = await Fail(client, "execute_batch", new JsonObject { ["handle"] = sth, ["count"] = 3 }, failing.WrittenSpan.ToArray());
        Assert.Equal("E_NATIVE", error["code"]!.GetValue<string>());
        Assert.Equal(1, error["data"]!["index"]!.GetValue<int>());
        Assert.Equal(1, error["data"]!["executed"]!.GetValue<int>());
        Assert.Equal(19, error["data"]!["err"]!.GetValue<int>());
        await Ok(client, "execute_statement", new JsonObject { ["sql"] = "select count(*) as n, max(id) as m from b" });
        var (row, _) = await Ok(client, "fetch_row", new JsonObject());
        Assert.Equal(101, row["n"]!.GetValue<long>());
        Assert.Equal(101, row["m"]!.GetValue<long>());
    }

    [Fact]
    public async Task Execute_batch_of_a_statement_without_placeholders_takes_empty_sets()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table c(a)" });
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into c values(7)" });
        var (batch, _) = await Ok(client, "execute_batch", new JsonObject { ["handle"] = prepared["handle"]!.DeepClone(), ["count"] = 3 }, [0, 0, 0]);
        Assert.Equal(3, batch["executed"]!.GetValue<int>());
        await Ok(client, "execute_statement", new JsonObject { ["sql"] = "select count(*) as n from c" });
        Assert.Equal(3, (await Ok(client, "fetch_row", new JsonObject())).Result["n"]!.GetValue<long>());
    }

    [Fact]
    public async Task Sql_bytes_reach_SQLite_unchanged()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        // A Latin-1 script's 'é' is the byte E9: SQLite stores that byte, not its UTF-8 encoding.
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select '\u00e9', hex('\u00e9')", ["sql_bytes"] = true });
        var (result, block) = await Ok(client, "execute", new JsonObject { ["handle"] = prepared["handle"]!.DeepClone() });
        Assert.Equal(["\u00e9|E9:bb"], Show(Rows(result, block)));
        var (plain, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select hex('\u00e9')" });
        var (utf8, utf8Block) = await Ok(client, "execute", new JsonObject { ["handle"] = plain["handle"]!.DeepClone() });
        Assert.Equal(["C3A9:b"], Show(Rows(utf8, utf8Block)));
        var (done, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table \u00e9(a)", ["sql_bytes"] = 1 });
        Assert.Equal(0, done["rows"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_raw_API_of_the_user_guide_works_on_the_current_connection_and_statement()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        // As printed in the user guide: connect{dsn, username, password}, execute_statement{sql, params}, fetch_row{}.
        var (connected, _) = await Ok(client, "connect", new JsonObject
        {
            ["dsn"] = "dbi:SQLite:dbname=" + DbFile(bridge), ["username"] = "user", ["password"] = "pass",
        });
        Assert.NotNull(connected["handle"]);
        await Ok(client, "execute_statement", new JsonObject { ["sql"] = "create table users(name text, email text, active integer)" });
        foreach (var (name, active) in new[] { ("ann", 1), ("bob", 0), ("cid", 1) })
        {
            var (inserted, _) = await Ok(client, "execute_statement", new JsonObject
            {
                ["sql"] = "insert into users values(?, ?, ?)",
                ["params"] = new JsonArray(name, name + "@example.com", active),
            });
            Assert.Equal(1, inserted["rows"]!.GetValue<long>());
        }
        var (query, _) = await Ok(client, "execute_statement", new JsonObject
        {
            ["sql"] = "SELECT name, email FROM users WHERE active = ? ORDER BY name",
            ["params"] = new JsonArray(1),
        });
        Assert.Equal("[\"name\",\"email\"]", query["columns"]!.ToJsonString());
        var names = new List<string>();
        while (true)
        {
            var (frame, _) = await Call(client, "fetch_row", new JsonObject());
            if (!frame["success"]!.GetValue<bool>())
            {
                Assert.Equal("E_NO_DATA", frame["code"]!.GetValue<string>());
                break;
            }
            names.Add(frame["result"]!["name"]!.GetValue<string>() + " " + frame["result"]!["email"]!.GetValue<string>());
        }
        Assert.Equal(["ann ann@example.com", "cid cid@example.com"], names);

        await Ok(client, "execute_statement", new JsonObject { ["sql"] = "select name, active from users order by name" });
        var (all, _) = await Ok(client, "fetch_all", new JsonObject());
        Assert.Equal("[{\"name\":\"ann\",\"active\":1},{\"name\":\"bob\",\"active\":0},{\"name\":\"cid\",\"active\":1}]", all["rows"]!.ToJsonString());

        // Each execute_statement replaces the previous one, so a loop of them does not pile up handles.
        Assert.Equal(2, client.Session.Handles.Count);

        var mismatch = await Fail(client, "execute_statement", new JsonObject { ["sql"] = "select ?", ["params"] = new JsonArray() });
        Assert.Equal("E_USAGE", mismatch["code"]!.GetValue<string>());
        await Ok(client, "disconnect", new JsonObject());
        var noConnection = await Fail(client, "execute_statement", new JsonObject { ["sql"] = "select 1" });
        Assert.Contains("no current connection", noConnection["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Losing_the_client_rolls_back_uncommitted_work()
    {
        using var bridge = new TestBridge();
        var file = DbFile(bridge);
        var setup = bridge.Connect();
        var dbh0 = await ConnectSqlite(setup, file);
        await Ok(setup, "do", new JsonObject { ["handle"] = dbh0, ["sql"] = "create table t(a)" });
        await Ok(setup, "disconnect", new JsonObject { ["handle"] = dbh0 });

        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, file, autoCommit: false);
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into t values(1)" });
        await client.CloseAsync();

        var check = bridge.Connect();
        await ConnectSqlite(check, file);
        await Ok(check, "execute_statement", new JsonObject { ["sql"] = "select count(*) as n from t" });
        var (row, _) = await Ok(check, "fetch_row", new JsonObject());
        Assert.Equal(0, row["n"]!.GetValue<long>());
    }

    [Fact]
    public async Task Disconnect_reports_the_rollback_of_uncommitted_work()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, DbFile(bridge), autoCommit: false);
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table t(a)" });
        var (result, _) = await Ok(client, "disconnect", new JsonObject { ["handle"] = dbh });
        Assert.True(result["rolled_back"]!.GetValue<bool>());
        var again = bridge.Connect();
        var dbh2 = await ConnectSqlite(again, DbFile(bridge));
        var missing = await Fail(again, "prepare", new JsonObject { ["handle"] = dbh2, ["sql"] = "select * from t" });
        Assert.Equal("no such table: t", missing["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Begin_work_switches_AutoCommit_off_until_commit_or_rollback()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table t(a)" });
        var (begun, _) = await Ok(client, "begin_work", new JsonObject { ["handle"] = dbh });
        Assert.False(begun["auto_commit"]!.GetValue<bool>());
        var twice = await Fail(client, "begin_work", new JsonObject { ["handle"] = dbh });
        Assert.Equal("Already in a transaction", twice["error"]!.GetValue<string>());
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into t values(1)" });
        var (rolled, _) = await Ok(client, "rollback", new JsonObject { ["handle"] = dbh });
        Assert.True(rolled["auto_commit"]!.GetValue<bool>());
        await Ok(client, "execute_statement", new JsonObject { ["sql"] = "select count(*) as n from t" });
        Assert.Equal(0, (await Ok(client, "fetch_row", new JsonObject())).Result["n"]!.GetValue<long>());

        // A BEGIN the script runs itself switches AutoCommit off as DBD::SQLite does; COMMIT back on.
        var (began, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "begin" });
        Assert.False(began["auto_commit"]!.GetValue<bool>());
        var (committed, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "commit" });
        Assert.True(committed["auto_commit"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Blocks_end_at_the_row_count_asked_or_the_default()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        var (prepared, _) = await Ok(client, "prepare", new JsonObject
        {
            ["handle"] = dbh,
            ["sql"] = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 2500) select i, 'x' || i from n",
        });
        var sth = prepared["handle"]!.GetValue<string>();
        var (first, block) = await Ok(client, "execute", new JsonObject { ["handle"] = sth });
        Assert.Equal(1000, first["block_rows"]!.GetValue<int>());
        var total = Rows(first, block).Count;
        var last = "";
        while (true)
        {
            var (next, more) = await Ok(client, "fetch", new JsonObject { ["handle"] = sth, ["block_rows"] = 700 });
            var rows = Rows(next, more);
            Assert.True(rows.Count <= 700);
            total += rows.Count;
            if (rows.Count > 0) last = Show(rows)[^1];
            if (next["done"]!.GetValue<bool>()) break;
        }
        Assert.Equal(2500, total);
        Assert.Equal("2500|x2500:ib", last);
    }

    [Fact]
    public async Task Table_and_column_info_follow_DBD_SQLite()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table t(id integer primary key, name varchar(20) not null default 'x', d decimal(10,2), y)" });
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create view v as select * from t" });
        var (tables, block) = await Ok(client, "table_info", new JsonObject { ["handle"] = dbh, ["type"] = "TABLE" });
        Assert.Equal("[\"TABLE_CAT\",\"TABLE_SCHEM\",\"TABLE_NAME\",\"TABLE_TYPE\",\"REMARKS\",\"sqlite_sql\"]",
            new JsonArray([.. tables["columns"]!.AsArray().Select(c => c!["name"]!.DeepClone())]).ToJsonString());
        Assert.StartsWith("database.statement#", tables["statement"]!.GetValue<string>());
        Assert.Equal(["undef|main|t|TABLE|undef|CREATE TABLE t(id integer primary key, name varchar(20) not null default 'x', d decimal(10,2), y):NbbbNb"],
            Show(Rows(tables, block)));

        var (all, allBlock) = await Ok(client, "table_info", new JsonObject { ["handle"] = dbh });
        Assert.Equal(["main/sqlite_master/SYSTEM TABLE", "temp/sqlite_temp_master/SYSTEM TABLE", "main/t/TABLE", "main/v/VIEW"],
            Rows(all, allBlock).Select(r => $"{r[1].Text}/{r[2].Text}/{r[3].Text}").ToList());

        var (columns, columnBlock) = await Ok(client, "column_info", new JsonObject { ["handle"] = dbh, ["table"] = "t" });
        Assert.All(columns["columns"]!.AsArray(), c => Assert.Equal(12, c!["type"]!.GetValue<int>()));
        Assert.Equal(
        [
            "undef|main|t|id|undef|INTEGER|undef|undef|undef|undef|1|undef|undef|undef|undef|undef|1|YES",
            "undef|main|t|name|undef|varchar|20|undef|undef|undef|0|undef|'x'|undef|undef|undef|2|NO",
            "undef|main|t|d|undef|decimal|10|undef|2|undef|1|undef|undef|undef|undef|undef|3|YES",
            "undef|main|t|y|undef||undef|undef|undef|undef|1|undef|undef|undef|undef|undef|4|YES",
        ], Show(Rows(columns, columnBlock)).Select(s => s[..s.LastIndexOf(':')]).ToList());
    }

    [Fact]
    public async Task Relative_SQLite_file_names_are_the_scripts()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await Ok(client, "connect", new JsonObject { ["dsn"] = "dbi:SQLite:rel.db", ["cwd"] = bridge.Directory });
        await Ok(client, "execute_statement", new JsonObject { ["sql"] = "create table r(a)" });
        Assert.True(File.Exists(Path.Combine(bridge.Directory, "rel.db")));
    }

    [Fact]
    public async Task Drivers_lists_the_built_in_providers_and_unknown_drivers_are_named()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (drivers, _) = await Ok(client, "drivers", new JsonObject());
        Assert.Contains("SQLite", drivers["drivers"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Contains("Pg", drivers["drivers"]!.AsArray().Select(d => d!.GetValue<string>()));
        var (sources, _) = await Ok(client, "data_sources", new JsonObject { ["driver"] = "SQLite" });
        Assert.Empty(sources["sources"]!.AsArray());
        var unknown = await Fail(client, "connect", new JsonObject { ["dsn"] = "dbi:NoSuch:x" });
        Assert.Equal("E_NOT_SUPPORTED", unknown["code"]!.GetValue<string>());
        Assert.Contains("install_driver(NoSuch) failed", unknown["error"]!.GetValue<string>());
        var notDbi = await Fail(client, "connect", new JsonObject { ["dsn"] = "SQLite:x" });
        Assert.Equal("E_USAGE", notDbi["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chop_blanks_trims_trailing_spaces_of_text_only()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, ":memory:");
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select 'a  ', ' b ', x'2020'" });
        var (result, block) = await Ok(client, "execute", new JsonObject { ["handle"] = prepared["handle"]!.DeepClone(), ["chop_blanks"] = 1 });
        Assert.Equal(["a| b|  :bbb"], Show(Rows(result, block)));
    }

    [Fact]
    public async Task Last_insert_id_and_ping()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var dbh = await ConnectSqlite(client, DbFile(bridge));
        Assert.Equal(0, (await Ok(client, "last_insert_id", new JsonObject { ["handle"] = dbh })).Result["id"]!.GetValue<long>());
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "create table t(id integer primary key, a)" });
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "insert into t(a) values(1),(2)" });
        Assert.Equal(2, (await Ok(client, "last_insert_id", new JsonObject { ["handle"] = dbh })).Result["id"]!.GetValue<long>());
        Assert.True((await Ok(client, "ping", new JsonObject())).Result["alive"]!.GetValue<bool>());
        File.Delete(DbFile(bridge));
        Assert.False((await Ok(client, "ping", new JsonObject { ["handle"] = dbh })).Result["alive"]!.GetValue<bool>());
    }
}

/// <summary>The module over the built-in PostgreSQL provider (skipped without CPAN_BRIDGE_TEST_PG_DSN).</summary>
public class DatabaseModulePgTests
{
    [Fact]
    public async Task Pg_through_the_module_connects_queries_in_blocks_and_reports_DBD_Pg_errors()
    {
        var dsn = Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_DSN");
        if (string.IsNullOrEmpty(dsn)) return;
        // The script's PG* variables travel with connect, as the drop-in sends them; taking them
        // from the shared snapshot also keeps it from being taken after a connect cleared them.
        var env = new JsonObject();
        foreach (var (key, value) in PgTestSupport.ScriptEnvironment()) env[key] = value;
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (connected, _) = await Ok(client, "connect", new JsonObject
        {
            ["dsn"] = dsn,
            ["env"] = env.DeepClone(),
            ["username"] = Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_USER") ?? Environment.GetEnvironmentVariable("PGUSER"),
        });
        Assert.Equal("Pg", connected["driver"]!.GetValue<string>());
        var dbh = connected["handle"]!.GetValue<string>();
        var (prepared, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "select g, 'n' || g from generate_series(1, ?::int) g" });
        var sth = prepared["handle"]!.GetValue<string>();
        var (first, block) = await Ok(client, "execute", new JsonObject { ["handle"] = sth, ["block_rows"] = 2 }, Binds(('i', "3")));
        // DBD::Pg buffers the result: execute returns the row count.
        Assert.Equal(3, first["rows"]!.GetValue<long>());
        Assert.Equal(2, Rows(first, block).Count);
        var (rest, restBlock) = await Ok(client, "fetch", new JsonObject { ["handle"] = sth });
        Assert.Equal("3|n3", Show(Rows(rest, restBlock)).Single().Split(':')[0]);
        Assert.True(rest["done"]!.GetValue<bool>());

        var error = await Fail(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "selec 1" });
        Assert.Equal("E_NATIVE", error["code"]!.GetValue<string>());
        Assert.Equal(7, error["data"]!["err"]!.GetValue<int>());
        Assert.Equal("42601", error["data"]!["state"]!.GetValue<string>());
        Assert.StartsWith("ERROR:  syntax error at or near \"selec\"", error["data"]!["errstr"]!.GetValue<string>());

        // AutoCommit off and a lost client: nothing stays.
        var table = "module_pg_" + Guid.NewGuid().ToString("N")[..8];
        await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = $"create table {table}(a int)" });
        try
        {
            var other = bridge.Connect();
            var (c2, _) = await Ok(other, "connect", new JsonObject { ["dsn"] = dsn, ["auto_commit"] = false, ["env"] = env.DeepClone(),
                ["username"] = Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_USER") ?? Environment.GetEnvironmentVariable("PGUSER") });
            await Ok(other, "do", new JsonObject { ["handle"] = c2["handle"]!.DeepClone(), ["sql"] = $"insert into {table} values(1)" });
            await other.CloseAsync();
            await Ok(client, "execute_statement", new JsonObject { ["handle"] = dbh, ["sql"] = $"select count(*) as n from {table}" });
            Assert.Equal(0, (await Ok(client, "fetch_row", new JsonObject())).Result["n"]!.GetValue<long>());
        }
        finally
        {
            await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = $"drop table {table}" });
        }

        // Server messages ride on the reply of the call that brought them, or on its error.
        var (dropped, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "drop table if exists module_pg_nosuch" });
        Assert.Equal(["NOTICE:  table \"module_pg_nosuch\" does not exist, skipping\n"], dropped["notices"]!.AsArray().Select(n => n!.GetValue<string>()));
        var (quiet, _) = await Ok(client, "do", new JsonObject { ["handle"] = dbh, ["sql"] = "select 1" });
        Assert.False(quiet.ContainsKey("notices"));
        var (raising, _) = await Ok(client, "prepare", new JsonObject { ["handle"] = dbh, ["sql"] = "do $$ begin raise notice 'one'; raise exception 'boom'; end $$" });
        var failed = await Fail(client, "execute", new JsonObject { ["handle"] = raising["handle"]!.DeepClone() });
        Assert.Equal(["NOTICE:  one\n"], failed["data"]!["notices"]!.AsArray().Select(n => n!.GetValue<string>()));
    }
}
