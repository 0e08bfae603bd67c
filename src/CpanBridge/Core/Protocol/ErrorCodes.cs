namespace CpanBridge.Core.Protocol;

/// <summary>The machine-readable failure kinds of protocol version 1 (docs/protocol.md).</summary>
public static class ErrorCodes
{
    public const string Frame = "E_FRAME";
    public const string FrameTooLarge = "E_FRAME_TOO_LARGE";
    public const string Request = "E_REQUEST";
    public const string UnknownModule = "E_UNKNOWN_MODULE";
    public const string UnknownFunction = "E_UNKNOWN_FUNCTION";
    public const string Usage = "E_USAGE";
    public const string Handle = "E_HANDLE";
    public const string Limit = "E_LIMIT";
    public const string NotSupported = "E_NOT_SUPPORTED";
    public const string Native = "E_NATIVE";
    /// <summary>A read past the end of the data (a raw-API fetch with no row left); not a failure of the work.</summary>
    public const string NoData = "E_NO_DATA";
    public const string Stateful = "E_STATEFUL";
    public const string ShuttingDown = "E_SHUTTING_DOWN";
    public const string Refused = "E_REFUSED";
    public const string Internal = "E_INTERNAL";

    /// <summary>Failures caused by what the client sent rather than by the work itself.</summary>
    public static bool IsValidationFailure(string code) =>
        code is Frame or FrameTooLarge or Request or UnknownModule or UnknownFunction or Usage;
}
