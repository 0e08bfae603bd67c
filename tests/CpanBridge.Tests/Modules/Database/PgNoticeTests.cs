using CpanBridge.Modules.Database.Pg;
using Npgsql;
using Xunit.Abstractions;
using static CpanBridge.Tests.Modules.Database.PgTestSupport;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>Server messages as DBD::Pg 3.16 warns them (texts measured with libpq 15 against the same server).</summary>
public class PgNoticeTests(ITestOutputHelper output)
{
    [Fact]
    public void NoticeIsLibpqTextWithNewline()
    {
        var notice = new PostgresNotice("NOTICE", "NOTICE", "00000", "table \"nosuch_zz\" does not exist, skipping");
        Assert.Equal("NOTICE:  table \"nosuch_zz\" does not exist, skipping\n", PgErrors.FormatNotice(notice, null));
    }

    [Fact]
    public void DetailAndHintLinesButNoContext()
    {
        // libpq shows CONTEXT for errors only: a RAISE in a DO block carries one the script never sees.
        var notice = new PostgresNotice(severity: "WARNING", invariantSeverity: "WARNING", sqlState: "01000", messageText: "w one", detail: "the detail", hint: "a hint",
            where: "PL/pgSQL function inline_code_block line 1 at RAISE");
        Assert.Equal("WARNING:  w one\nDETAIL:  the detail\nHINT:  a hint\n", PgErrors.FormatNotice(notice, null));
        var cascade = new PostgresNotice(severity: "NOTICE", invariantSeverity: "NOTICE", sqlState: "00000", messageText: "drop cascades to 2 other objects",
            detail: "drop cascades to view base_v\ndrop cascades to constraint child_id_fkey on table child");
        Assert.Equal("NOTICE:  drop cascades to 2 other objects\nDETAIL:  drop cascades to view base_v\n" +
                     "drop cascades to constraint child_id_fkey on table child\n", PgErrors.FormatNotice(cascade, null));
    }

    [Fact]
    public void PositionShownOnTheRunningQuery()
    {
        var notice = new PostgresNotice(severity: "NOTICE", invariantSeverity: "NOTICE", sqlState: "00000", messageText: "something here", position: 8);
        Assert.Equal("NOTICE:  something here\nLINE 1: select xyz\n               ^\n", PgErrors.FormatNotice(notice, "select xyz"));
        Assert.Equal("NOTICE:  something here at character 8\n", PgErrors.FormatNotice(notice, null));
    }

    [Fact]
    public async Task SessionCollectsNoticesInOrderUntilTaken()
    {
        await using var session = await ConnectAsync(output);
        if (session is null) return;
        Assert.Empty(session.TakeNotices());
        await RunAsync(session, "drop table if exists nosuch_notice_zz");
        await RunAsync(session, "do $$ begin raise notice 'n one'; raise info 'i one'; end $$");
        Assert.Equal(["NOTICE:  table \"nosuch_notice_zz\" does not exist, skipping\n", "NOTICE:  n one\n", "INFO:  i one\n"],
            session.TakeNotices());
        Assert.Empty(session.TakeNotices());
        // Raised before an error: still collected, for the error reply.
        await FailsAsync(session, "do $$ begin raise notice 'before'; raise exception 'boom'; end $$");
        Assert.Equal(["NOTICE:  before\n"], session.TakeNotices());
        await RunAsync(session, "set client_min_messages = warning");
        await RunAsync(session, "drop table if exists nosuch_notice_zz");
        Assert.Empty(session.TakeNotices());
    }
}
