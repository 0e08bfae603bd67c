using CpanBridge.Core;
using CpanBridge.Modules.Database;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>The expectations were measured with DBD::Pg 3.16 (NUM_OF_PARAMS, ParamValues keys, croak text).</summary>
public class PlaceholderTests
{
    [Theory]
    [InlineData("select 1", "select 1", 0)]
    [InlineData("select ?, ?::text, ?", "select $1, $2::text, $3", 3)]
    [InlineData("select '?' , ?", "select '?' , $1", 1)]
    [InlineData("select 'a''?', ?", "select 'a''?', $1", 1)]
    [InlineData(@"select E'a\'?', ?", @"select E'a\'?', $1", 1)]
    [InlineData(@"select e'\\', ?", @"select e'\\', $1", 1)]
    [InlineData(@"select 'a\', ?", @"select 'a\', $1", 1)]
    [InlineData("select \"a?b\", ?", "select \"a?b\", $1", 1)]
    [InlineData("select \"a\"\"?\", ?", "select \"a\"\"?\", $1", 1)]
    [InlineData("select $$ ? $$, ?", "select $$ ? $$, $1", 1)]
    [InlineData("select $t$ ? $t$, ?", "select $t$ ? $t$, $1", 1)]
    [InlineData("select $x$ $y$ ? $x$, ?", "select $x$ $y$ ? $x$, $1", 1)]
    [InlineData("select $$$$, ?", "select $$$$, $1", 1)]
    [InlineData("select $q$ ?", "select $q$ ?", 0)]
    [InlineData("select 1 -- ?\n, ?", "select 1 -- ?\n, $1", 1)]
    [InlineData("select ?--\n", "select $1--\n", 1)]
    [InlineData("select /* ? */ ?", "select /* ? */ $1", 1)]
    // PostgreSQL nests block comments (DBD::Pg does not, and would count 2 here).
    [InlineData("select /* /* ? */ ? */ 1, ?", "select /* /* ? */ ? */ 1, $1", 1)]
    [InlineData("select 'unterminated ?", "select 'unterminated ?", 0)]
    [InlineData("select 1::int, ?", "select 1::int, $1", 1)]
    [InlineData("select ARRAY[1,2,3][1:2], ?", "select ARRAY[1,2,3][1:2], $1", 1)]
    [InlineData("select 1:2", "select 1:2", 0)]
    [InlineData("select a[1 : n]", "select a[1 : n]", 0)]
    [InlineData("select :", "select :", 0)]
    [InlineData("select :=", "select :=", 0)]
    [InlineData("select ::a", "select ::a", 0)]
    [InlineData("select a:::b", "select a:::b", 0)]
    [InlineData("select :é", "select :é", 0)]
    [InlineData("select $1, $2, $1", "select $1, $2, $1", 2)]
    [InlineData("select $2, $1", "select $2, $1", 2)]
    [InlineData("select $1a", "select $1a", 1)]
    [InlineData("select ??", "select $1$2", 2)]
    public void RewritesToDollar(string sql, string expected, int count)
    {
        var result = PlaceholderRewriter.Rewrite(sql, PlaceholderStyle.Dollar);
        Assert.Equal(expected, result.Sql);
        Assert.Equal(count, result.Count);
        Assert.Equal(count, result.Names.Count);
    }

    [Theory]
    [InlineData("select :a, :b, :a", "select $1, $2, $1", ":a,:b")]
    [InlineData("select a[1:2] from t where x=:x", "select a[1:2] from t where x=$1", ":x")]
    [InlineData("select a[1:n] from t", "select a[1$1] from t", ":n")]
    [InlineData("select x:1", "select x$1", ":1")]
    [InlineData("select a[:1]", "select a[$1]", ":1")]
    [InlineData("select :x:=1", "select $1:=1", ":x")]
    [InlineData("select 5::b,:b", "select 5::b,$1", ":b")]
    [InlineData("select \"x\":a", "select \"x\"$1", ":a")]
    [InlineData("select :_a1, :A, :a1b", "select $1, $2, $3", ":_a1,:A,:a1b")]
    [InlineData("select :1, :a", "select $1, $2", ":1,:a")]
    public void NamedPlaceholders(string sql, string expected, string names)
    {
        var result = PlaceholderRewriter.Rewrite(sql, PlaceholderStyle.Dollar);
        Assert.Equal(expected, result.Sql);
        Assert.Equal(names, string.Join(",", result.Names));
    }

    [Fact]
    public void NamesPerStyle()
    {
        Assert.Equal(["1", "2"], PlaceholderRewriter.Rewrite("select ?, ?", PlaceholderStyle.Dollar).Names);
        Assert.Equal(["$1", "$2"], PlaceholderRewriter.Rewrite("select $2, $1", PlaceholderStyle.Dollar).Names);
    }

    [Fact]
    public void OtherTargets()
    {
        var q = PlaceholderRewriter.Rewrite("select :a, :b, :a", PlaceholderStyle.Question);
        Assert.Equal("select ?, ?, ?", q.Sql);
        Assert.Equal(2, q.Count);
        Assert.Equal([0, 1, 0], q.Markers);
        Assert.Equal("select :1, '?', :2", PlaceholderRewriter.Rewrite("select ?, '?', ?", PlaceholderStyle.Colon).Sql);
        Assert.Equal("select @p2, @p1", PlaceholderRewriter.Rewrite("select $2, $1", PlaceholderStyle.At).Sql);
    }

    [Theory]
    [InlineData("select ?, $1", "Cannot mix placeholder styles \"?\" and \"$1\"")]
    [InlineData("select ?, :a", "Cannot mix placeholder styles \"?\" and \":foo\"")]
    [InlineData("select $1, :a", "Cannot mix placeholder styles \"$1\" and \":foo\"")]
    [InlineData("select :a, ?", "Cannot mix placeholder styles \":foo\" and \"?\"")]
    [InlineData("select :a, $1", "Cannot mix placeholder styles \":foo\" and \"$1\"")]
    [InlineData("select $1, ?", "Cannot mix placeholder styles \"$1\" and \"?\"")]
    [InlineData("select $1$ ? $1$", "Cannot mix placeholder styles \"$1\" and \"?\"")]
    [InlineData("select $1, $3", "Invalid placeholders: must start at $1 and increment one at a time (expected: $2)")]
    [InlineData("select $2", "Invalid placeholders: must start at $1 and increment one at a time (expected: $1)")]
    [InlineData("select $0", "Invalid placeholder value")]
    public void ErrorsLikeDbdPg(string sql, string message)
    {
        var error = Assert.Throws<BridgeException>(() => PlaceholderRewriter.Rewrite(sql, PlaceholderStyle.Dollar));
        Assert.Equal(message, error.Message);
    }
}
