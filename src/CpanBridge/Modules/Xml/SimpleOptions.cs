using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CpanBridge.Core;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// XML::Simple's options after its own clean-ups (scalar KeyAttr to a list, "+"/"-" prefixes,
/// "-content", ForceArray lists and regexes, XMLDecl =&gt; 1), read from the options object of a
/// request. Names are matched as XML::Simple matches them: case-insensitive, underscores ignored.
/// </summary>
internal sealed class SimpleOptions
{
    public static readonly string[] KnownIn =
    [
        "keyattr", "keeproot", "forcecontent", "contentkey", "noattr", "searchpath", "forcearray", "cache",
        "suppressempty", "parseropts", "grouptags", "nsexpand", "datahandler", "varattr", "variables",
        "normalisespace", "normalizespace", "valueattr", "strictmode",
    ];

    public static readonly string[] KnownOut =
    [
        "keyattr", "keeproot", "contentkey", "noattr", "rootname", "xmldecl", "outputfile", "noescape",
        "suppressempty", "grouptags", "nsexpand", "handler", "noindent", "attrindent", "nosort", "valueattr",
        "numericescape", "strictmode",
    ];

    public static readonly string[] DefaultKeyAttr = ["name", "key", "id"];
    public const string DefaultXmlDecl = "<?xml version='1.0' standalone='yes'?>";

    // Folding: a list (any element, first attribute present wins) or per element (attribute, flag).
    public List<string>? KeyList { get; private set; }
    public Dictionary<string, (string Attr, string Flag)>? KeyHash { get; private set; }
    public bool Folding => KeyList is not null || KeyHash is not null;

    public bool KeepRoot { get; private set; }
    public bool ForceContent { get; private set; }
    public bool NoAttr { get; private set; }
    public bool StrictMode { get; private set; }
    public string ContentKey { get; private set; } = "content";
    public bool CollapseAgain { get; private set; }

    // SuppressEmpty distinguishes absent, undef, '' and true.
    public bool SuppressEmptyExists { get; private set; }
    public bool SuppressEmptyTrue { get; private set; }
    public bool SuppressEmptyDefined { get; private set; }
    public bool SuppressEmptyIsEmptyString { get; private set; }

    public bool ForceArrayAll { get; private set; }
    public HashSet<string>? ForceArrayNames { get; private set; }
    public List<Regex>? ForceArrayPatterns { get; private set; }

    public Dictionary<string, string>? GroupTags { get; private set; }
    public int NormaliseSpace { get; private set; }
    public HashSet<string>? ValueAttrList { get; private set; }
    public Dictionary<string, string>? ValueAttr { get; private set; }
    public string? VarAttr { get; private set; }
    public Dictionary<string, string>? Variables { get; private set; }

    public string RootName { get; private set; } = "opt";
    public string? XmlDecl { get; private set; }
    public bool NoEscape { get; private set; }
    public bool NoIndent { get; private set; }
    public bool AttrIndent { get; private set; }
    public bool NoSort { get; private set; }
    public int NumericEscape { get; private set; }

    public static string Normalise(string name) => name.ToLowerInvariant().Replace("_", "");

    public bool IsForcedArray(string name)
    {
        if (ForceArrayAll) return true;
        if (ForceArrayNames is not null && ForceArrayNames.Contains(name)) return true;
        if (ForceArrayPatterns is not null)
            foreach (var pattern in ForceArrayPatterns)
                if (pattern.IsMatch(name)) return true;
        return false;
    }

    /// <summary>Reads the options of XMLin (<paramref name="forInput"/>) or XMLout; errors are worded as XML::Simple croaks.</summary>
    /// <remarks>
    /// <paramref name="rawApi"/>: GroupTags mapping a name to itself is refused. The drop-in checks
    /// that itself, as XML::Simple does, with a hash iterator that lets every other call through.
    /// </remarks>
    public static SimpleOptions Parse(JsonElement? raw, bool forInput, bool rawApi = false)
    {
        var known = forInput ? KnownIn : KnownOut;
        var given = new Dictionary<string, JsonElement>();
        if (raw is { ValueKind: JsonValueKind.Object } obj)
            foreach (var property in obj.EnumerateObject())
            {
                var name = Normalise(property.Name);
                if (!known.Contains(name)) throw Croak($"Unrecognised option: {property.Name}");
                given[name] = property.Value;
            }
        else if (raw is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) })
            throw BridgeException.Usage("options must be an object of XML::Simple option => value");

        // Callbacks into Perl and namespace expansion have no daemon-side equivalent.
        foreach (var (name, what) in new[] { ("datahandler", "DataHandler"), ("handler", "Handler"), ("nsexpand", "NSExpand") })
            if (given.TryGetValue(name, out var unsupported) && SimpleValues.IsTrue(unsupported))
                throw BridgeException.NotSupported("XML::Simple", what + " option");

        var o = new SimpleOptions();
        bool Has(string name) => given.ContainsKey(name);
        bool True(string name) => given.TryGetValue(name, out var v) && SimpleValues.IsTrue(v);
        string? Text(string name) => given.TryGetValue(name, out var v) ? SimpleValues.AsString(v) : null;

        o.StrictMode = True("strictmode");
        o.KeepRoot = True("keeproot");
        o.ForceContent = True("forcecontent");
        o.NoAttr = True("noattr");
        o.NoEscape = True("noescape");
        o.NoIndent = True("noindent");
        o.AttrIndent = True("attrindent");
        o.NoSort = True("nosort");
        if (True("numericescape")) o.NumericEscape = Text("numericescape") == "2" ? 2 : 1;

        o.RootName = Has("rootname") ? Text("rootname") ?? "" : "opt";
        if (True("xmldecl")) o.XmlDecl = Text("xmldecl") == "1" ? DefaultXmlDecl : Text("xmldecl");

        if (Has("contentkey"))
        {
            var key = Text("contentkey") ?? "";
            if (key.StartsWith('-'))
            {
                key = key[1..];
                o.CollapseAgain = true;
            }
            o.ContentKey = key;
        }

        var space = Has("normalisespace") ? given["normalisespace"] : given.GetValueOrDefault("normalizespace");
        o.NormaliseSpace = SimpleValues.AsString(space) is { } level && int.TryParse(level, out var n) ? n : SimpleValues.IsTrue(space) ? 1 : 0;

        if (given.TryGetValue("suppressempty", out var suppress))
        {
            o.SuppressEmptyExists = true;
            o.SuppressEmptyTrue = SimpleValues.IsTrue(suppress);
            var text = SimpleValues.AsString(suppress);
            o.SuppressEmptyDefined = text is not null;
            o.SuppressEmptyIsEmptyString = text == "";
        }

        if (given.TryGetValue("forcearray", out var force))
            o.ReadForceArray(force);
        else if (o.StrictMode && forInput)
            throw Croak("No value specified for 'ForceArray' option in call to XMLin()");

        if (given.TryGetValue("keyattr", out var keyAttr))
            o.ReadKeyAttr(keyAttr, forInput);
        else if (o.StrictMode)
            throw Croak($"No value specified for 'KeyAttr' option in call to XML{(forInput ? "in" : "out")}()");
        else
            o.KeyList = [.. DefaultKeyAttr];

        if (given.TryGetValue("valueattr", out var valueAttr))
        {
            if (valueAttr.ValueKind == JsonValueKind.Array)
                o.ValueAttrList = [.. valueAttr.EnumerateArray().Select(v => SimpleValues.AsString(v) ?? "")];
            else if (valueAttr.ValueKind == JsonValueKind.Object)
                o.ValueAttr = StringHash(valueAttr);
        }

        if (True("grouptags"))
        {
            if (given["grouptags"].ValueKind != JsonValueKind.Object)
                throw Croak("Illegal value for 'GroupTags' option - expected a hashref");
            o.GroupTags = StringHash(given["grouptags"]);
            foreach (var (key, value) in o.GroupTags)
                if (rawApi && key == value) throw Croak($"Bad value in GroupTags: '{key}' => '{value}'");
        }

        if (True("variables"))
        {
            if (given["variables"].ValueKind != JsonValueKind.Object)
                throw Croak("Illegal value for 'Variables' option - expected a hashref");
            o.Variables = StringHash(given["variables"]);
        }
        if (True("varattr"))
        {
            o.VarAttr = Text("varattr");
            o.Variables ??= [];
        }
        return o;
    }

    private void ReadForceArray(JsonElement force)
    {
        var items = force.ValueKind switch
        {
            JsonValueKind.Array => force.EnumerateArray().ToList(),
            JsonValueKind.Object when force.TryGetProperty("regex", out _) => [force],
            _ => null,
        };
        if (items is null)
        {
            ForceArrayAll = SimpleValues.IsTrue(force);
            return;
        }
        foreach (var item in items)
        {
            if (item.ValueKind == JsonValueKind.Object)
                (ForceArrayPatterns ??= []).Add(PerlRegex(item));
            else
                (ForceArrayNames ??= []).Add(SimpleValues.AsString(item) ?? "");
        }
    }

    /// <summary>A qr// sent as {regex, flags} (re::regexp_pattern); Perl's and .NET's syntax agree on what element-name patterns use.</summary>
    private static Regex PerlRegex(JsonElement item)
    {
        var pattern = item.TryGetProperty("regex", out var p) ? SimpleValues.AsString(p) ?? "" : "";
        var flags = item.TryGetProperty("flags", out var f) ? SimpleValues.AsString(f) ?? "" : "";
        var options = RegexOptions.CultureInvariant;
        foreach (var flag in flags)
            options |= flag switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                _ => RegexOptions.None,
            };
        try
        {
            return new Regex(pattern, options, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw BridgeException.Usage($"ForceArray regex /{pattern}/ cannot be used by the daemon: {e.Message}");
        }
    }

    private void ReadKeyAttr(JsonElement keyAttr, bool forInput)
    {
        switch (keyAttr.ValueKind)
        {
            case JsonValueKind.Object:
                KeyHash = [];
                foreach (var property in keyAttr.EnumerateObject())
                {
                    var spec = SimpleValues.AsString(property.Value) ?? "";
                    var flag = spec.StartsWith('+') || spec.StartsWith('-') ? spec[..1] : "";
                    KeyHash[property.Name] = (spec[flag.Length..], flag);
                    if (StrictMode && forInput && !ForceArrayAll && ForceArrayNames?.Contains(property.Name) != true)
                        throw Croak($"<{property.Name}> set in KeyAttr but not in ForceArray");
                }
                break;
            case JsonValueKind.Array:
                var list = keyAttr.EnumerateArray().Select(v => SimpleValues.AsString(v) ?? "").ToList();
                KeyList = list.Count == 0 ? null : list;
                break;
            default:
                KeyList = [SimpleValues.AsString(keyAttr) ?? ""];
                break;
        }
    }

    private static Dictionary<string, string> StringHash(JsonElement obj)
    {
        var hash = new Dictionary<string, string>();
        foreach (var property in obj.EnumerateObject()) hash[property.Name] = SimpleValues.AsString(property.Value) ?? "";
        return hash;
    }

    /// <summary>What XML::Simple croaks; the drop-in croaks the same text from the caller's line.</summary>
    public static BridgeException Croak(string message) =>
        BridgeException.Native(message, new JsonObject { ["kind"] = "croak" });
}
