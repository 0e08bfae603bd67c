using System.Collections.Frozen;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core.Registry;

/// <summary>
/// The explicit table of callable functions, built once at start-up from the modules handed to it.
/// Nothing else is reachable from a request: there is no reflection over names.
/// </summary>
public sealed class FunctionRegistry
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, FunctionSpec>> _modules;

    public FunctionRegistry(IEnumerable<IBridgeModule> modules)
    {
        var table = new Dictionary<string, FrozenDictionary<string, FunctionSpec>>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            if (table.ContainsKey(module.Name))
                throw new InvalidOperationException($"module '{module.Name}' is registered twice");
            var functions = new Dictionary<string, FunctionSpec>(StringComparer.Ordinal);
            module.Register(new ModuleBuilder(module.Name, functions));
            table.Add(module.Name, functions.ToFrozenDictionary(StringComparer.Ordinal));
        }
        _modules = table.ToFrozenDictionary(StringComparer.Ordinal);
        ModuleNames = [.. _modules.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> ModuleNames { get; }

    public IEnumerable<FunctionSpec> All =>
        ModuleNames.SelectMany(m => _modules[m].Values.OrderBy(f => f.Name, StringComparer.Ordinal));

    public FunctionSpec Resolve(string module, string function)
    {
        if (!_modules.TryGetValue(module, out var functions))
            throw new BridgeException(ErrorCodes.UnknownModule,
                $"unknown module '{module}' (loaded modules: {string.Join(", ", ModuleNames)})");
        if (!functions.TryGetValue(function, out var spec))
            throw new BridgeException(ErrorCodes.UnknownFunction,
                $"module '{module}' has no function '{function}' (it has: {string.Join(", ", functions.Keys.Order(StringComparer.Ordinal))})");
        return spec;
    }

    /// <summary>protocol-manifest.txt: one line per function, so protocol changes show in diffs.</summary>
    public string Manifest() =>
        $"# CPAN Bridge protocol {BridgeVersion.Protocol}: module.function(params) [stateful]\n" +
        string.Concat(All.Select(f => f.Signature + "\n"));
}
