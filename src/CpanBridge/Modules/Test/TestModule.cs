using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Modules.Test;

/// <summary>
/// Functions for checking a bridge end to end: ping and echo (the user guide's examples), a sleep
/// for in-flight tests, a counter as the smallest stateful handle, and a failure on demand.
/// </summary>
public sealed class TestModule(BridgeRuntime runtime) : IBridgeModule
{
    private sealed class Counter(long start)
    {
        public long Value = start;
    }

    private static readonly HandleKind<Counter> CounterKind = new("test.counter");

    public string Name => "test";

    public void Register(ModuleBuilder module)
    {
        module.Function("ping", Ping).AnyParams();
        module.Function("echo", call => ValueTask.FromResult(Reply.Of(call.Request.Params,
            call.Request.AttachmentLength >= 0 ? call.Attachment : (ReadOnlyMemory<byte>?)null))).AnyParams();
        module.Function("sleep", Sleep).Required("ms", ParamType.Integer);
        module.Function("counter_open", CounterOpen).Optional("start", ParamType.Integer).Stateful();
        module.Function("counter_next", CounterNext).Required("handle", ParamType.Handle);
        module.Function("counter_close", CounterClose).Required("handle", ParamType.Handle);
        module.Function("fail", Fail).Optional("code", ParamType.String).Optional("message", ParamType.String);
    }

    private ValueTask<Reply> Ping(CallContext call) => ValueTask.FromResult(Reply.Of(new JsonObject
    {
        ["message"] = "pong",
        ["daemon_version"] = BridgeVersion.Daemon,
        ["protocol"] = BridgeVersion.Protocol,
        ["pid"] = Environment.ProcessId,
        ["uptime"] = Math.Round(runtime.Uptime.TotalSeconds, 3),
        ["input"] = JsonNode.Parse(call.Request.Params.GetRawText()),
    }));

    private static async ValueTask<Reply> Sleep(CallContext call)
    {
        var ms = call.Params.GetInt64("ms");
        if (ms is < 0 or > 600_000) throw BridgeException.Usage($"test.sleep: 'ms' must be between 0 and 600000, got {ms}");
        await Task.Delay(TimeSpan.FromMilliseconds(ms), call.Cancellation);
        return Reply.Of(new JsonObject { ["slept_ms"] = ms });
    }

    private static ValueTask<Reply> CounterOpen(CallContext call)
    {
        var handle = call.Handles.Open(CounterKind, new Counter(call.Params.GetInt64("start", 0)));
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["handle"] = handle }));
    }

    private static ValueTask<Reply> CounterNext(CallContext call)
    {
        var counter = call.Handles.Get(CounterKind, call.Params.GetString("handle"));
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["value"] = ++counter.Value }));
    }

    private static ValueTask<Reply> CounterClose(CallContext call)
    {
        var handle = call.Params.GetString("handle");
        call.Handles.Get(CounterKind, handle);
        call.Handles.Close(handle);
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["closed"] = true }));
    }

    private static ValueTask<Reply> Fail(CallContext call)
    {
        var code = call.Params.GetStringOrNull("code") ?? ErrorCodes.Native;
        if (!code.StartsWith("E_", StringComparison.Ordinal) || code.Length > 40)
            throw BridgeException.Usage($"test.fail: 'code' must look like E_SOMETHING, got '{code}'");
        throw new BridgeException(code, call.Params.GetStringOrNull("message") ?? "test.fail failed as asked");
    }
}
