using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Tests.Support;

/// <summary>A module for tests: parent/child handles whose disposal is recorded, and a crashing function.</summary>
public sealed class ProbeModule : IBridgeModule
{
    public sealed class Resource(string name)
    {
        public string Name { get; } = name;
    }

    public ConcurrentQueue<string> Disposed { get; } = new();
    private readonly HandleKind<Resource> _parentKind;
    private readonly HandleKind<Resource> _childKind;

    public ProbeModule()
    {
        _parentKind = new HandleKind<Resource>("probe.parent", r => Disposed.Enqueue(r.Name));
        _childKind = new HandleKind<Resource>("probe.child", r => Disposed.Enqueue(r.Name));
    }

    public string Name => "probe";

    public void Register(ModuleBuilder module)
    {
        module.Function("open", call => Result(call.Handles.Open(_parentKind, new Resource(call.Params.GetString("name")))))
            .Required("name", ParamType.String).Stateful();
        module.Function("open_child", call => Result(call.Handles.Open(_childKind, new Resource(call.Params.GetString("name")), call.Params.GetString("parent"))))
            .Required("parent", ParamType.Handle).Required("name", ParamType.String);
        module.Function("child_name", call => ValueTask.FromResult(Reply.Of(JsonValue.Create(call.Handles.Get(_childKind, call.Params.GetString("handle")).Name))))
            .Required("handle", ParamType.Handle);
        module.Function("close", call =>
        {
            call.Handles.Close(call.Params.GetString("handle"));
            return ValueTask.FromResult(Reply.Null);
        }).Required("handle", ParamType.Handle);
        module.Function("crash", _ => throw new InvalidOperationException("probe crashed on purpose"));
        module.Function("types", call => ValueTask.FromResult(Reply.Of(new JsonObject
        {
            ["i"] = call.Params.GetInt64("i"),
            ["b"] = call.Params.GetBoolean("b"),
            ["n"] = call.Params.GetDouble("n"),
        }))).Required("i", ParamType.Integer).Required("b", ParamType.Boolean).Required("n", ParamType.Number);
    }

    private static ValueTask<Reply> Result(string handle) => ValueTask.FromResult(Reply.Of(new JsonObject { ["handle"] = handle }));
}
