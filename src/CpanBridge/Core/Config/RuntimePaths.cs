namespace CpanBridge.Core.Config;

/// <summary>Where a user's daemon lives, and the checks that keep one user out of another's.</summary>
public static class RuntimePaths
{
    public static string DefaultSocketPath(Func<string, string?> getenv)
    {
        if (getenv("CPAN_BRIDGE_SOCKET") is { Length: > 0 } explicitPath) return Path.GetFullPath(explicitPath);
        if (getenv("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Directory.Exists(runtime))
            return Path.Combine(runtime, "cpanbridge", "bridge.sock");
        return Path.Combine("/tmp", $"cpanbridge-{Native.GetUid()}", "bridge.sock");
    }

    /// <summary>
    /// Creates the socket's directory (0700) if missing. An existing directory must belong to us and
    /// not be writable by others: a directory in /tmp owned by someone else would let them swap the socket.
    /// </summary>
    public static void PrepareDirectory(string socketPath)
    {
        var directory = Path.GetDirectoryName(socketPath) ?? throw new ConfigException($"socket path '{socketPath}' has no directory");
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }
        var owner = Native.GetOwnerUid(directory);
        var uid = Native.GetUid();
        if (owner != uid && owner != 0)
            throw new ConfigException($"socket directory {directory} belongs to uid {owner}, not to this user (uid {uid}); refusing to use it");
        var mode = File.GetUnixFileMode(directory);
        if (owner != 0 && (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 && !mode.HasFlag(UnixFileMode.StickyBit))
            throw new ConfigException($"socket directory {directory} is writable by other users (mode {Convert.ToString((int)mode, 8)}); make it 0700");
    }
}
