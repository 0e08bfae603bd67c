using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;

namespace CpanBridge.Modules.Database;

/// <summary>
/// Perl's BER compressed integer (pack 'w'): base 128, most significant group first, the high
/// bit set on every byte but the last.
/// </summary>
internal static class Ber
{
    public static void Write(IBufferWriter<byte> output, ulong value)
    {
        Span<byte> scratch = stackalloc byte[10];
        var i = scratch.Length;
        scratch[--i] = (byte)(value & 0x7F);
        while ((value >>= 7) != 0) scratch[--i] = (byte)(0x80 | (value & 0x7F));
        output.Write(scratch[i..]);
    }

    public static ulong Read(ReadOnlySpan<byte> input, ref int position)
    {
        ulong value = 0;
        for (var count = 0; ; count++)
        {
            if (position >= input.Length) throw new FormatException("truncated BER integer");
            if (count == 10) throw new FormatException("BER integer too long");
            var b = input[position++];
            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) == 0) return value;
        }
    }
}

/// <summary>
/// Builds one row block: pack('w/a* (w/a*)*', $marks, @cells) with per-column kinds
/// (docs/protocol.md, "Attachment layouts"). Cells are appended row after row; the marks string
/// is only sent when some cell is NULL or differs from its column's kind.
/// </summary>
internal sealed class RowBlockWriter
{
    private readonly ArrayBufferWriter<byte> _cells = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _marks = new(1024);
    private char[] _kinds = [];
    private bool _anyMark;
    private int _cellsInBlock;
    private int _column;

    public int Rows { get; private set; }
    public int Columns => _kinds.Length;
    public int Bytes => _cells.WrittenCount;
    /// <summary>Cell bytes after which a provider should end the block even below the row count asked for.</summary>
    public int ByteBudget { get; set; } = 1 << 20;
    /// <summary>True once the block holds <see cref="ByteBudget"/> bytes of cells; providers stop adding rows then.</summary>
    public bool Full => _cells.WrittenCount >= ByteBudget;
    /// <summary>The kind letter per column (b u i f) for this block.</summary>
    public string Kinds => new(_kinds);

    public void Reset(IReadOnlyList<DbColumn> columns)
    {
        _cells.ResetWrittenCount();
        _marks.ResetWrittenCount();
        if (_kinds.Length != columns.Count) _kinds = new char[columns.Count];
        for (var i = 0; i < columns.Count; i++) _kinds[i] = columns[i].Kind;
        _anyMark = false;
        _cellsInBlock = 0;
        _column = 0;
        Rows = 0;
    }

    /// <summary>
    /// Sets column <paramref name="column"/>'s kind for this block (SQLite: the first row's value
    /// types). Only before the first row. Not for turning ASCII 'u' text into 'b': Perl flags 'u'
    /// values as characters even when ASCII, as DBD::Pg does, and 'b' would lose that.
    /// </summary>
    public void SetKind(int column, char kind)
    {
        if (Rows != 0 || _column != 0) throw new InvalidOperationException("kinds are fixed once a row is written");
        _kinds[column] = kind;
    }

    public void AddNull()
    {
        Mark('N');
        Ber.Write(_cells, 0);
        Next();
    }

    /// <summary>Adds a cell whose bytes follow its column's kind.</summary>
    public void Add(ReadOnlySpan<byte> value) => Add(value, _kinds[_column]);

    /// <summary>Adds a cell of kind <paramref name="kind"/>; a kind other than the column's is marked for this cell.</summary>
    public void Add(ReadOnlySpan<byte> value, char kind)
    {
        Mark(kind == _kinds[_column] ? '.' : kind);
        // One reservation per cell: this runs for every value of a result, half a million times
        // for 100k rows of 5 columns.
        var target = _cells.GetSpan(value.Length + 5);
        var length = (uint)value.Length;
        int header;
        if (length < 0x80)
        {
            target[0] = (byte)length;
            header = 1;
        }
        else if (length < 0x4000)
        {
            target[0] = (byte)(0x80 | (length >> 7));
            target[1] = (byte)(length & 0x7F);
            header = 2;
        }
        else
        {
            Ber.Write(_cells, length);
            _cells.Write(value);
            Next();
            return;
        }
        value.CopyTo(target[header..]);
        _cells.Advance(header + value.Length);
        Next();
    }

    public void Add(string value, char kind)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            Add(buffer[..Encoding.UTF8.GetBytes(value, buffer)], kind);
        }
        else Add(Encoding.UTF8.GetBytes(value), kind);
    }

    public void Add(string value) => Add(value, _kinds[_column]);

    private void Mark(char mark)
    {
        if (mark != '.' && !_anyMark)
        {
            // First exception in this block: every earlier cell followed its column's kind.
            _anyMark = true;
            var earlier = _marks.GetSpan(_cellsInBlock);
            earlier[.._cellsInBlock].Fill((byte)'.');
            _marks.Advance(_cellsInBlock);
        }
        if (_anyMark)
        {
            _marks.GetSpan(1)[0] = (byte)mark;
            _marks.Advance(1);
        }
        _cellsInBlock++;
    }

    private void Next()
    {
        if (++_column == _kinds.Length)
        {
            _column = 0;
            Rows++;
        }
    }

    /// <summary>The packed block, or null when it holds no cell (zero items means no attachment).</summary>
    public byte[]? ToAttachment() => ToAttachment(allowCharacters: false, out _);

    /// <summary>
    /// The packed block. With <paramref name="allowCharacters"/>, a block whose cells are all text
    /// (kinds u, i, f; valid UTF-8) and has at least one u column is sent in character form
    /// (<paramref name="characters"/> true): the UTF-8 encoding of the layout read as characters,
    /// lengths counting characters. Perl then decodes the whole block once and unpack hands out
    /// character strings, instead of one utf8::decode per cell (docs/protocol.md).
    /// </summary>
    public byte[]? ToAttachment(bool allowCharacters, out bool characters)
    {
        characters = false;
        if (_cellsInBlock == 0) return null;
        if (_column != 0) throw new InvalidOperationException("a row was left incomplete");
        if (allowCharacters && CharacterFormFits())
        {
            var text = ToCharacterForm();
            if (text is not null)
            {
                characters = true;
                return text;
            }
        }
        var output = new ArrayBufferWriter<byte>(_cells.WrittenCount + _marks.WrittenCount + 8);
        Ber.Write(output, (ulong)_marks.WrittenCount);
        output.Write(_marks.WrittenSpan);
        output.Write(_cells.WrittenSpan);
        return output.WrittenSpan.ToArray();
    }

    private bool CharacterFormFits()
    {
        var anyText = false;
        foreach (var kind in _kinds)
        {
            if (kind == 'b') return false;
            anyText |= kind == 'u';
        }
        // A per-cell 'b' override would need bytes, which a decoded block cannot give back.
        return anyText && !_marks.WrittenSpan.Contains((byte)'b');
    }

    /// <summary>Null when some cell is not valid UTF-8.</summary>
    private byte[]? ToCharacterForm()
    {
        // BER digits >= 0x80 become two UTF-8 bytes; everything else is copied.
        var output = new ArrayBufferWriter<byte>(_cells.WrittenCount + _marks.WrittenCount + _cellsInBlock + 16);
        WriteCharacterBer(output, (ulong)_marks.WrittenCount);
        output.Write(_marks.WrittenSpan);
        var cells = _cells.WrittenSpan;
        var position = 0;
        while (position < cells.Length)
        {
            var length = (int)Ber.Read(cells, ref position);
            var value = cells.Slice(position, length);
            position += length;
            if (!global::System.Text.Unicode.Utf8.IsValid(value)) return null;
            WriteCharacterBer(output, (ulong)CodePoints(value));
            output.Write(value);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Code points in valid UTF-8: every byte that is not a continuation byte starts one.</summary>
    private static int CodePoints(ReadOnlySpan<byte> utf8)
    {
        var continuation = 0;
        foreach (var b in utf8)
            if ((b & 0xC0) == 0x80) continuation++;
        return utf8.Length - continuation;
    }

    private static void WriteCharacterBer(ArrayBufferWriter<byte> output, ulong value)
    {
        if (value < 0x80)
        {
            output.Write([(byte)value]);
            return;
        }
        Span<byte> digits = stackalloc byte[10];
        var i = digits.Length;
        digits[--i] = (byte)(value & 0x7F);
        while ((value >>= 7) != 0) digits[--i] = (byte)(0x80 | (value & 0x7F));
        var target = output.GetSpan((digits.Length - i) * 2);
        var written = 0;
        foreach (var digit in digits[i..])
        {
            if (digit < 0x80) target[written++] = digit;
            else
            {
                target[written++] = (byte)(0xC0 | (digit >> 6));
                target[written++] = (byte)(0x80 | (digit & 0x3F));
            }
        }
        output.Advance(written);
    }
}

/// <summary>Reads bind sets: pack('w/a* (w/a*)*', $marks, @values), one or more concatenated.</summary>
internal static class BindReader
{
    /// <summary>Reads <paramref name="sets"/> bind sets of <paramref name="count"/> values each from <paramref name="attachment"/>.</summary>
    public static List<BindValue[]> Read(ReadOnlyMemory<byte> attachment, int sets, int count,
        JsonArray? types)
    {
        var result = new List<BindValue[]>(sets);
        if (count == 0 && attachment.Length == 0)
        {
            // No attachment: zero binds (execute, do). execute_batch sends pack('w/a*', '') per set instead.
            for (var s = 0; s < sets; s++) result.Add([]);
            return result;
        }
        var span = attachment.Span;
        var position = 0;
        for (var s = 0; s < sets; s++)
        {
            var marksLength = (int)Ber.Read(span, ref position);
            if (marksLength != count)
                throw new FormatException($"bind set {s + 1} has {marksLength} values, the statement has {count} placeholders");
            if (position + marksLength > span.Length) throw new FormatException($"bind set {s + 1}: marks truncated");
            var marksStart = position;
            position += marksLength;
            var set = new BindValue[count];
            for (var i = 0; i < count; i++)
            {
                var mark = (char)span[marksStart + i];
                if (mark is not ('N' or 'u' or 'b' or 'i' or 'f'))
                    throw new FormatException($"bind {i + 1}: unknown mark '{mark}'");
                var length = (int)Ber.Read(span, ref position);
                if (position + length > span.Length) throw new FormatException("bind value runs past the attachment");
                set[i] = new BindValue(mark, attachment.Slice(position, length),
                    types is not null && i < types.Count ? types[i] as JsonObject : null);
                position += length;
            }
            result.Add(set);
        }
        if (position != span.Length) throw new FormatException("bytes left over after the last bind set");
        return result;
    }
}

/// <summary>One cell of a decoded row block: its kind (b u i f, or N for NULL) and bytes.</summary>
internal readonly record struct RowCell(char Kind, ReadOnlyMemory<byte> Bytes)
{
    public bool IsNull => Kind == 'N';

    /// <summary>The cell as the raw API's JSON shows it: numbers for i/f, strings for text (bytes that are not UTF-8 read as Latin-1).</summary>
    public JsonNode? ToJson()
    {
        var span = Bytes.Span;
        switch (Kind)
        {
            case 'N':
                return null;
            case 'i' when long.TryParse(span, global::System.Globalization.NumberStyles.AllowLeadingSign, global::System.Globalization.CultureInfo.InvariantCulture, out var l):
                return JsonValue.Create(l);
            case 'f' when double.TryParse(span, global::System.Globalization.NumberStyles.Float, global::System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                return JsonValue.Create(d);
        }
        try
        {
            return JsonValue.Create(StrictUtf8.GetString(span));
        }
        catch (DecoderFallbackException)
        {
            return JsonValue.Create(Encoding.Latin1.GetString(span));
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}

/// <summary>Reads a row block back (the raw API and tests): the inverse of <see cref="RowBlockWriter"/>.</summary>
internal static class RowBlockReader
{
    public static List<RowCell[]> Read(ReadOnlyMemory<byte>? attachment, string kinds, int rows)
    {
        var result = new List<RowCell[]>(rows);
        if (rows == 0 || kinds.Length == 0) return result;
        if (attachment is not { } block) throw new FormatException($"a block of {rows} rows has no attachment");
        var span = block.Span;
        var position = 0;
        var marksLength = (int)Ber.Read(span, ref position);
        var cells = rows * kinds.Length;
        if (marksLength != 0 && marksLength != cells)
            throw new FormatException($"row block marks: {marksLength} for {cells} cells");
        var marks = block.Slice(position, marksLength);
        position += marksLength;
        var cell = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = new RowCell[kinds.Length];
            for (var c = 0; c < kinds.Length; c++, cell++)
            {
                var mark = marksLength == 0 ? '.' : (char)marks.Span[cell];
                var length = (int)Ber.Read(span, ref position);
                if (position + length > span.Length) throw new FormatException("row block value runs past the attachment");
                row[c] = new RowCell(mark == '.' ? kinds[c] : mark, block.Slice(position, length));
                position += length;
            }
            result.Add(row);
        }
        if (position != span.Length) throw new FormatException("bytes left over after the last row");
        return result;
    }
}
