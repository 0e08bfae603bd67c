using System.Data.Common;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;
using CpanBridge.Core;
using CpanBridge.Core.Logging;

namespace CpanBridge.Modules.Database.Plugins;

/// <summary>
/// A provider plug-in's provider.json: which DBI driver it serves, the ADO.NET assembly and
/// factory type in its folder, how placeholders are written for it, and how its DSN body turns
/// into a connection string (docs/configuration.md, "Database provider plug-ins").
/// </summary>
internal sealed record PluginManifest
{
    /// <summary>The DSN driver name: dbi:&lt;Driver&gt;:...</summary>
    [JsonPropertyName("driver")] public string Driver { get; init; } = "";
    /// <summary>The provider assembly's file name, in the plug-in folder.</summary>
    [JsonPropertyName("assembly")] public string Assembly { get; init; } = "";
    /// <summary>The DbProviderFactory type, whose static Instance is used.</summary>
    [JsonPropertyName("factory")] public string Factory { get; init; } = "";
    /// <summary>dollar ($1), question (?), colon (:1), at (@p1), or none (SQL sent as written).</summary>
    [JsonPropertyName("placeholders")] public string Placeholders { get; init; } = "question";
    /// <summary>pairs (key=value;... mapped to connection-string keys), oracle (DBD::Oracle's forms), or raw (the body is the connection string).</summary>
    [JsonPropertyName("dsn")] public string Dsn { get; init; } = "pairs";
    /// <summary>DSN keys to connection-string keys, added to the usual dbname/host/port mapping.</summary>
    [JsonPropertyName("keys")] public Dictionary<string, string>? Keys { get; init; }
    /// <summary>Connection-string keys for the user name and password (default "User ID", "Password").</summary>
    [JsonPropertyName("user_key")] public string UserKey { get; init; } = "User ID";
    [JsonPropertyName("password_key")] public string PasswordKey { get; init; } = "Password";
    /// <summary>Name shown as the provider (default: the assembly name).</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
}

[JsonSerializable(typeof(PluginManifest))]
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class PluginJson : JsonSerializerContext;

/// <summary>
/// The plug-ins of the folder named by CPAN_BRIDGE_DB_PROVIDERS: one sub-folder per provider
/// with its provider.json and assemblies. Manifests are read at start-up; an assembly is loaded
/// (into its own load context) at the first connect that needs it.
/// </summary>
internal sealed class PluginCatalog
{
    private readonly Dictionary<string, ProviderPlugin> _plugins;

    private PluginCatalog(string? directory, Dictionary<string, ProviderPlugin> plugins)
    {
        Directory = directory;
        _plugins = plugins;
        Drivers = [.. plugins.Keys.Order(StringComparer.Ordinal)];
    }

    public string? Directory { get; }
    public IReadOnlyList<string> Drivers { get; }

    public ProviderPlugin? Find(string driver) => _plugins.GetValueOrDefault(driver);

    public static PluginCatalog Empty { get; } = new(null, []);

    /// <summary>Reads every &lt;directory&gt;/*/provider.json; a broken one is logged and skipped, not fatal to the daemon.</summary>
    public static PluginCatalog Load(string? directory, Log? log)
    {
        if (string.IsNullOrEmpty(directory)) return Empty;
        var plugins = new Dictionary<string, ProviderPlugin>(StringComparer.Ordinal);
        if (!global::System.IO.Directory.Exists(directory))
        {
            log?.Warn($"CPAN_BRIDGE_DB_PROVIDERS={directory}: no such directory; no database provider plug-ins loaded");
            return new PluginCatalog(directory, plugins);
        }
        foreach (var folder in global::System.IO.Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(folder, "provider.json");
            if (!File.Exists(path)) continue;
            try
            {
                var manifest = Read(path);
                if (plugins.ContainsKey(manifest.Driver))
                    throw new InvalidDataException($"driver '{manifest.Driver}' is already provided by {plugins[manifest.Driver].Folder}");
                plugins.Add(manifest.Driver, new ProviderPlugin(manifest, folder));
                log?.Info($"database provider plug-in: dbi:{manifest.Driver}: from {folder}");
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
            {
                log?.Warn($"database provider plug-in {path} skipped: {e.Message}");
            }
        }
        return new PluginCatalog(directory, plugins);
    }

    internal static PluginManifest Read(string path)
    {
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(path), PluginJson.Default.PluginManifest)
                       ?? throw new InvalidDataException("empty provider.json");
        if (manifest.Driver.Length == 0 || !manifest.Driver.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new InvalidDataException($"'driver' must be a DBI driver name, got '{manifest.Driver}'");
        if (manifest.Assembly.Length == 0 || Path.GetFileName(manifest.Assembly) != manifest.Assembly)
            throw new InvalidDataException("'assembly' must be a file name in the plug-in folder");
        if (manifest.Factory.Length == 0) throw new InvalidDataException("'factory' (the DbProviderFactory type name) is missing");
        if (manifest.Placeholders is not ("dollar" or "question" or "colon" or "at" or "none"))
            throw new InvalidDataException($"'placeholders' must be dollar, question, colon, at or none, got '{manifest.Placeholders}'");
        if (manifest.Dsn is not ("pairs" or "oracle" or "raw"))
            throw new InvalidDataException($"'dsn' must be pairs, oracle or raw, got '{manifest.Dsn}'");
        return manifest;
    }
}

/// <summary>One configured provider: its manifest, folder, and (once needed) its factory.</summary>
internal sealed class ProviderPlugin(PluginManifest manifest, string folder)
{
    private readonly Lock _gate = new();
    private DbProviderFactory? _factory;

    public PluginManifest Manifest { get; } = manifest;
    public string Folder { get; } = folder;

    public DbProviderFactory Factory
    {
        get
        {
            lock (_gate) return _factory ??= LoadFactory();
        }
    }

    private DbProviderFactory LoadFactory()
    {
        var path = Path.Combine(Folder, Manifest.Assembly);
        if (!File.Exists(path))
            throw BridgeException.Native($"database provider plug-in for dbi:{Manifest.Driver}: {path} does not exist");
        try
        {
            var context = new PluginLoadContext(Folder, Manifest.Driver);
            var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
            var type = assembly.GetType(Manifest.Factory, throwOnError: true)!;
            var instance = type.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
                           ?? type.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            return instance as DbProviderFactory
                   ?? throw new InvalidDataException($"{Manifest.Factory} has no static Instance of type DbProviderFactory");
        }
        catch (Exception e) when (e is not BridgeException)
        {
            throw BridgeException.Native($"database provider plug-in for dbi:{Manifest.Driver} could not be loaded from {path}: {e.GetBaseException().Message}", inner: e);
        }
    }

    public async ValueTask<IDbSession> ConnectAsync(ConnectRequest request, CancellationToken cancellation)
    {
        var factory = Factory;
        var connectionString = PluginConnectionString.Build(Manifest, factory, request);
        var connection = factory.CreateConnection()
                         ?? throw BridgeException.Native($"{Manifest.Factory}.CreateConnection returned null");
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(cancellation);
        }
        catch (Exception e) when (e is DbException or ArgumentException or InvalidOperationException)
        {
            await connection.DisposeAsync();
            throw AdoSession.Error(e);
        }
        return new AdoSession(connection, Manifest, request.AutoCommit);
    }
}

/// <summary>
/// Resolves a plug-in's assemblies from its own folder, so two plug-ins (or a plug-in and the
/// daemon) can use different versions of a dependency. The framework's assemblies, and with them
/// System.Data.Common's DbProviderFactory, always come from the daemon, so types agree.
/// </summary>
internal sealed class PluginLoadContext(string folder, string driver) : AssemblyLoadContext("database plug-in " + driver, isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null || IsFramework(name.Name)) return null;
        var path = Path.Combine(folder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(Path.GetFullPath(path)) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var candidate in new[] { unmanagedDllName, "lib" + unmanagedDllName + ".so", unmanagedDllName + ".so" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return LoadUnmanagedDllFromPath(Path.GetFullPath(path));
        }
        return IntPtr.Zero;
    }

    private static bool IsFramework(string name) =>
        name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "mscorlib" or "netstandard" ||
        name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal) || name == "Microsoft.CSharp" ||
        name == "Microsoft.VisualBasic";
}
