using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Modules.Database;
using CpanBridge.Modules.Database.Pg;
using Xunit.Abstractions;
using static CpanBridge.Tests.Modules.Database.PgTestSupport;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>Expected values were measured with DBI 1.643 + DBD::Pg 3.16 against the same server.</summary>
public class PgProviderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ValuesAndKindsAsDbdPgReturnsThem()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        var r = await RunAsync(session, """
            select 42 as i, 1.5 as f, 'héllo' as s, NULL as n, 3000000000 as big, 0.1+0.2 as r,
                   1::int2 a, 1.50::numeric d, 1.5::float4 e, 0.1::float8 g, 1e100::float8 h, true t, false u,
                   'ab '::char(4) l, '\x00ff'::bytea b, '2024-01-02 03:04:05.123'::timestamp q,
                   '2024-01-02 03:04:05+02'::timestamptz z, '1 day 02:00'::interval iv, '{"a": 1}'::jsonb j,
                   ARRAY[1,2] arr, 'x'::text x, 5::numeric(10,2) nn, 12.5::money m
            """);
        var cols = r.Execute.Columns;
        Assert.Equal(1, r.Execute.Rows);
        Assert.False(r.Execute.RowsCountedByFetch);
        Assert.Equal("4,2,-1,-1,-5,2,5,2,0,6,6,16,16,1,-3,11,95,0,0,0,-1,2,0", string.Join(",", cols.Select(c => c.Type!.ToString())));
        Assert.Equal("int4,numeric,text,text,int8,numeric,int2,numeric,float4,float8,float8,bool,bool,bpchar,bytea,timestamp,timestamptz,interval,jsonb,_int4,text,numeric,money",
            string.Join(",", cols.Select(c => c.TypeName)));
        string[] expected = ["42", "1.5", "h\u00e9llo", null!, "3000000000", "0.3", "1", "1.50", "1.5", "0.1", "1e+100", "1", "0",
            "ab  ", null!, "2024-01-02 03:04:05.123", "2024-01-02 01:04:05+00", "1 day 02:00:00", "{\"a\": 1}", "{1,2}", "x", "5.00", "$12.50"];
        for (var c = 0; c < expected.Length; c++)
            if (c != 14) Assert.Equal(expected[c], r.Text(0, c));
        Assert.Equal(new byte[] { 0, 0xff }, r.Rows[0][14].Bytes);
        // Per column: i numbers, f floats, u character strings (ASCII too: DBD::Pg flags them all), b bytea.
        Assert.Equal("iuuuiuiufffiiubuuuuuuuu", r.Kinds[0]);
        Assert.Equal('u', r.Kind(0, 2));
        Assert.Equal('N', r.Kind(0, 3));
        Assert.Equal(4, cols[0].Precision);
        Assert.Null(cols[1].Precision);
        Assert.Equal(65531, cols[1].Scale);
        Assert.Equal(10, cols[21].Precision);
        Assert.Equal(2, cols[21].Scale);
        Assert.Equal(8, cols[13].Precision);
    }

    [Fact]
    public async Task RowCountsLikeDbdPg()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        Assert.Equal(0, (await RunAsync(session, "create temp table rc (id serial primary key, a int)")).Execute.Rows);
        Assert.Equal(3, (await RunAsync(session, "insert into rc(a) values (1),(2),(3)")).Execute.Rows);
        Assert.Equal(0, (await RunAsync(session, "update rc set a = 0 where a = 99")).Execute.Rows);
        var select = await RunAsync(session, "select * from rc");
        Assert.Equal(3, select.Execute.Rows);
        Assert.Equal(3, select.Rows.Count);
        var returning = await RunAsync(session, "insert into rc(a) values (5) returning id");
        Assert.Equal(1, returning.Execute.Rows);
        Assert.Equal("4", returning.Text(0, 0));
        Assert.Equal(4, (await RunAsync(session, "update rc set a = a")).Execute.Rows);
        Assert.Equal(JsonValue.Create(4L).ToJsonString(), (await session.LastInsertIdAsync(null, null, "rc", null, default))!.ToJsonString());
        var lastError = await Assert.ThrowsAsync<DbError>(async () => await session.LastInsertIdAsync(null, null, null, null, default));
        Assert.Equal("last_insert_id needs at least a sequence or table name", lastError.Errstr);
        lastError = await Assert.ThrowsAsync<DbError>(async () => await session.LastInsertIdAsync(null, null, "nosuch", null, default));
        Assert.Equal("Could not find the table \"nosuch\"", lastError.Errstr);
        // Several statements in one string (no placeholders): the last one's result, as PQexec gives it.
        Assert.Equal(1, (await RunAsync(session, "insert into rc(a) values (7); delete from rc where a = 0 or a = 7")).Execute.Rows);
    }

    [Fact]
    public async Task BlocksFollowMaxRows()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        var statement = await session.PrepareAsync("select g, 'r' || g, case when g = 3 then 'é' end from generate_series(1, 5) g", default);
        var r = await RunAsync(statement, [], blockRows: 2);
        Assert.Equal(5, r.Rows.Count);
        Assert.Equal(["iuu", "iuu", "iuu"], r.Kinds);
        Assert.Equal("é", r.Text(2, 2));
        Assert.Equal('N', r.Kind(3, 2));
        // Executing again starts over; finish discards the rest.
        var again = await statement.ExecuteAsync([], new ExecuteOptions(), default);
        Assert.Equal(5, again.Rows);
        await statement.FinishAsync(default);
        var block = new RowBlockWriter();
        block.Reset(again.Columns);
        Assert.True(await statement.ReadBlockAsync(block, 10, default));
        Assert.Equal(0, block.Rows);
        await statement.DisposeAsync();
    }

    [Fact]
    public async Task LargeValuesArriveWhole()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        var r = await RunAsync(session, "select g, repeat('x', g * 7000), decode(repeat('ff', g * 5000), 'hex') from generate_series(1, 12) g");
        for (var row = 0; row < 12; row++)
        {
            Assert.Equal(new string('x', (row + 1) * 7000), r.Text(row, 1));
            var bytes = r.Rows[row][2].Bytes!;
            Assert.Equal((row + 1) * 5000, bytes.Length);
            Assert.All(bytes, b => Assert.Equal(0xff, b));
        }
        Assert.Equal(new string('y', 3_000_000), (await RunAsync(session, "select repeat('y', 3000000)")).Text(0, 0));
    }

    [Fact]
    public async Task PlaceholdersAndBinds()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        var r = await RunAsync(session, "select ?::text, $$ ? $$, ? || 'x' -- ?", U("a"), U("b"));
        Assert.Equal(["a", " ? ", "bx"], [r.Text(0, 0), r.Text(0, 1), r.Text(0, 2)]);
        r = await RunAsync(session, "select :a::text, :b::text, :a::text", U("x"), U("y"));
        Assert.Equal(["x", "y", "x"], [r.Text(0, 0), r.Text(0, 1), r.Text(0, 2)]);
        var named = await session.PrepareAsync("select :a::text, :b::text, :a::text", default);
        Assert.Equal([":a", ":b"], named.ParamNames);
        await named.DisposeAsync();
        // A byte string is Latin-1 characters, sent as UTF-8 (DBD::Pg upgrades it): caf\xe9 -> 5 octets.
        r = await RunAsync(session, "select ?::text, octet_length(?::text), ?::text is null", B([0x63, 0x61, 0x66, 0xe9]), B([0x63, 0x61, 0x66, 0xe9]), Null);
        Assert.Equal(["café", "5", "1"], [r.Text(0, 0), r.Text(0, 1), r.Text(0, 2)]);
        // Typed binds: bytea goes as bytes; SQL_INTEGER makes the parameter an integer.
        var bytea = new JsonObject { ["sql_type"] = -2 };
        r = await RunAsync(session, "select ?::bytea, octet_length(?), pg_typeof(?)::text",
            B([0, 0xff, 0x5c], bytea), B([0, 0xff, 0x5c], (JsonObject)bytea.DeepClone()), B([0, 0xff, 0x5c], (JsonObject)bytea.DeepClone()));
        Assert.Equal(new byte[] { 0, 0xff, 0x5c }, r.Rows[0][0].Bytes);
        Assert.Equal(["3", "bytea"], [r.Text(0, 1), r.Text(0, 2)]);
        r = await RunAsync(session, "select pg_typeof(?)::text, ? + 1",
            new BindValue('i', "5"u8.ToArray(), new JsonObject { ["sql_type"] = 4 }), new BindValue('i', "5"u8.ToArray(), new JsonObject { ["sql_type"] = 4 }));
        Assert.Equal(["integer", "6"], [r.Text(0, 0), r.Text(0, 1)]);
        r = await RunAsync(session, "select pg_typeof(?)::text", new BindValue('f', "5.5"u8.ToArray(), new JsonObject { ["sql_type"] = 8 }));
        Assert.Equal("double precision", r.Text(0, 0));
        var unknown = await Assert.ThrowsAsync<BridgeException>(() => RunAsync(session, "select ?", new BindValue('u', "x"u8.ToArray(), new JsonObject { ["sql_type"] = 9 })));
        Assert.Equal("Cannot bind param 1: unknown sql_type 9", unknown.Message);
        // Unknown-typed text: the server infers, and complains as natively when it cannot.
        Assert.Equal("x", (await RunAsync(session, "select ?", U("x"))).Text(0, 0));
        var error = await FailsAsync(session, "select pg_typeof(?)", U("x"));
        Assert.Equal("ERROR:  could not determine data type of parameter $1", error.Errstr);
        Assert.Equal("42P18", error.State);
    }

    [Fact]
    public async Task PreparedStatementRunsManyTimes()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        await RunAsync(session, "create temp table many (id int, name text)");
        var insert = await session.PrepareAsync("insert into many values (?, ?)", default);
        Assert.True(insert.Batchable);
        for (var i = 0; i < 200; i++)
            Assert.Equal(1, (await insert.ExecuteAsync([new BindValue('i', Encoding.ASCII.GetBytes(i.ToString()), null), U("n" + i)], new ExecuteOptions(), default)).Rows);
        // Once prepared, a bind type given later still applies (the statement is prepared again).
        var typed = new JsonObject { ["sql_type"] = 4 };
        Assert.Equal(1, (await insert.ExecuteAsync([new BindValue('u', "500"u8.ToArray(), typed), Null], new ExecuteOptions(), default)).Rows);
        await insert.DisposeAsync();
        Assert.Equal("201", (await RunAsync(session, "select count(*) from many")).Text(0, 0));
        Assert.False((await session.PrepareAsync("insert into many values (1) returning id", default)).Batchable);
    }

    [Fact]
    public async Task BatchesLikeSeparateExecutes()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        await RunAsync(session, "create temp table bt (id int primary key, name text)");
        var insert = await session.PrepareAsync("insert into bt values (?, ?)", default);
        BindValue[] Set(int id) => [new BindValue('i', Encoding.ASCII.GetBytes(id.ToString()), null), U("n" + id)];
        var watch = Stopwatch.StartNew();
        var rows = await ((IDbBatchExecute)insert).ExecuteBatchAsync([.. Enumerable.Range(1, 2500).Select(Set)], default);
        output.WriteLine($"2500 batched inserts: {watch.ElapsedMilliseconds} ms");
        // The row count of the last set, as $sth->rows after the last execute.
        Assert.Equal(1, rows);
        // AutoCommit on: the sets before a failure stay committed, as with separate executes.
        var failure = await Assert.ThrowsAsync<DbBatchFailure>(async () =>
            await ((IDbBatchExecute)insert).ExecuteBatchAsync([Set(3001), Set(3002), Set(5), Set(3003)], default));
        Assert.Equal(2, failure.Index);
        Assert.Equal(1, failure.Rows);
        Assert.Equal("ERROR:  duplicate key value violates unique constraint \"bt_pkey\"\nDETAIL:  Key (id)=(5) already exists.", failure.Error.Errstr);
        Assert.Equal("2502", (await RunAsync(session, "select count(*) from bt")).Text(0, 0));
        await insert.DisposeAsync();
        var update = await session.PrepareAsync("update bt set name = ? where id between ? and ?", default);
        BindValue[] Range(int from, int to) => [U("r"), new BindValue('i', Encoding.ASCII.GetBytes(from.ToString()), null),
            new BindValue('i', Encoding.ASCII.GetBytes(to.ToString()), null)];
        Assert.Equal(3, await ((IDbBatchExecute)update).ExecuteBatchAsync([Range(1, 10), Range(20, 22)], default));
        Assert.Equal(0, await ((IDbBatchExecute)update).ExecuteBatchAsync([Range(1, 10), Range(-5, -1)], default));
        await update.DisposeAsync();
    }

    [Fact]
    public async Task BatchFailureInATransactionAbortsItAsNatively()
    {
        await using var session = await ConnectAsync(output, autoCommit: false);
        if (session is null) return;
        await RunAsync(session, "create temp table bx (id int primary key) on commit preserve rows");
        await session.CommitAsync(default);
        var insert = await session.PrepareAsync("insert into bx values (?)", default);
        BindValue[] Set(int id) => [new BindValue('i', Encoding.ASCII.GetBytes(id.ToString()), null)];
        var failure = await Assert.ThrowsAsync<DbBatchFailure>(async () =>
            await ((IDbBatchExecute)insert).ExecuteBatchAsync([.. new[] { 1, 2, 3, 2, 4, 5 }.Select(Set)], default));
        Assert.Equal(3, failure.Index);
        Assert.Equal("23505", failure.Error.State);
        // Every later set fails first in its pipeline, with the aborted transaction's error.
        var aborted = await Assert.ThrowsAsync<DbBatchFailure>(async () =>
            await ((IDbBatchExecute)insert).ExecuteBatchAsync([Set(4), Set(5)], default));
        Assert.Equal(0, aborted.Index);
        Assert.Equal("25P02", aborted.Error.State);
        await session.RollbackAsync(default);
        Assert.Equal(1, await ((IDbBatchExecute)insert).ExecuteBatchAsync([Set(4), Set(5)], default));
        await session.CommitAsync(default);
        Assert.Equal("2", (await RunAsync(session, "select count(*) from bx")).Text(0, 0));
        await insert.DisposeAsync();
    }

    [Theory]
    [InlineData("selec 1", "42601", "ERROR:  syntax error at or near \"selec\"\nLINE 1: selec 1\n        ^")]
    [InlineData("select * from nosuch where x = 1", "42P01", "ERROR:  relation \"nosuch\" does not exist\nLINE 1: select * from nosuch where x = 1\n                      ^")]
    [InlineData("select 1/0", "22012", "ERROR:  division by zero")]
    [InlineData("select c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32, c33, c34, c35, c36, c37, c38, c39, c40 from ee1",
        "42703", "ERROR:  column \"c1\" does not exist\nLINE 1: select c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c1...\n               ^")]
    [InlineData("select 1,\n  2,\n  nosuch\nfrom ee1", "42703", "ERROR:  column \"nosuch\" does not exist\nLINE 3:   nosuch\n          ^")]
    [InlineData("select 1,\r\n  nosuch", "42703", "ERROR:  column \"nosuch\" does not exist\nLINE 2:   nosuch\n          ^")]
    [InlineData("select 'été', \tnosuch", "42703", "ERROR:  column \"nosuch\" does not exist\nLINE 1: select 'été',  nosuch\n                       ^")]
    [InlineData("select 'a' || \n\n  x", "42703", "ERROR:  column \"x\" does not exist\nLINE 3:   x\n          ^")]
    [InlineData("select abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, zz, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de, de",
        "42703", "ERROR:  column \"abc\" does not exist\nLINE 1: select abc, abc, abc, abc, abc, abc, abc, abc, abc, abc, abc...\n               ^")]
    [InlineData("SELECT 中文中文, nosuch", "42703", "ERROR:  column \"中文中文\" does not exist\nLINE 1: SELECT 中文中文, nosuch\n               ^")]
    [InlineData("select 1 +", "42601", "ERROR:  syntax error at end of input\nLINE 1: select 1 +\n                  ^")]
    [InlineData("select nosuchfn(1)", "42883", "ERROR:  function nosuchfn(integer) does not exist\nLINE 1: select nosuchfn(1)\n               ^\nHINT:  No function matches the given name and argument types. You might need to add explicit type casts.")]
    [InlineData("drop table nosuch_t", "42P01", "ERROR:  table \"nosuch_t\" does not exist")]
    [InlineData("select 1; select nosuch", "42703", "ERROR:  column \"nosuch\" does not exist\nLINE 1: select 1; select nosuch\n                         ^")]
    public async Task ErrorsReadAsLibpqWritesThem(string sql, string state, string errstr)
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        await RunAsync(session, "create temp table ee1 (id int primary key, n text not null)");
        var error = await FailsAsync(session, sql);
        Assert.Equal(errstr, error.Errstr);
        Assert.Equal(state, error.State);
        Assert.Equal(7, error.Err!.GetValue<int>());
    }

    [Fact]
    public async Task LongLinesAreCutAroundTheCursor()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        var error = await FailsAsync(session, "select " + new string('x', 100) + " from nosuch_long, " + string.Join(", ", Enumerable.Range(1, 20).Select(i => "t" + i)));
        // Measured natively: past column 60 the line is cut on both sides, 10 columns kept right of the cursor.
        Assert.Equal("ERROR:  relation \"nosuch_long\" does not exist\nLINE 1: ...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx from nosuch_lon...\n                                                             ^", error.Errstr);
        error = await FailsAsync(session, "select 1 from (values (1)) v where v = ? and 1 = 1; select 2", U("1"));
        Assert.Equal("ERROR:  cannot insert multiple commands into a prepared statement", error.Errstr);
    }

    [Fact]
    public async Task ConstraintErrorsCarryDetail()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        await RunAsync(session, "create temp table ce1 (id int primary key, n text not null)");
        await RunAsync(session, "create temp table ce2 (id int references ce1(id))");
        await RunAsync(session, "insert into ce1 values (1, 'a')");
        var e = await FailsAsync(session, "insert into ce1 values (1,'a')");
        Assert.Equal("ERROR:  duplicate key value violates unique constraint \"ce1_pkey\"\nDETAIL:  Key (id)=(1) already exists.", e.Errstr);
        Assert.Equal("23505", e.State);
        e = await FailsAsync(session, "insert into ce1 values (2,NULL)");
        Assert.Equal("ERROR:  null value in column \"n\" of relation \"ce1\" violates not-null constraint\nDETAIL:  Failing row contains (2, null).", e.Errstr);
        e = await FailsAsync(session, "insert into ce2 values (5)");
        Assert.Equal("ERROR:  insert or update on table \"ce2\" violates foreign key constraint \"ce2_id_fkey\"\nDETAIL:  Key (id)=(5) is not present in table \"ce1\".", e.Errstr);
        await RunAsync(session, "create function pg_temp.fg() returns int language plpgsql as $$ begin perform nosuchcol from ce1; return 1; end $$");
        e = await FailsAsync(session, "select pg_temp.fg()");
        Assert.Equal("ERROR:  column \"nosuchcol\" does not exist\nLINE 1: SELECT nosuchcol from ce1\n               ^\nQUERY:  SELECT nosuchcol from ce1\nCONTEXT:  PL/pgSQL function pg_temp_" , e.Errstr[..e.Errstr.IndexOf("pg_temp_", StringComparison.Ordinal)] + "pg_temp_");
        Assert.EndsWith(".fg() line 1 at PERFORM", e.Errstr);
    }

    [Fact]
    public async Task TransactionsLikeDbdPg()
    {
        await using var session = await ConnectAsync(output, autoCommit: false);
        if (session is null) return;
        Assert.False(session.AutoCommit);
        Assert.False(session.HasUncommittedWork);
        await RunAsync(session, "create temp table tx (id int) on commit preserve rows");
        Assert.True(session.HasUncommittedWork);
        await session.CommitAsync(default);
        Assert.False(session.HasUncommittedWork);
        await RunAsync(session, "insert into tx values (1)");
        await session.RollbackAsync(default);
        Assert.Equal("0", (await RunAsync(session, "select count(*) from tx")).Text(0, 0));
        await RunAsync(session, "insert into tx values (2)");
        var e = await FailsAsync(session, "select 1/0");
        Assert.Equal("ERROR:  division by zero", e.Errstr);
        e = await FailsAsync(session, "select 1");
        Assert.Equal("ERROR:  current transaction is aborted, commands ignored until end of transaction block", e.Errstr);
        Assert.Equal("25P02", e.State);
        Assert.True(await session.PingAsync(default));
        await session.RollbackAsync(default);
        Assert.Equal("0", (await RunAsync(session, "select count(*) from tx")).Text(0, 0));
        // Switching AutoCommit on commits the pending work.
        await RunAsync(session, "insert into tx values (3)");
        await session.SetAutoCommitAsync(true, default);
        Assert.True(session.AutoCommit);
        Assert.False(session.HasUncommittedWork);
        // begin_work: off until the next commit/rollback, then on again.
        await session.BeginWorkAsync(default);
        Assert.False(session.AutoCommit);
        await RunAsync(session, "insert into tx values (4)");
        await session.RollbackAsync(default);
        Assert.True(session.AutoCommit);
        Assert.Equal("3", (await RunAsync(session, "select string_agg(id::text, ',') from tx")).Text(0, 0));
    }

    [Fact]
    public async Task KilledConnectionReportsAsLibpq()
    {
        await using var session = await ConnectAsync(output, autoCommit: false);
        if (session is null) return;
        await using var killer = await ConnectAsync(output);
        var pid = (await RunAsync(session, "select pg_backend_pid()")).Text(0, 0)!;
        await RunAsync(killer!, "select pg_terminate_backend(" + pid + ")");
        await Task.Delay(300);
        var e = await FailsAsync(session, "select 1");
        output.WriteLine(e.Errstr);
        Assert.Equal("FATAL:  terminating connection due to administrator command\nserver closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.", e.Errstr);
        Assert.Equal("08000", e.State);
        Assert.Equal(7, e.Err!.GetValue<int>());
        e = await FailsAsync(session, "select 1");
        Assert.Equal("no connection to the server", e.Errstr);
        Assert.False(await session.PingAsync(default));
        e = await Assert.ThrowsAsync<DbError>(async () => await session.CommitAsync(default));
        Assert.Equal("no connection to the server", e.Errstr);
    }

    [Fact]
    public async Task ConnectFailuresReadAsLibpq()
    {
        if (string.IsNullOrEmpty(TestDsn))
        {
            output.WriteLine("SKIPPED: CPAN_BRIDGE_TEST_PG_DSN is not set");
            return;
        }
        var env = ScriptEnvironment();
        var host = env.GetValueOrDefault("PGHOST", "127.0.0.1");
        async Task<DbError> Fails(string dsn) =>
            await Assert.ThrowsAsync<DbError>(async () => await PgProvider.ConnectAsync(Request(dsn, env: env), default));
        var e = await Fails("dbi:Pg:port=55999;host=127.0.0.1");
        Assert.Equal("connection to server at \"127.0.0.1\", port 55999 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?", e.Errstr);
        Assert.Equal("08006", e.State);
        Assert.Equal(1, e.Err!.GetValue<int>());
        e = await Fails("dbi:Pg:dbname=nosuchdb");
        Assert.Equal($"connection to server at \"{host}\", port {env.GetValueOrDefault("PGPORT", "5432")} failed: FATAL:  database \"nosuchdb\" does not exist", e.Errstr);
        Assert.Equal("invalid connection option \"foo\"", (await Fails("dbi:Pg:foo=bar")).Errstr);
        Assert.Equal($"connection to server at \"{host}\", port {env.GetValueOrDefault("PGPORT", "5432")} failed: server does not support SSL, but SSL was required",
            (await Fails("dbi:Pg:sslmode=require")).Errstr);
        Assert.Equal("missing \"=\" after \"bridge_test\" in connection info string", (await Fails("dbi:Pg:bridge_test")).Errstr);
        Assert.Equal("invalid sslmode value: \"bogus\"", (await Fails("dbi:Pg:sslmode=bogus")).Errstr);
        Assert.Equal("invalid integer value \"abc\" for connection option \"port\"", (await Fails("dbi:Pg:port=abc")).Errstr);
        Assert.Equal("connection to server on socket \"/nonexist/.s.PGSQL.55432\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?",
            (await Fails("dbi:Pg:host=/nonexist;port=55432")).Errstr);
        // The DSN in libpq's syntax: db= alias, quoted values, options.
        await using var session = await PgProvider.ConnectAsync(Request("dbi:Pg:db=" + env.GetValueOrDefault("PGDATABASE", "bridge_test") + ";options='-c search_path=foo'", env: env), default);
        Assert.Equal("foo", (await RunAsync(session, "show search_path")).Text(0, 0));
        Assert.Equal("Pg", session.Driver);
        Assert.Equal("npgsql", session.Provider);
        Assert.Matches("^[0-9]{5,6}$", session.ServerVersion);
    }

    [Fact]
    public async Task NonUtf8ClientEncodingGivesBytes()
    {
        if (string.IsNullOrEmpty(TestDsn))
        {
            output.WriteLine("SKIPPED: CPAN_BRIDGE_TEST_PG_DSN is not set");
            return;
        }
        var env = ScriptEnvironment();
        env["PGCLIENTENCODING"] = "LATIN1";
        await using var session = await PgProvider.ConnectAsync(Request(env: env), default);
        // Measured: DBD::Pg returns the Latin-1 bytes e9 74 e9 without the utf8 flag; both binds arrive as é.
        var r = await RunAsync(session, "select U&'\\00e9t\\00e9', octet_length(convert_to(?::text, 'UTF8')), octet_length(convert_to(?::text, 'UTF8'))",
            B([0xe9]), U("\u00e9"));
        Assert.Equal('b', r.Kind(0, 0));
        Assert.Equal(new byte[] { 0xe9, 0x74, 0xe9 }, r.Rows[0][0].Bytes);
        Assert.Equal(["2", "2"], [r.Text(0, 1), r.Text(0, 2)]);
    }

    [Fact]
    public async Task TableAndColumnInfo()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        await RunAsync(session, "create temp table info_t (id serial primary key, b varchar(20), c numeric(8,3) not null)");
        var statement = await session.TableInfoAsync(null, null, "info_t", null, default);
        var r = await RunAsync(statement, []);
        Assert.Equal("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,TABLE_TYPE,REMARKS,pg_tablespace_name,pg_tablespace_location,pg_schema,pg_table",
            string.Join(",", r.Execute.Columns.Select(c => c.Name)));
        Assert.Equal("-1,-1,-1,-1,-1,-1,-1,12,12", string.Join(",", r.Execute.Columns.Select(c => c.Type!.ToString())));
        Assert.Single(r.Rows);
        Assert.Equal("LOCAL TEMPORARY", r.Text(0, 3));
        await statement.DisposeAsync();
        statement = await session.ColumnInfoAsync(null, null, "info_t", null, default);
        r = await RunAsync(statement, []);
        Assert.Equal(24, r.Execute.Columns.Count);
        Assert.Equal(3, r.Rows.Count);
        Assert.Equal(["id", "4", "integer", "4", "0", "nextval('info_t_id_seq'::regclass)", "1", "NO", "integer"],
            [r.Text(0, 3), r.Text(0, 4), r.Text(0, 5), r.Text(0, 6), r.Text(0, 10), r.Text(0, 12), r.Text(0, 16), r.Text(0, 17), r.Text(0, 18)]);
        Assert.Equal(["12", "character varying", "20", "1", "YES", "character varying(20)"],
            [r.Text(1, 4), r.Text(1, 5), r.Text(1, 6), r.Text(1, 10), r.Text(1, 17), r.Text(1, 18)]);
        Assert.Equal("3,8", r.Text(2, 6));
        await statement.DisposeAsync();
    }

    [Fact]
    public async Task HundredThousandRowsBufferQuickly()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        var statement = await session.PrepareAsync(
            "select g, 'name ' || g, g * 1.5, now()::timestamp(0), case when g % 10 = 0 then null else 'x' end from generate_series(1, 100000) g", default);
        var watch = Stopwatch.StartNew();
        var result = await statement.ExecuteAsync([], new ExecuteOptions(), default);
        var executed = watch.Elapsed;
        var block = new RowBlockWriter();
        var rows = 0;
        var done = false;
        while (!done)
        {
            block.Reset(result.Columns);
            done = await statement.ReadBlockAsync(block, 5000, default);
            rows += block.Rows;
            Assert.NotNull(block.ToAttachment());
        }
        output.WriteLine($"execute+buffer {executed.TotalMilliseconds:F0} ms, encode {(watch.Elapsed - executed).TotalMilliseconds:F0} ms");
        Assert.Equal(100000, result.Rows);
        Assert.Equal(100000, rows);
        await statement.DisposeAsync();
    }
}
