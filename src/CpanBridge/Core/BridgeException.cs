using System.Text.Json.Nodes;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core;

/// <summary>
/// A failure to report to the client. Three kinds reach the wire: native (the library's or
/// server's own error, code E_NATIVE with its codes in <see cref="Data"/>), bridge (limits,
/// handles, frames) and usage (the caller's mistake). Anything else thrown by a function is a
/// bug and becomes E_INTERNAL in one place, <see cref="Sessions.Dispatcher"/>.
/// </summary>
public sealed class BridgeException : Exception
{
    public string Code { get; }
    public new JsonObject? Data { get; }

    public BridgeException(string code, string message, JsonObject? data = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Data = data;
    }

    public static BridgeException Usage(string message) => new(ErrorCodes.Usage, message);

    public static BridgeException NotSupported(string perlModule, string method) =>
        new(ErrorCodes.NotSupported, $"{perlModule}::{method} not supported by CPAN Bridge");

    public static BridgeException Native(string message, JsonObject? data = null, Exception? inner = null) =>
        new(ErrorCodes.Native, message, data, inner);
}
