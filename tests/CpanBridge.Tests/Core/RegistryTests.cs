using System.Text.Json.Nodes;
using CpanBridge.Core.Registry;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Core;

public class RegistryTests
{
    private sealed class Twice : IBridgeModule
    {
        public string Name => "twice";
        public void Register(ModuleBuilder module)
        {
            module.Function("f", _ => default);
            module.Function("f", _ => default);
        }
    }

    [Fact]
    public void Registering_a_function_twice_fails_at_startup()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FunctionRegistry([new Twice()]));
        Assert.Contains("twice.f is registered twice", e.Message);
    }

    [Fact]
    public void The_checked_in_protocol_manifest_matches_the_registry()
    {
        // A protocol change must show up in review as a diff of protocol-manifest.txt:
        // regenerate it with `bin/cpanbridge manifest > protocol-manifest.txt`.
        using var bridge = new TestBridge();
        var manifest = File.ReadAllText(Path.Combine(RepoRoot(), "protocol-manifest.txt"));
        Assert.Equal(bridge.Runtime.Registry.Manifest(), manifest);
    }

    public static IEnumerable<object[]> AllFunctions()
    {
        using var bridge = new TestBridge();
        return bridge.Runtime.Registry.All.Select(f => new object[] { f.Module, f.Name }).ToArray();
    }

    /// <summary>The shared suite every module's functions go through: arity and parameter names are checked centrally.</summary>
    [Theory]
    [MemberData(nameof(AllFunctions))]
    public async Task Every_function_rejects_missing_and_unknown_parameters_by_name(string module, string function)
    {
        using var bridge = new TestBridge();
        var spec = bridge.Runtime.Registry.Resolve(module, function);
        var client = bridge.Connect();
        if (spec.Params.FirstOrDefault(p => p.Required) is { } required)
        {
            var missing = await client.CallAsync(module, function);
            Assert.Equal("E_USAGE", missing["code"]!.GetValue<string>());
            Assert.Contains($"{module}.{function}: missing required parameter '{required.Name}'", missing["error"]!.GetValue<string>());
        }
        if (!spec.AcceptsAnyParams)
        {
            var parameters = new JsonObject { ["no_such_parameter"] = 1 };
            foreach (var p in spec.Params.Where(p => p.Required)) parameters[p.Name] = p.Type == ParamType.Integer ? 1 : "x";
            var unknown = await client.CallAsync(module, function, parameters);
            Assert.Equal("E_USAGE", unknown["code"]!.GetValue<string>());
            Assert.Contains("unknown parameter 'no_such_parameter'", unknown["error"]!.GetValue<string>());
        }
        var wrongModule = await client.CallAsync(module + "_x", function);
        Assert.Equal("E_UNKNOWN_MODULE", wrongModule["code"]!.GetValue<string>());
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "CpanBridge.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
