// The daemon speaks Unix sockets, flock and SO_PEERCRED: Linux (RHEL) is the platform.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
