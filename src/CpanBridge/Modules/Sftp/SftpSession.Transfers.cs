using CpanBridge.Core;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Modules.Sftp;

/// <summary>Reads up to <c>into.Length</c> bytes at <c>offset</c> of what is being uploaded; 0 at its end.</summary>
internal delegate int UploadSource(long offset, Span<byte> into);

/// <summary>Where downloaded bytes go; blocks may arrive out of order, so each comes with its offset.</summary>
internal interface IDownloadSink
{
    void Write(long offset, ReadOnlySpan<byte> data);
}

/// <summary>How a transfer is cut into requests: block size, requests in flight, where it starts.</summary>
internal readonly record struct TransferShape(long Offset, int BlockSize, int QueueSize);

/// <summary>
/// put and get with several READ/WRITE requests in flight — one round trip per block would make
/// a long link the bottleneck, which is why Net::SFTP::Foreign and OpenSSH's sftp do the same.
/// </summary>
internal sealed partial class SftpSession
{
    /// <summary>
    /// Everything of an upload after OPEN: writes all <paramref name="source"/> has into the open
    /// remote file from the shape's offset, then FSETSTATs <paramref name="late"/> (when given)
    /// and CLOSEs the handle. Returns the bytes written.
    /// </summary>
    /// <remarks>
    /// FSETSTAT and CLOSE go out right behind the last WRITE, without waiting for the WRITEs'
    /// answers: a small file then costs one round trip after OPEN instead of three. The server
    /// answers every id (OpenSSH's in order), so each answer is still checked, in request
    /// order, and the first failure is the one reported, with data.request naming its request
    /// ("write", "fsetstat", "close") as before. What differs from waiting: after a failed
    /// WRITE the FSETSTAT already sent is carried out too (the mode and times land on the
    /// partial file), and the CLOSE already sent closes the handle.
    /// On any failure the answers still due are collected (no stale answer is left in flight),
    /// and a handle whose CLOSE was not sent yet is closed quietly.
    /// </remarks>
    public async Task<long> UploadAsync(string what, byte[] handle, UploadSource source, TransferShape shape, SftpAttrs? late,
        CancellationToken cancel)
    {
        var inFlight = new Queue<(Task<SftpPacket> Reply, int Length, string Request)>();
        var offset = shape.Offset;
        var written = 0L;
        var atEnd = false;
        var closeSent = false;
        var stage = "write";
        try
        {
            while (true)
            {
                while (!atEnd && inFlight.Count < shape.QueueSize)
                {
                    var request = Begin(SftpType.Write, shape.BlockSize + handle.Length + 32);
                    int count;
                    try
                    {
                        request.WriteString(handle);
                        request.WriteUInt64((ulong)offset);
                        count = source(offset, request.ReserveString(shape.BlockSize));
                        request.CommitString(count);
                    }
                    catch
                    {
                        request.Dispose();
                        throw;
                    }
                    if (count == 0)
                    {
                        request.Dispose();
                        atEnd = true;
                        break;
                    }
                    inFlight.Enqueue((await SendAsync(request, cancel), count, "write"));
                    offset += count;
                }
                if (atEnd && !closeSent)
                {
                    if (late is not null)
                    {
                        stage = "fsetstat";
                        var fsetstat = Begin(SftpType.Fsetstat);
                        fsetstat.WriteString(handle);
                        late.Write(fsetstat);
                        inFlight.Enqueue((await SendAsync(fsetstat, cancel), 0, stage));
                    }
                    stage = "close";
                    var close = Begin(SftpType.Close);
                    close.WriteString(handle);
                    var closed = await SendAsync(close, cancel);
                    closeSent = true;
                    inFlight.Enqueue((closed, 0, stage));
                }
                if (inFlight.Count == 0) return written;
                var (reply, length, answering) = inFlight.Dequeue();
                stage = answering;
                using (var answer = await ReceiveAsync(reply, cancel)) ExpectOk(answer, what);
                written += length;
            }
        }
        catch (BridgeException e)
        {
            NameRequest(e, stage);
            await AfterFailedUploadAsync(inFlight, closeSent, handle);
            throw;
        }
        catch
        {
            await AfterFailedUploadAsync(inFlight, closeSent, handle);
            throw;
        }
    }

    private async Task AfterFailedUploadAsync(Queue<(Task<SftpPacket> Reply, int Length, string Request)> inFlight, bool closeSent,
        byte[] handle)
    {
        await DrainAsync(inFlight.Select(f => f.Reply));
        if (!closeSent) await CloseQuietlyAsync(handle, CancellationToken.None);
    }

    /// <summary>
    /// Names the SFTP request of a transfer a remote failure came from (data.request), which
    /// Net::SFTP::Foreign words differently; the first name given stays. Local file errors are
    /// told apart by their local_errno instead.
    /// </summary>
    public static void NameRequest(BridgeException e, string request)
    {
        if (e.Code == ErrorCodes.Native && e.Data is { } data && !data.ContainsKey("local_errno") && !data.ContainsKey("request"))
            data["request"] = request;
    }

    /// <summary>
    /// Reads the open remote file from the shape's offset to its end into <paramref name="sink"/>.
    /// <paramref name="sizeHint"/> (the size FSTAT gave) keeps a small file from costing a
    /// window of requests past its end; a file that grew meanwhile is still read to its real end.
    /// Short answers (a server may send less than asked) are asked again for the rest.
    /// </summary>
    public async Task<long> ReadAllAsync(string what, byte[] handle, IDownloadSink sink, TransferShape shape, ulong? sizeHint,
        CancellationToken cancel)
    {
        var inFlight = new Queue<(Task<SftpPacket> Reply, long Offset, int Length)>();
        var next = shape.Offset;
        long? end = null;
        long? expected = sizeHint is { } hint && hint <= long.MaxValue ? (long)hint : null;
        long? probe = null;
        var received = 0L;
        try
        {
            while (true)
            {
                while (end is null && inFlight.Count < shape.QueueSize)
                {
                    if (expected is { } size && next >= size)
                    {
                        // One block at exactly the expected end, sent with the others: its EOF
                        // confirms the end without a round trip after the last data.
                        if (probe is not null) break;
                        probe = Math.Max(size, shape.Offset);
                        next = probe.Value;
                    }
                    inFlight.Enqueue((await SendAsync(ReadRequest(handle, next, shape.BlockSize), cancel), next, shape.BlockSize));
                    next += shape.BlockSize;
                }
                if (inFlight.Count == 0) return received;
                var (reply, offset, length) = inFlight.Dequeue();
                using var answer = await ReceiveAsync(reply, cancel);
                if (answer.Type == SftpType.Status && PeekStatus(answer) == SftpStatus.Eof)
                {
                    end = end is { } known ? Math.Min(known, offset) : offset;
                    continue;
                }
                int got;
                {
                    var data = Expect(answer, SftpType.Data, what).ReadBytes();
                    got = data.Length;
                    if (got > length) throw BrokeProtocol($"it answered a READ of {length} bytes with {got}");
                    sink.Write(offset, data);
                }
                received += got;
                if (expected is { } e && offset + got > e) expected = null;
                if (got < length && got > 0 && offset + got != probe)
                    inFlight.Enqueue((await SendAsync(ReadRequest(handle, offset + got, length - got), cancel), offset + got, length - got));
                else if (got == 0)
                    end = end is { } known ? Math.Min(known, offset) : offset;
            }
        }
        catch
        {
            await DrainAsync(inFlight.Select(f => f.Reply));
            throw;
        }
    }

    private SftpPacketWriter ReadRequest(byte[] handle, long offset, int length)
    {
        var request = Begin(SftpType.Read, handle.Length + 32);
        request.WriteString(handle);
        request.WriteUInt64((ulong)offset);
        request.WriteUInt32((uint)length);
        return request;
    }

    /// <summary>Collects the answers still due after a failure, so their buffers go back to the pool.</summary>
    private async Task DrainAsync(IEnumerable<Task<SftpPacket>> replies)
    {
        foreach (var reply in replies.ToList())
        {
            if (IsLost) return;
            try
            {
                (await ReceiveAsync(reply, CancellationToken.None)).Dispose();
            }
            catch (Exception e) when (e is BridgeException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
