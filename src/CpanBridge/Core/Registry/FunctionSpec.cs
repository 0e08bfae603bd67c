using CpanBridge.Core.Metrics;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core.Registry;

public delegate ValueTask<Reply> BridgeFunction(CallContext call);

public enum ParamType { Any, String, Integer, Number, Boolean, Object, Array, Handle }

public sealed record ParamSpec(string Name, ParamType Type, bool Required);

/// <summary>One registered function: its name, declared parameters, whether it keeps state, and its statistics.</summary>
public sealed class FunctionSpec
{
    internal FunctionSpec(string module, string name, BridgeFunction handler)
    {
        Module = module;
        Name = name;
        FullName = module + "." + name;
        Handler = handler;
    }

    public string Module { get; }
    public string Name { get; }
    public string FullName { get; }
    public BridgeFunction Handler { get; }
    public List<ParamSpec> Params { get; } = [];
    /// <summary>Accepts parameters it does not declare (test.ping echoes whatever it is given).</summary>
    public bool AcceptsAnyParams { get; internal set; }
    /// <summary>Creates or uses handles, so it cannot run in process mode.</summary>
    public bool Stateful { get; internal set; }
    public FunctionStats Stats { get; } = new();

    /// <summary>The line this function contributes to protocol-manifest.txt.</summary>
    public string Signature
    {
        get
        {
            var parts = Params.Select(p => (p.Required ? "" : "?") + p.Name + ":" + p.Type.ToString().ToLowerInvariant());
            if (AcceptsAnyParams) parts = parts.Append("...");
            return $"{FullName}({string.Join(", ", parts)}){(Stateful ? " stateful" : "")}";
        }
    }
}

/// <summary>Fluent declaration of a function's parameters, used inside <see cref="IBridgeModule.Register"/>.</summary>
public sealed class FunctionBuilder
{
    private readonly FunctionSpec _spec;
    internal FunctionBuilder(FunctionSpec spec) => _spec = spec;

    public FunctionBuilder Required(string name, ParamType type) => Add(name, type, true);
    public FunctionBuilder Optional(string name, ParamType type) => Add(name, type, false);

    public FunctionBuilder AnyParams()
    {
        _spec.AcceptsAnyParams = true;
        return this;
    }

    public FunctionBuilder Stateful()
    {
        _spec.Stateful = true;
        return this;
    }

    private FunctionBuilder Add(string name, ParamType type, bool required)
    {
        if (_spec.Params.Any(p => p.Name == name))
            throw new InvalidOperationException($"{_spec.FullName} declares parameter '{name}' twice");
        _spec.Params.Add(new ParamSpec(name, type, required));
        if (type == ParamType.Handle) _spec.Stateful = true;
        return this;
    }
}

public sealed class ModuleBuilder
{
    private readonly string _module;
    private readonly Dictionary<string, FunctionSpec> _functions;

    internal ModuleBuilder(string module, Dictionary<string, FunctionSpec> functions)
    {
        _module = module;
        _functions = functions;
    }

    public FunctionBuilder Function(string name, BridgeFunction handler)
    {
        if (_functions.ContainsKey(name))
            throw new InvalidOperationException($"{_module}.{name} is registered twice");
        var spec = new FunctionSpec(_module, name, handler);
        _functions.Add(name, spec);
        return new FunctionBuilder(spec);
    }
}

/// <summary>A bridge module: registers its functions once, by name, at start-up.</summary>
public interface IBridgeModule
{
    string Name { get; }
    void Register(ModuleBuilder module);
}
