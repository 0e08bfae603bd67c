using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CpanBridge.Core;

/// <summary>Who is on the other end of a Unix socket, as the kernel reports it (SO_PEERCRED).</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid);

/// <summary>The few POSIX calls .NET does not wrap: uids, flock, setsid, umask, statx, SO_PEERCRED.</summary>
internal static partial class Native
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int LockEx = 2;
    private const int LockNb = 4;
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint getuid();

    [LibraryImport("libc", EntryPoint = "getpid")]
    private static partial int getpid();

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint umask(uint mask);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int dup2(int oldfd, int newfd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    public static uint GetUid() => getuid();

    /// <summary>Sends SIGTERM; false when there is no such process (or it is not ours).</summary>
    public static bool Terminate(int pid) => kill(pid, 15) == 0;

    public static bool IsAlive(int pid) => kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM: alive, not ours */;
    public static int GetPid() => getpid();
    /// <summary>Sets the umask and returns the previous one.</summary>
    public static uint SetUmask(uint mask) => umask(mask);

    /// <summary>Leaves the controlling terminal's session, so a closing terminal does not kill the daemon.</summary>
    public static void DetachFromTerminal() => setsid();

    /// <summary>Points stdin, stdout and stderr at /dev/null (after a detached daemon reported it is ready).</summary>
    public static void SilenceStandardStreams()
    {
        var devNull = open("/dev/null", 2 /* O_RDWR */);
        if (devNull < 0) return;
        for (var fd = 0; fd <= 2; fd++) dup2(devNull, fd);
        if (devNull > 2) close(devNull);
    }

    /// <summary>Non-blocking exclusive flock on an open file; false when another process holds it.</summary>
    public static bool TryLockExclusive(SafeHandle file)
    {
        var fd = (int)file.DangerousGetHandle();
        return flock(fd, LockEx | LockNb) == 0;
    }

    public static unsafe uint GetOwnerUid(string path)
    {
        // statx has one layout on every architecture, unlike struct stat; stx_uid sits at offset 20.
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxUid, buffer) != 0)
            throw new IOException($"cannot stat {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        return BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer + 20, 4));
    }

    public static PeerCredentials? GetPeerCredentials(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < 12) return null;
        }
        catch (SocketException)
        {
            return null;
        }
        return new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(ucred),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]));
    }
}
