using System.Reflection;

namespace CpanBridge.Core;

public static class BridgeVersion
{
    /// <summary>Wire protocol major version; bumped only for incompatible changes.</summary>
    public const int Protocol = 1;

    public static string Daemon { get; } =
        typeof(BridgeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
