using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CpanBridge.Modules.Sftp;

/// <summary>Packet types of SFTP version 3 (draft-ietf-secsh-filexfer-02, section 3).</summary>
internal enum SftpType : byte
{
    Init = 1,
    Version = 2,
    Open = 3,
    Close = 4,
    Read = 5,
    Write = 6,
    Lstat = 7,
    Fstat = 8,
    Setstat = 9,
    Fsetstat = 10,
    Opendir = 11,
    Readdir = 12,
    Remove = 13,
    Mkdir = 14,
    Rmdir = 15,
    Realpath = 16,
    Stat = 17,
    Rename = 18,
    Readlink = 19,
    Symlink = 20,
    Status = 101,
    Handle = 102,
    Data = 103,
    Name = 104,
    Attrs = 105,
    Extended = 200,
    ExtendedReply = 201,
}

/// <summary>SSH_FX_* status codes; the numbers Net::SFTP::Foreign's status() reports.</summary>
internal static class SftpStatus
{
    public const uint Ok = 0;
    public const uint Eof = 1;
    public const uint NoSuchFile = 2;
    public const uint PermissionDenied = 3;
    public const uint Failure = 4;
    public const uint BadMessage = 5;
    public const uint OpUnsupported = 8;
}

/// <summary>SSH_FXF_* flags of OPEN.</summary>
[Flags]
internal enum SftpOpenFlags : uint
{
    Read = 0x01,
    Write = 0x02,
    Append = 0x04,
    Create = 0x08,
    Truncate = 0x10,
    Exclusive = 0x20,
}

/// <summary>
/// One SFTP packet being built: length, type, request id and fields, in a pooled buffer that
/// <see cref="Dispose"/> returns. The length prefix is filled in by <see cref="Written"/>.
/// </summary>
internal sealed class SftpPacketWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public SftpPacketWriter(SftpType type, int capacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 64));
        _length = 4;
        WriteByte((byte)type);
    }

    /// <summary>The whole packet, length prefix included.</summary>
    public ReadOnlyMemory<byte> Written
    {
        get
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer, (uint)(_length - 4));
            return _buffer.AsMemory(0, _length);
        }
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Paths and names go as UTF-8, which is what OpenSSH's sftp-server passes to the file system.</summary>
    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>
    /// Room for a string of up to <paramref name="max"/> bytes, to fill in place (a file block
    /// read straight into the packet); <see cref="CommitString"/> then says how many were used.
    /// </summary>
    public Span<byte> ReserveString(int max)
    {
        Ensure(4 + max);
        _reservedAt = _length;
        return _buffer.AsSpan(_length + 4, max);
    }

    public void CommitString(int count)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_reservedAt), (uint)count);
        _length = _reservedAt + 4 + count;
    }

    private int _reservedAt;

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>
/// A received packet (type and body after the type byte, in a pooled buffer) and a cursor over
/// its fields. Fields past the end are a malformed packet from the server: <see cref="SftpProtocolException"/>.
/// </summary>
internal sealed class SftpPacket : IDisposable
{
    private byte[] _body;
    private readonly int _length;
    private int _position;

    public SftpPacket(SftpType type, byte[] body, int length)
    {
        Type = type;
        _body = body;
        _length = length;
    }

    public SftpType Type { get; }
    public int Remaining => _length - _position;

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_body.AsSpan(_position));
        _position += 4;
        return value;
    }

    public uint PeekUInt32()
    {
        Need(4);
        return BinaryPrimitives.ReadUInt32BigEndian(_body.AsSpan(_position));
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64BigEndian(_body.AsSpan(_position));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var count = ReadUInt32();
        if (count > (uint)Remaining) throw new SftpProtocolException($"a string of {count} bytes overruns a {Type} packet");
        var span = _body.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    public ReadOnlyMemory<byte> ReadBytesMemory()
    {
        var count = ReadUInt32();
        if (count > (uint)Remaining) throw new SftpProtocolException($"a string of {count} bytes overruns a {Type} packet");
        var memory = _body.AsMemory(_position, (int)count);
        _position += (int)count;
        return memory;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    private void Need(int count)
    {
        if (Remaining < count) throw new SftpProtocolException($"a {Type} packet ended early");
    }

    public void Dispose()
    {
        var body = _body;
        _body = [];
        if (body.Length > 0) ArrayPool<byte>.Shared.Return(body);
    }
}

/// <summary>The server sent something that is not SFTP version 3: the session cannot go on.</summary>
internal sealed class SftpProtocolException(string message) : Exception(message);
