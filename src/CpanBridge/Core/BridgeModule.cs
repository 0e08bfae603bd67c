using System.Text.Json.Nodes;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;

namespace CpanBridge.Core;

/// <summary>The protocol's own functions: version handshake and the function list.</summary>
internal sealed class BridgeModule(BridgeRuntime runtime) : IBridgeModule
{
    public string Name => "bridge";

    public void Register(ModuleBuilder module)
    {
        module.Function("hello", Hello).Optional("client", ParamType.String).Optional("protocol", ParamType.Integer);
        module.Function("functions", _ => ValueTask.FromResult(Reply.Of(
            new JsonArray([.. runtime.Registry.All.Select(f => (JsonNode)JsonValue.Create(f.Signature))]))));
    }

    private ValueTask<Reply> Hello(CallContext call)
    {
        var wanted = call.Params.GetInt64("protocol", BridgeVersion.Protocol);
        if (wanted > BridgeVersion.Protocol)
            throw new BridgeException(ErrorCodes.NotSupported,
                $"client speaks protocol {wanted}, this daemon ({BridgeVersion.Daemon}) speaks {BridgeVersion.Protocol}; upgrade the daemon");
        var options = runtime.Options;
        return ValueTask.FromResult(Reply.Of(new JsonObject
        {
            ["protocol"] = BridgeVersion.Protocol,
            ["daemon_version"] = BridgeVersion.Daemon,
            ["pid"] = Environment.ProcessId,
            ["uid"] = Native.GetUid(),
            ["boot_id"] = runtime.BootId,
            ["mode"] = runtime.Mode.ToString().ToLowerInvariant(),
            ["connection_id"] = call.Session.Id,
            ["modules"] = new JsonArray([.. runtime.Registry.ModuleNames.Select(m => (JsonNode)JsonValue.Create(m))]),
            ["limits"] = new JsonObject
            {
                ["max_frame_bytes"] = options.MaxFrameBytes,
                ["max_attachment_bytes"] = options.MaxAttachmentBytes,
                ["max_handles_per_connection"] = options.MaxHandlesPerConnection,
            },
        }));
    }
}
