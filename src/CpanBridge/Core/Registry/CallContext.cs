using CpanBridge.Core.Protocol;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Core.Registry;

/// <summary>Everything a function may use while it runs: its parameters, attachment and session.</summary>
public sealed class CallContext
{
    internal CallContext(FunctionSpec function, Request request, Session session, CancellationToken cancellation)
    {
        Function = function;
        Request = request;
        Session = session;
        Params = new Parameters(function, request.Params);
        Cancellation = cancellation;
    }

    public FunctionSpec Function { get; }
    public Request Request { get; }
    public Parameters Params { get; }
    public ReadOnlyMemory<byte> Attachment => Request.Attachment;
    public Session Session { get; }
    /// <summary>The connection's handles; closing the connection disposes them all.</summary>
    public HandleTable Handles => Session.Handles;
    /// <summary>Signalled when the client has gone away or the daemon must stop at once.</summary>
    public CancellationToken Cancellation { get; }
}
