using CpanBridge.Core.Config;

namespace CpanBridge.Tests.Core;

public class OptionsTests
{
    private static BridgeOptions From(params (string Name, string Value)[] env) =>
        BridgeOptions.FromEnvironment(name => env.FirstOrDefault(e => e.Name == name).Value);

    [Fact]
    public void Files_sit_beside_the_socket()
    {
        var options = From(("CPAN_BRIDGE_SOCKET", "/run/x/bridge.sock"));
        Assert.Equal("/run/x/bridge.pid", options.PidPath);
        Assert.Equal("/run/x/bridge.log", options.LogPath);
        Assert.Equal("/run/x/bridge.audit.log", options.AuditLogPath);
        Assert.Equal("/run/x/bridge.start.lock", options.StartLockPath);
    }

    [Fact]
    public void Default_socket_is_per_user()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        Assert.Equal(Path.Combine(dir, "cpanbridge", "bridge.sock"), BridgeOptions.FromEnvironment(n => n == "XDG_RUNTIME_DIR" ? dir : null).SocketPath);
        Assert.StartsWith("/tmp/cpanbridge-", BridgeOptions.FromEnvironment(_ => null).SocketPath);
    }

    [Fact]
    public void Values_are_parsed()
    {
        var options = From(("CPAN_BRIDGE_SOCKET", "/s/b.sock"), ("CPAN_BRIDGE_SOCKET_MODE", "0660"), ("CPAN_BRIDGE_ALLOWED_UIDS", "1001, 1002"),
            ("CPAN_BRIDGE_MAX_CONNECTIONS", "7"), ("CPAN_BRIDGE_IDLE_EXIT", "30"), ("CPAN_BRIDGE_DEBUG", "1"), ("CPAN_BRIDGE_SHUTDOWN_GRACE", "1.5"));
        Assert.Equal((UnixFileMode)0x1B0, options.SocketMode);
        Assert.Equal([1001u, 1002u], options.AllowedUids.Order());
        Assert.Equal(7, options.MaxConnections);
        Assert.Equal(30, options.IdleExitSeconds);
        Assert.Equal("debug", options.LogLevel);
        Assert.Equal(1.5, options.ShutdownGraceSeconds);
    }

    [Theory]
    [InlineData("CPAN_BRIDGE_MAX_CONNECTIONS", "lots", "CPAN_BRIDGE_MAX_CONNECTIONS: 'lots' is not a whole number")]
    [InlineData("CPAN_BRIDGE_SOCKET_MODE", "rw", "CPAN_BRIDGE_SOCKET_MODE: 'rw' is not an octal permission")]
    [InlineData("CPAN_BRIDGE_ALLOWED_UIDS", "bob", "CPAN_BRIDGE_ALLOWED_UIDS: 'bob' is not a numeric uid")]
    [InlineData("CPAN_BRIDGE_LOG_LEVEL", "loud", "CPAN_BRIDGE_LOG_LEVEL: 'loud'")]
    [InlineData("CPAN_BRIDGE_MAX_FRAME_BYTES", "10", "≥ 1024")]
    public void Bad_values_are_errors_naming_the_variable(string name, string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => From((name, value)));
        Assert.Contains(message, e.Message);
    }
}
