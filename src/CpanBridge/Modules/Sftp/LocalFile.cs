using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using Microsoft.Win32.SafeHandles;

namespace CpanBridge.Modules.Sftp;

/// <summary>
/// The script's local files, opened with open(2) itself so a failure carries the exact errno
/// (EISDIR, ENOTDIR, EROFS...) that Net::SFTP::Foreign would have left in $! — .NET folds several
/// of them into one exception type.
/// </summary>
internal static partial class LocalFile
{
    // Linux values (x86_64 and aarch64 agree).
    private const int ReadOnly = 0x0;
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Truncate = 0x200;
    private const int CloseOnExec = 0x80000;
    private const int EIO = 5;
    private const int EACCES = 13;
    private const int EISDIR = 21;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int fchmod(int fd, uint mode);

    public static SafeFileHandle OpenForReading(string function, string path)
    {
        // open(2) succeeds on a directory; reading it would fail later, after the remote file was made.
        if (Directory.Exists(path)) throw Error(function, "open", path, EISDIR);
        var fd = open(path, ReadOnly | CloseOnExec, 0);
        if (fd < 0) throw Error(function, "open", path, Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Opens for writing: truncated from the start, or kept as it is for a resume at an offset.
    /// <paramref name="perm"/>, when given, becomes the exact mode of a file this call creates
    /// (the shim has applied its umask already); otherwise 0666 less the daemon's umask.
    /// </summary>
    public static SafeFileHandle OpenForWriting(string function, string path, bool truncate, uint? perm)
    {
        var existed = File.Exists(path) || Directory.Exists(path);
        var fd = open(path, WriteOnly | Create | (truncate ? Truncate : 0) | CloseOnExec, perm ?? 0x1b6 /* 0666 */);
        if (fd < 0) throw Error(function, "open", path, Marshal.GetLastPInvokeError());
        if (perm is { } mode && !existed && fchmod(fd, mode) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            new SafeFileHandle(fd, ownsHandle: true).Dispose();
            throw Error(function, "chmod", path, errno);
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The errno behind an exception .NET raised for a read or write.</summary>
    public static int Errno(Exception e) => e switch
    {
        UnauthorizedAccessException => EACCES,
        // On Unix, .NET puts the raw errno in HResult of a plain IOException.
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => EIO,
    };

    /// <summary>E_NATIVE for a local file: the errno (so the shim can set $!) and its text.</summary>
    public static BridgeException Error(string function, string action, string path, int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return BridgeException.Native($"{function}: cannot {action} local file {path}: {text}", new JsonObject
        {
            ["local_errno"] = errno,
            ["local_error"] = text,
        });
    }
}
