using System.Runtime.Loader;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Modules.Database;
using CpanBridge.Modules.Database.Plugins;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>ADO.NET provider plug-ins: manifests, Oracle's DSN forms, and Npgsql loaded as a plug-in against the real PostgreSQL.</summary>
public class PluginTests
{
    [Theory]
    [InlineData("ORCL", null, "ORCL", null, null)]
    [InlineData("", "scott@ORCL", "ORCL", "scott", null)]
    [InlineData("", "scott/tiger@ORCL", "ORCL", "scott", "tiger")]
    [InlineData("host=db1;sid=ORCL;port=1522", "scott",
        "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1522))(CONNECT_DATA=(SID=ORCL)))", "scott", null)]
    [InlineData("host=db1;sid=ORCL", null,
        "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1521))(CONNECT_DATA=(SID=ORCL)))", null, null)]
    [InlineData("host=db1.example.com;service_name=sales.example.com;port=1530", null,
        "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db1.example.com)(PORT=1530))(CONNECT_DATA=(SERVICE_NAME=sales.example.com)))", null, null)]
    [InlineData("db1:1522/sales", null, "db1:1522/sales", null, null)]
    [InlineData("//db1:1522/sales", null, "db1:1522/sales", null, null)]
    [InlineData("//db1/sales", null, "db1/sales", null, null)]
    public void Oracle_DSN_forms_become_an_ODP_NET_data_source(string body, string? user, string expected, string? expectedUser, string? expectedPassword)
    {
        var result = OracleDsn.Parse(body, user, null);
        Assert.Equal(expected, result.DataSource);
        Assert.Equal(expectedUser, result.User);
        Assert.Equal(expectedPassword, result.Password);
    }

    [Fact]
    public void An_empty_Oracle_DSN_uses_TWO_TASK_then_ORACLE_SID_from_the_scripts_environment()
    {
        Assert.Equal("TT", OracleDsn.Parse("", "u", "p", new Dictionary<string, string> { ["TWO_TASK"] = "TT", ["ORACLE_SID"] = "SID" }).DataSource);
        Assert.Equal("SID", OracleDsn.Parse("", "u", "p", new Dictionary<string, string> { ["ORACLE_SID"] = "SID" }).DataSource);
        Assert.Null(OracleDsn.Parse("", "u", "p", new Dictionary<string, string>()).DataSource);
        // An explicit password wins over one in the user name.
        Assert.Equal("given", OracleDsn.Parse("", "scott/tiger@X", "given").Password);
    }

    [Theory]
    [InlineData("host=db1;port=1521", "needs sid= or service_name=")]
    [InlineData("sid=ORCL", "needs host=")]
    [InlineData("host=db1;sid=X;port=abc", "port 'abc'")]
    [InlineData("host=db1;sid=X;colour=red", "unknown DSN key 'colour'")]
    [InlineData("db1:port/x", "is not a number")]
    public void Bad_Oracle_DSNs_are_usage_errors_naming_the_problem(string body, string fragment)
    {
        var e = Assert.Throws<BridgeException>(() => OracleDsn.Parse(body, null, null));
        Assert.Equal("E_USAGE", e.Code);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Manifests_are_read_per_sub_folder_and_broken_ones_are_skipped_with_a_warning()
    {
        var root = TempDir();
        try
        {
            Write(root, "good", """{"driver": "Informix", "assembly": "IBM.Data.Db2.dll", "factory": "IBM.Data.Db2.DB2Factory", "placeholders": "question", "dsn": "pairs"}""");
            Write(root, "bad", """{"driver": "Broken", "assembly": "x.dll", "factory": "X", "placeholders": "curly"}""");
            Write(root, "notjson", "{ nope");
            Directory.CreateDirectory(Path.Combine(root, "empty"));
            var log = new StringWriter();
            var catalog = PluginCatalog.Load(root, new CpanBridge.Core.Logging.Log(log, CpanBridge.Core.Logging.LogLevel.Debug));
            Assert.Equal(["Informix"], catalog.Drivers);
            Assert.Contains("'placeholders' must be dollar, question, colon, at or none, got 'curly'", log.ToString());
            Assert.Contains("notjson", log.ToString());
            var plugin = catalog.Find("Informix")!;
            // The assembly is only needed at the first connect; its absence is then a clear error.
            var e = Assert.Throws<BridgeException>(() => plugin.Factory);
            Assert.Contains("IBM.Data.Db2.dll does not exist", e.Message);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Without_the_setting_there_are_no_plug_ins()
    {
        Assert.Empty(PluginCatalog.Load(null, null).Drivers);
        Assert.Empty(PluginCatalog.Load("/nonexistent/cpanbridge-providers", null).Drivers);
    }

    [Fact]
    public void A_provider_exception_becomes_DBI_err_errstr_and_state()
    {
        var error = AdoSession.Error(new FakeDbException("ORA-00942: table or view does not exist", 942, "42S02"));
        Assert.Equal("942", error.Err!.ToJsonString());
        Assert.Equal("ORA-00942: table or view does not exist", error.Errstr);
        Assert.Equal("42S02", error.State);
        var plain = AdoSession.Error(new InvalidOperationException("connection is closed"));
        Assert.Equal("1", plain.Err!.ToJsonString());
        Assert.Equal("S1000", plain.State);
    }

    private sealed class FakeDbException(string message, int number, string state) : System.Data.Common.DbException(message)
    {
        public int Number { get; } = number;
        public override string SqlState => state;
    }

    [Fact]
    public void DBI_search_patterns_match_like_LIKE()
    {
        Assert.True(AdoSession.Like("orders", "ord%"));
        Assert.True(AdoSession.Like("orders", "order_"));
        Assert.False(AdoSession.Like("orders", "order"));
        Assert.True(AdoSession.Like("a.b", "a.b"));
        Assert.False(AdoSession.Like("axb", "a.b"));
        Assert.True(AdoSession.Like(null, null));
    }

    // ---- Npgsql loaded as a plug-in -----------------------------------------------------------

    private static string? PgBody()
    {
        var dsn = Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_DSN");
        if (string.IsNullOrEmpty(dsn))
        {
            var host = Environment.GetEnvironmentVariable("PGHOST");
            if (string.IsNullOrEmpty(host)) return null;
            dsn = $"dbi:Pg:dbname={Environment.GetEnvironmentVariable("PGDATABASE") ?? "postgres"};host={host};port={Environment.GetEnvironmentVariable("PGPORT") ?? "5432"}";
        }
        return Dsn.Parse(dsn).Body;
    }

    private static string? PgUser() =>
        Environment.GetEnvironmentVariable("CPAN_BRIDGE_TEST_PG_USER") ?? Environment.GetEnvironmentVariable("PGUSER");

    /// <summary>Npgsql.dll and its dependencies: from the test output (when the daemon references Npgsql) or the NuGet cache.</summary>
    private static List<string> NpgsqlFiles()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var files = new List<string>();
        foreach (var (name, package) in new[]
                 {
                     ("Npgsql.dll", "npgsql"),
                     ("Microsoft.Extensions.Logging.Abstractions.dll", "microsoft.extensions.logging.abstractions"),
                     ("Microsoft.Extensions.DependencyInjection.Abstractions.dll", "microsoft.extensions.dependencyinjection.abstractions"),
                 })
        {
            var local = Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(local))
            {
                files.Add(local);
                continue;
            }
            var dir = Path.Combine(packages, package);
            var found = Directory.Exists(dir)
                ? Directory.GetFiles(dir, name, SearchOption.AllDirectories).Where(f => f.Contains("net10.0") || f.Contains("net9.0") || f.Contains("net8.0"))
                    .OrderByDescending(f => f, StringComparer.Ordinal).FirstOrDefault()
                : null;
            if (found is null) throw new FileNotFoundException($"{name} is neither in the test output nor in the NuGet cache {dir}");
            files.Add(found);
        }
        return files;
    }

    [Fact]
    public async Task Npgsql_loaded_as_a_plug_in_runs_queries_transactions_and_errors_against_PostgreSQL()
    {
        var body = PgBody();
        if (body is null) return; // no PostgreSQL configured (CPAN_BRIDGE_TEST_PG_DSN / PG*): nothing to prove against
        var root = TempDir();
        try
        {
            var folder = Path.Combine(root, "npgsql");
            Directory.CreateDirectory(folder);
            foreach (var file in NpgsqlFiles()) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            File.WriteAllText(Path.Combine(folder, "provider.json"),
                """{"driver": "PgPlugin", "assembly": "Npgsql.dll", "factory": "Npgsql.NpgsqlFactory", "placeholders": "dollar", "dsn": "pairs", "user_key": "Username"}""");
            var catalog = PluginCatalog.Load(root, null);
            var providers = new DbProviders(catalog);
            Assert.Contains("PgPlugin", providers.Drivers);

            var request = new ConnectRequest(Dsn.Parse("dbi:PgPlugin:" + body), PgUser(), null, AutoCommit: true, null,
                new Dictionary<string, string>(), null);
            await using var session = await providers.ConnectAsync(request, CancellationToken.None);
            Assert.Equal("PgPlugin", session.Driver);
            Assert.Equal("Npgsql", session.Provider);
            // The factory came from the plug-in folder, in its own load context.
            var factoryType = catalog.Find("PgPlugin")!.Factory.GetType();
            Assert.IsType<PluginLoadContext>(AssemblyLoadContext.GetLoadContext(factoryType.Assembly));
            Assert.StartsWith(folder, factoryType.Assembly.Location);
            Assert.True(await session.PingAsync(CancellationToken.None));

            // '?' placeholders rewritten to $n; values with DBI type codes and kinds.
            await using (var select = await session.PrepareAsync("select ?::int + 1 as n, ?::text as s, 1.50::numeric as d, 0.25::float8 as f, true as b, null::text as z", CancellationToken.None))
            {
                Assert.Equal(2, select.ParamCount);
                var result = await select.ExecuteAsync([Bind('i', "41"), Bind('u', "h\u00e9")], new ExecuteOptions(), CancellationToken.None);
                Assert.Equal(["n:4", "s:12", "d:3", "f:8", "b:16", "z:12"], result.Columns.Select(c => $"{c.Name}:{c.Type}").ToList());
                var rows = await ReadAll(select, result.Columns);
                Assert.Equal(["42|h\u00e9|1.50|0.25|1|undef:iubfiN"], rows);
            }

            var table = "plugin_test_" + Guid.NewGuid().ToString("N")[..8];
            await Do(session, $"create table {table}(id int primary key, name text)");
            try
            {
                // AutoCommit off: an explicit transaction; rollback discards, commit keeps.
                await session.SetAutoCommitAsync(false, CancellationToken.None);
                await using (var insert = await session.PrepareAsync($"insert into {table} values(:id, :name)", CancellationToken.None))
                {
                    Assert.Equal([":id", ":name"], insert.ParamNames);
                    var inserted = await insert.ExecuteAsync([Bind('i', "1"), Bind('u', "one")], new ExecuteOptions(), CancellationToken.None);
                    Assert.Equal(1, inserted.Rows);
                    Assert.True(session.HasUncommittedWork);
                    await session.RollbackAsync(CancellationToken.None);
                    await insert.ExecuteAsync([Bind('i', "2"), Bind('u', "two")], new ExecuteOptions(), CancellationToken.None);
                    await session.CommitAsync(CancellationToken.None);
                }
                await session.SetAutoCommitAsync(true, CancellationToken.None);
                Assert.Equal(["2|two:iu"], await Query(session, $"select id, name from {table} order by id"));

                // Two statements interleaved: the first one's rest is held while the second runs.
                await Do(session, $"insert into {table} select g, 'n' || g from generate_series(10, 14) g");
                await using var first = await session.PrepareAsync($"select id from {table} order by id", CancellationToken.None);
                var firstResult = await first.ExecuteAsync([], new ExecuteOptions(), CancellationToken.None);
                var block = new RowBlockWriter();
                block.Reset(firstResult.Columns);
                Assert.False(await first.ReadBlockAsync(block, 2, CancellationToken.None));
                Assert.Equal(["1|undef:iN"], await Query(session, "select 1, null"));
                var rest = await ReadAll(first, firstResult.Columns);
                Assert.Equal(["11:i", "12:i", "13:i", "14:i"], rest);

                var tables = await session.TableInfoAsync(null, null, table, null, CancellationToken.None);
                var listed = await ReadAll(tables, (await tables.ExecuteAsync([], new ExecuteOptions(), CancellationToken.None)).Columns);
                Assert.Contains(listed, r => r.Contains("|" + table + "|TABLE|"));
            }
            finally
            {
                await Do(session, $"drop table {table}");
            }

            // PostgreSQL's errors: the SQLSTATE and message come through.
            var e = await Assert.ThrowsAsync<DbError>(async () => await Do(session, "selec 1"));
            Assert.Equal("42601", e.State);
            Assert.Contains("syntax error at or near \"selec\"", e.Errstr);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    private static BindValue Bind(char mark, string value) => new(mark, Encoding.UTF8.GetBytes(value), null);

    private static async Task Do(IDbSession session, string sql)
    {
        await using var statement = await session.PrepareAsync(sql, CancellationToken.None);
        await statement.ExecuteAsync([], new ExecuteOptions(), CancellationToken.None);
    }

    private static async Task<List<string>> Query(IDbSession session, string sql)
    {
        await using var statement = await session.PrepareAsync(sql, CancellationToken.None);
        var result = await statement.ExecuteAsync([], new ExecuteOptions(), CancellationToken.None);
        return await ReadAll(statement, result.Columns);
    }

    private static async Task<List<string>> ReadAll(IDbStatement statement, IReadOnlyList<DbColumn> columns)
    {
        var rows = new List<string>();
        var block = new RowBlockWriter();
        while (true)
        {
            block.Reset(columns);
            var done = await statement.ReadBlockAsync(block, 100, CancellationToken.None);
            var kinds = block.Kinds;
            var count = block.Rows;
            rows.AddRange(DbTestKit.Show([.. RowBlockReader.Read(block.ToAttachment(), kinds, count).Select(r => r.Select(c =>
                (c.Kind, c.IsNull ? null : Encoding.UTF8.GetString(c.Bytes.Span))).ToArray())]));
            if (done) return rows;
        }
    }

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cpanbridge-plugins-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Write(string root, string name, string json)
    {
        Directory.CreateDirectory(Path.Combine(root, name));
        File.WriteAllText(Path.Combine(root, name, "provider.json"), json);
    }
}
