using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Database;

namespace CpanBridge.Tests.Modules.Database;

/// <summary>The attachment layouts of docs/protocol.md: BER integers, row blocks and bind sets, checked against Perl's own pack/unpack.</summary>
public class CodecTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7F")]
    [InlineData(128UL, "8100")]
    [InlineData(300UL, "822C")]
    [InlineData(16384UL, "818000")]
    [InlineData(ulong.MaxValue, "81FFFFFFFFFFFFFFFF7F")]
    public void Ber_is_perls_pack_w(ulong value, string hex)
    {
        var output = new ArrayBufferWriter<byte>();
        Ber.Write(output, value);
        Assert.Equal(hex, Convert.ToHexString(output.WrittenSpan));
        var position = 0;
        Assert.Equal(value, Ber.Read(Convert.FromHexString(hex), ref position));
        Assert.Equal(hex.Length / 2, position);
    }

    [Fact]
    public void Ber_read_rejects_truncated_and_overlong_input()
    {
        var position = 0;
        Assert.Throws<FormatException>(() => Ber.Read(Convert.FromHexString("8180"), ref position));
        position = 0;
        Assert.Throws<FormatException>(() => Ber.Read(Convert.FromHexString("8181818181818181818101"), ref position));
    }

    private static IReadOnlyList<DbColumn> Columns(string kinds) =>
        [.. kinds.Select((k, i) => new DbColumn("c" + i, JsonValue.Create("VARCHAR"), "VARCHAR", null, null, 1, k))];

    [Fact]
    public void A_block_whose_cells_all_follow_their_kinds_has_an_empty_marks_string()
    {
        var block = new RowBlockWriter();
        block.Reset(Columns("ib"));
        block.Add("1"u8, 'i');
        block.Add("a"u8);
        block.Add("22"u8);
        block.Add("bb"u8, 'b');
        Assert.Equal(2, block.Rows);
        Assert.Equal("ib", block.Kinds);
        Assert.Equal("00" + "0131" + "0161" + "023232" + "026262", Convert.ToHexString(block.ToAttachment()!));
    }

    [Fact]
    public void A_null_or_a_cell_of_another_kind_marks_every_cell_of_the_block()
    {
        var block = new RowBlockWriter();
        block.Reset(Columns("ib"));
        block.Add("1"u8);
        block.Add("a"u8);
        block.AddNull();
        block.Add("2.5"u8, 'f');
        var rows = RowBlockReader.Read(block.ToAttachment(), block.Kinds, block.Rows);
        Assert.Equal("..Nf", Encoding.ASCII.GetString(block.ToAttachment()!.AsSpan(1, 4)));
        Assert.Equal([('i', "1"), ('b', "a")], rows[0].Select(c => (c.Kind, Encoding.UTF8.GetString(c.Bytes.Span))));
        Assert.True(rows[1][0].IsNull);
        Assert.Equal('f', rows[1][1].Kind);
    }

    [Fact]
    public void Kinds_can_change_only_before_the_first_row_and_an_empty_block_has_no_attachment()
    {
        var block = new RowBlockWriter();
        block.Reset(Columns("u"));
        block.SetKind(0, 'b');
        Assert.Equal("b", block.Kinds);
        Assert.Null(block.ToAttachment());
        block.Add("x"u8);
        Assert.Throws<InvalidOperationException>(() => block.SetKind(0, 'u'));
        block.Reset(Columns("ii"));
        block.Add("1"u8);
        Assert.Throws<InvalidOperationException>(() => block.ToAttachment());
    }

    [Fact]
    public void Full_follows_the_byte_budget()
    {
        // The budget counts cells as sent: each value's BER length and its bytes.
        var block = new RowBlockWriter { ByteBudget = 11 };
        block.Reset(Columns("b"));
        block.Add("123456789"u8);
        Assert.False(block.Full);
        block.Add("0"u8);
        Assert.True(block.Full);
    }

    [Fact]
    public void Bind_sets_are_read_with_their_marks_and_types()
    {
        var attachment = DbTestKit.Binds(('N', null), ('u', "h\u00e9"), ('b', "\u00e9"), ('i', "42"), ('f', "1.5"))!;
        var types = new JsonArray(null, null, new JsonObject { ["sql_type"] = 30 }, null, null);
        var set = Assert.Single(BindReader.Read(attachment, 1, 5, types));
        Assert.True(set[0].IsNull);
        Assert.Equal("h\u00e9", Encoding.UTF8.GetString(set[1].Bytes.Span));
        Assert.Equal([0xE9], set[2].Bytes.ToArray());
        Assert.Equal(30, set[2].Type!["sql_type"]!.GetValue<int>());
        Assert.Equal(('i', "42"), (set[3].Mark, Encoding.ASCII.GetString(set[3].Bytes.Span)));
        Assert.Equal('f', set[4].Mark);
    }

    [Theory]
    [InlineData("0278", 2, "has 2 values, the statement has 3 placeholders")]  // marks say 2
    [InlineData("01", 1, "truncated")]
    [InlineData("01580101", 1, "unknown mark 'X'")]
    [InlineData("0162" + "05", 1, "runs past the attachment")]
    [InlineData("0162" + "0161" + "FF", 1, "bytes left over")]
    public void Malformed_bind_sets_are_refused_with_the_reason(string hex, int count, string fragment)
    {
        var bytes = Convert.FromHexString(hex);
        var expected = count == 2 ? 3 : count;
        var e = Assert.Throws<FormatException>(() => BindReader.Read(bytes, 1, expected, null));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Statements_without_placeholders_take_no_attachment_or_empty_sets()
    {
        Assert.Equal(3, BindReader.Read(ReadOnlyMemory<byte>.Empty, 3, 0, null).Count);
        Assert.All(BindReader.Read(new byte[] { 0, 0 }, 2, 0, null), s => Assert.Empty(s));
    }

    [Fact]
    public void Perl_unpacks_a_row_block_with_one_unpack_and_packs_binds_we_read()
    {
        if (!File.Exists("/usr/bin/perl")) return;
        var block = new RowBlockWriter();
        block.Reset(Columns("iu"));
        block.Add("7"u8);
        block.Add("h\u00e9"u8.ToArray());
        block.AddNull();
        block.Add("x"u8);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, block.ToAttachment()!);
            var unpacked = Perl($"open my $f, '<:raw', '{file}' or die; local $/; my ($m, @v) = unpack('w/a* (w/a*)*', <$f>); print join('|', $m, map {{ unpack('H*', $_) }} @v)");
            Assert.Equal("..N.|37|68c3a9||78", unpacked);

            var packed = Perl("binmode STDOUT; print pack('w/a* (w/a*)*', 'Nuif', '', \"h\\xc3\\xa9\", 42, 1.5)");
            var set = Assert.Single(BindReader.Read(Encoding.Latin1.GetBytes(packed), 1, 4, null));
            Assert.Equal("Nuif", new string([.. set.Select(b => b.Mark)]));
            Assert.Equal("1.5", Encoding.ASCII.GetString(set[3].Bytes.Span));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_text_block_in_character_form_decodes_once_in_Perl_to_character_strings()
    {
        if (!File.Exists("/usr/bin/perl")) return;
        var block = new RowBlockWriter();
        block.Reset(Columns("iu"));
        // A value of 200 characters has a two-byte BER length: its 0x81 digit must survive the decode.
        var longText = new string('\u00e9', 200);
        foreach (var (id, text) in new[] { ("1", "caf\u00e9"), ("2", longText), ("3", "\u20ac") })
        {
            block.Add(Encoding.ASCII.GetBytes(id));
            block.Add(Encoding.UTF8.GetBytes(text));
        }
        block.AddNull();
        block.Add("x"u8);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, block.ToAttachment(allowCharacters: true, out var characters)!);
            Assert.True(characters);
            var unpacked = Perl($"open my $f, '<:raw', '{file}' or die; local $/; my $b = <$f>; utf8::decode($b) or die; "
                + "my ($m, @v) = unpack('w/a* (w/a*)*', $b); print join('|', $m, map {; length($_) . (utf8::is_utf8($_) ? 'u' : 'b') } @v)");
            Assert.Equal("......N.|1u|4u|1u|200u|1u|1u|0u|1u", unpacked);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("ub")]   // a bytes column (bytea) cannot be handed out decoded
    [InlineData("ii")]   // no text: per-cell work is the same, bytes are cheaper to unpack
    public void Blocks_with_bytes_or_without_text_stay_in_byte_form(string kinds)
    {
        var block = new RowBlockWriter();
        block.Reset(Columns(kinds));
        block.Add("1"u8);
        block.Add("2"u8);
        Assert.NotNull(block.ToAttachment(allowCharacters: true, out var characters));
        Assert.False(characters);
    }

    [Fact]
    public void Invalid_UTF8_keeps_the_byte_form()
    {
        var block = new RowBlockWriter();
        block.Reset(Columns("u"));
        block.Add(new byte[] { 0xE9 });
        Assert.Equal(block.ToAttachment(), block.ToAttachment(allowCharacters: true, out var characters));
        Assert.False(characters);
    }

    private static string Perl(string code)
    {
        var start = new ProcessStartInfo("/usr/bin/perl")
        {
            RedirectStandardOutput = true, StandardOutputEncoding = Encoding.Latin1, RedirectStandardError = true,
        };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(code);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"perl exited {process.ExitCode}: {error.Result}");
        return output;
    }
}
