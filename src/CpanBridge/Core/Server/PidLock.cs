using System.Globalization;
using CpanBridge.Core.Config;

namespace CpanBridge.Core.Server;

/// <summary>
/// The daemon's pid file, flock'ed for the daemon's whole life. "The lock can be taken" is how
/// everyone (a starting daemon, `status`, `stop`) knows for sure that no daemon is running, even
/// when a killed daemon left its socket file behind.
/// </summary>
public sealed class PidLock : IDisposable
{
    private readonly FileStream _file;
    private readonly string _path;

    private PidLock(FileStream file, string path)
    {
        _file = file;
        _path = path;
    }

    /// <summary>Takes the lock and writes our pid, or returns null with the running daemon's pid.</summary>
    public static PidLock? TryAcquire(string path, out int runningPid, bool claim = true)
    {
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        });
        if (!Native.TryLockExclusive(file.SafeFileHandle))
        {
            runningPid = ReadPid(file);
            file.Dispose();
            return null;
        }
        runningPid = 0;
        if (!claim) return new PidLock(file, path);
        file.SetLength(0);
        var text = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        file.Write(text);
        file.Flush(true);
        runningPid = Environment.ProcessId;
        return new PidLock(file, path);
    }

    /// <summary>The pid of the running daemon for <paramref name="options"/>, or null when none holds the lock.</summary>
    public static int? RunningDaemon(BridgeOptions options)
    {
        if (!File.Exists(options.PidPath)) return null;
        using var probe = TryAcquire(options.PidPath, out var pid, claim: false);
        return probe is null ? pid : null;
    }

    private static int ReadPid(FileStream file)
    {
        file.Position = 0;
        using var reader = new StreamReader(file, leaveOpen: true);
        return int.TryParse(reader.ReadLine(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
    }

    public void Release(bool deleteFile)
    {
        // Delete while still holding the lock, so nobody reads a pid file with no daemon behind it.
        if (deleteFile)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
            }
        }
        _file.Dispose();
    }

    public void Dispose() => _file.Dispose();
}
