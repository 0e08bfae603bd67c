using System.Runtime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.XPath;
using CpanBridge.Core;
using CpanBridge.Core.Logging;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The daemon side of XML::XPath (docs/protocol.md, "Module xpath"): documents parsed once and kept
/// behind handles, XPath 1.0 queries answered with typed results and node descriptors, the
/// subtree text and serialization XML::XPath gives, and setNodeText's edits.
/// </summary>
public sealed partial class XPathModule(BridgeRuntime runtime) : IBridgeModule
{
    private static readonly HandleKind<XPathDoc> DocumentKind = new("xpath.document", ReleaseMemory);

    /// <summary>A tree is about ten times its document; beyond this size its memory is handed back to the system when it goes.</summary>
    private const long BigDocumentBytes = 16L << 20;

    /// <summary>
    /// A big tree's memory goes back to the system once it is gone (a long-lived daemon would
    /// otherwise keep its peak RSS); small ones are left to the ordinary collector.
    /// </summary>
    private static void ReleaseMemory(XPathDoc document)
    {
        if (document.SourceBytes < BigDocumentBytes) return;
        ThreadPool.QueueUserWorkItem(static _ =>
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        });
    }

    /// <summary>Documents above this size are refused before parsing (CPAN_BRIDGE_XPATH_MAX_BYTES).</summary>
    public long MaxDocumentBytes { get; } = ReadLimit();

    private readonly Log _log = runtime.Log;

    public string Name => "xpath";

    public void Register(ModuleBuilder module)
    {
        module.Function("parse", Parse).Optional("filename", ParamType.String).Optional("base", ParamType.String).Stateful();
        module.Function("find", Find).Required("doc", ParamType.Handle).Required("path", ParamType.String)
            .Optional("context", ParamType.Integer).Optional("namespaces", ParamType.Object).Optional("want", ParamType.String);
        module.Function("node", Node).Required("doc", ParamType.Handle).Required("nodes", ParamType.Any)
            .Required("get", ParamType.String);
        module.Function("set_text", SetText).Required("doc", ParamType.Handle).Required("path", ParamType.String)
            .Required("text", ParamType.String).Optional("namespaces", ParamType.Object);
        module.Function("close", Close).Required("doc", ParamType.Handle);
    }

    private static long ReadLimit()
    {
        var text = Environment.GetEnvironmentVariable("CPAN_BRIDGE_XPATH_MAX_BYTES");
        return long.TryParse(text, out var limit) && limit > 0 ? limit : 256L * 1024 * 1024;
    }

    // ---- parse ---------------------------------------------------------------------------------

    private ValueTask<Reply> Parse(CallContext call)
    {
        var filename = call.Params.GetStringOrNull("filename");
        var baseDirectory = call.Params.GetStringOrNull("base");
        if (baseDirectory is not null && !Path.IsPathFullyQualified(baseDirectory))
            throw BridgeException.Usage($"xpath.parse: base '{baseDirectory}' is not an absolute directory");
        byte[] bytes;
        if (filename is not null)
        {
            if (!Path.IsPathFullyQualified(filename))
                throw BridgeException.Usage($"xpath.parse: filename '{filename}' is not absolute (the daemon's working directory is not the script's)");
            FileInfo info;
            try
            {
                info = new FileInfo(filename);
                if (!info.Exists) throw BridgeException.Native($"Cannot open file '{filename}'");
            }
            catch (IOException e)
            {
                throw BridgeException.Native($"Cannot open file '{filename}': {e.Message}");
            }
            Refuse(info.Length, filename);
            try
            {
                bytes = File.ReadAllBytes(filename);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw BridgeException.Native($"Couldn't open {filename}:\n{e.Message}");
            }
        }
        else
        {
            Refuse(call.Attachment.Length, "the document");
            bytes = call.Attachment.ToArray();
        }

        var baseUri = filename is not null ? new Uri(filename)
            : baseDirectory is not null ? new Uri(Path.TrimEndingDirectorySeparator(baseDirectory) + "/") : null;
        XPathDoc document;
        try
        {
            document = XPathDoc.Parse(bytes, baseUri);
        }
        catch (Exception e) when (e is MissingDtdException || e.InnerException is MissingDtdException)
        {
            var missing = e as MissingDtdException ?? (MissingDtdException)e.InnerException!;
            throw BridgeException.Native(missing.ExpatText(DecodeForContext(bytes)), new JsonObject { ["missing"] = missing.Path });
        }
        catch (XmlException e)
        {
            var error = ExpatError.Describe(e, bytes, fromFile: filename is not null);
            throw BridgeException.Native(ExpatError.WithContext(error, DecodeForContext(bytes)), new JsonObject
            {
                ["message"] = error.Message,
                ["line"] = error.Line,
                ["column"] = error.Column,
                ["byte"] = error.Byte,
            });
        }
        catch (OutOfMemoryException)
        {
            _log.Info($"xpath: connection {call.Session.Id}: out of memory parsing {bytes.LongLength} bytes");
            throw BridgeException.Native($"the document ({bytes.LongLength} bytes) is too large for the daemon's memory");
        }
        var handle = call.Handles.Open(DocumentKind, document);
        if (bytes.LongLength > 16 << 20)
            _log.Info($"xpath: connection {call.Session.Id}: parsed {bytes.LongLength} bytes into {handle}");
        return ValueTask.FromResult(Reply.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("doc", handle);
            json.WritePropertyName("root");
            document.Describe(document.Document, json);
            json.WriteEndObject();
        }));
    }

    private void Refuse(long length, string what)
    {
        if (length > MaxDocumentBytes)
            throw BridgeException.Native(
                $"{what} is {length} bytes; XML::XPath's daemon side takes documents up to {MaxDocumentBytes} bytes " +
                "(CPAN_BRIDGE_XPATH_MAX_BYTES); a tree of this size would not fit in the daemon's memory next to other scripts'");
    }

    private static string DecodeForContext(byte[] bytes) => new UTF8Encoding(false, false).GetString(bytes);

    // ---- find ----------------------------------------------------------------------------------

    private ValueTask<Reply> Find(CallContext call)
    {
        var document = call.Handles.Get(DocumentKind, call.Params.GetString("doc"));
        var path = call.Params.GetString("path");
        var want = call.Params.GetStringOrNull("want") ?? "nodes";
        if (want is not ("nodes" or "value" or "xml" or "size"))
            throw BridgeException.Usage($"xpath.find: want is 'nodes', 'value', 'xml' or 'size', not '{want}'");
        var navigator = Context(call, document);
        var result = Evaluate(document, navigator, path, Bindings(call));

        return ValueTask.FromResult(Reply.Write(json =>
        {
            json.WriteStartObject();
            switch (result)
            {
                case XPathNodeIterator nodes when want == "nodes":
                    json.WriteString("type", "nodeset");
                    json.WritePropertyName("nodes");
                    json.WriteStartArray();
                    while (nodes.MoveNext()) document.Describe(nodes.Current!, json);
                    json.WriteEndArray();
                    break;
                case XPathNodeIterator nodes when want == "size":
                    json.WriteString("type", "size");
                    json.WriteNumber("value", nodes.Count);
                    break;
                case XPathNodeIterator nodes:
                    var text = new StringBuilder();
                    while (nodes.MoveNext())
                    {
                        var current = nodes.Current!;
                        if (current.NodeType == XPathNodeType.Namespace)
                        {
                            if (want == "value") text.Append(current.Value);
                            else text.Append(current.LocalName.Length == 0 ? " xmlns=\"" : $" xmlns:{current.LocalName}=\"")
                                .Append(current.Value).Append('"');
                            continue;
                        }
                        var node = XPathDoc.NodeOf(current);
                        if (want == "value") text.Append(XPathDoc.StringValue(node));
                        else XPathDoc.Serialize(node, text);
                    }
                    json.WriteString("type", want == "value" ? "literal" : "xml");
                    json.WriteString("value", text.ToString());
                    break;
                case string literal:
                    json.WriteString("type", "literal");
                    json.WriteString("value", literal);
                    break;
                case double number when double.IsInfinity(number):
                    // XML::XPath's div gives these as strings
                    json.WriteString("type", "literal");
                    json.WriteString("value", number > 0 ? "Infinity" : "-Infinity");
                    break;
                case double number:
                    json.WriteString("type", "number");
                    json.WritePropertyName("value");
                    if (double.IsFinite(number)) json.WriteNumberValue(number);
                    else json.WriteNullValue();
                    break;
                case bool boolean:
                    json.WriteString("type", "boolean");
                    json.WriteBoolean("value", boolean);
                    break;
                default:
                    throw BridgeException.Usage($"xpath.find: '{path}' gave a {result?.GetType().Name ?? "null"}, which XPath 1.0 has not");
            }
            json.WriteEndObject();
        }));
    }

    private static XPathNavigator Context(CallContext call, XPathDoc document)
    {
        if (!call.Params.Has("context")) return document.Document.CreateNavigator()!;
        var id = call.Params.GetInt64("context");
        var node = document.NodeOf(id) ?? throw BridgeException.Usage($"xpath: no node {id} in this document");
        return node.CreateNavigator()!;
    }

    private static Dictionary<string, string>? Bindings(CallContext call)
    {
        if (!call.Params.Has("namespaces")) return null;
        var bindings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in call.Params.Get("namespaces").EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                throw BridgeException.Usage($"xpath: namespaces.{property.Name} must be a string (the URI)");
            bindings[property.Name] = property.Value.GetString()!;
        }
        return bindings;
    }

    private static object Evaluate(XPathDoc document, XPathNavigator navigator, string path, IReadOnlyDictionary<string, string>? bindings)
    {
        if (path.Length == 0) throw BridgeException.Usage("No path to find");
        try
        {
            var expression = XPathQuery.Compile(path, document.HasDefaultNamespace, bindings, document.PrefixBindings);
            return navigator.Evaluate(expression);
        }
        catch (XPathException e)
        {
            throw BridgeException.Native($"Invalid XPath '{path}': {e.Message}", new JsonObject { ["path"] = path });
        }
    }

    // ---- node ----------------------------------------------------------------------------------

    private ValueTask<Reply> Node(CallContext call)
    {
        var document = call.Handles.Get(DocumentKind, call.Params.GetString("doc"));
        var get = call.Params.GetString("get");
        if (get is not ("string_value" or "xml" or "children" or "parent" or "self"))
            throw BridgeException.Usage($"xpath.node: get is 'string_value', 'xml', 'children', 'parent' or 'self', not '{get}'");
        var nodes = new List<XmlNode>();
        var ids = call.Params.Get("nodes");
        if (ids.ValueKind != JsonValueKind.Array) throw BridgeException.Usage("xpath.node: nodes must be an array of node ids");
        foreach (var item in ids.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var id))
                throw BridgeException.Usage("xpath.node: nodes must be node ids (integers)");
            nodes.Add(document.NodeOf(id) ?? throw BridgeException.Usage($"xpath.node: no node {id} in this document"));
        }
        return ValueTask.FromResult(Reply.Write(json =>
        {
            json.WriteStartObject();
            json.WritePropertyName("values");
            json.WriteStartArray();
            foreach (var node in nodes)
            {
                switch (get)
                {
                    case "string_value":
                        json.WriteStringValue(XPathDoc.StringValue(node));
                        break;
                    case "self":
                        document.Describe(node, json);
                        break;
                    case "xml":
                        var text = new StringBuilder();
                        XPathDoc.Serialize(node, text);
                        json.WriteStringValue(text.ToString());
                        break;
                    case "children":
                        json.WriteStartArray();
                        foreach (var child in XPathDoc.Children(node)) document.Describe(child, json);
                        json.WriteEndArray();
                        break;
                    default:
                        if (XPathDoc.Parent(node) is { } parent) document.Describe(parent, json);
                        else json.WriteNullValue();
                        break;
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }));
    }

    // ---- set_text ------------------------------------------------------------------------------

    [GeneratedRegex("/(?:@|attribute::)([^/]+)$")]
    private static partial Regex AttributeStep();

    /// <summary>
    /// setNodeText: an attribute gets the value, an element loses its children for one text node;
    /// a missing attribute at the end of the path is added to each element the rest selects.
    /// </summary>
    private ValueTask<Reply> SetText(CallContext call)
    {
        var document = call.Handles.Get(DocumentKind, call.Params.GetString("doc"));
        var path = call.Params.GetString("path");
        var text = call.Params.GetString("text");
        var bindings = Bindings(call);
        var targets = Select(document, path, bindings);
        if (targets.Count == 0)
        {
            var match = AttributeStep().Match(path);
            if (!match.Success) return Done(false);
            var name = match.Groups[1].Value;
            foreach (var owner in Select(document, path[..match.Index], bindings).OfType<XmlElement>())
            {
                var colon = name.IndexOf(':');
                var attribute = colon < 0
                    ? document.Document.CreateAttribute(name)
                    : document.Document.CreateAttribute(name, owner.GetNamespaceOfPrefix(name[..colon]) is { Length: > 0 } uri
                        ? uri
                        : throw BridgeException.Native($"No namespace matches prefix: {name[..colon]}"));
                attribute.Value = text;
                owner.Attributes.Append(attribute);
            }
            return Done(true);
        }
        foreach (var node in targets)
        {
            switch (node)
            {
                case XmlAttribute attribute:
                    attribute.Value = text;
                    break;
                case XmlDocument:
                    throw BridgeException.Native("setNodeText: the document itself cannot hold text");
                case XmlElement:
                    while (node.FirstChild is { } child) node.RemoveChild(child);
                    node.AppendChild(document.Document.CreateTextNode(text));
                    break;
                default:
                    throw BridgeException.Native($"setNodeText: a {node.NodeType} node has no children to replace");
            }
        }
        return Done(true);

        static ValueTask<Reply> Done(bool done) => ValueTask.FromResult(Reply.Of(new JsonObject { ["done"] = done }));
    }

    private static List<XmlNode> Select(XPathDoc document, string path, IReadOnlyDictionary<string, string>? bindings)
    {
        var nodes = new List<XmlNode>();
        if (path.Length == 0) return nodes;
        if (Evaluate(document, document.Document.CreateNavigator()!, path, bindings) is XPathNodeIterator iterator)
            while (iterator.MoveNext())
                if (iterator.Current!.NodeType != XPathNodeType.Namespace) nodes.Add(XPathDoc.RunStart(XPathDoc.NodeOf(iterator.Current)));
        return nodes;
    }

    // ---- close ---------------------------------------------------------------------------------

    private static ValueTask<Reply> Close(CallContext call)
    {
        var handle = call.Params.GetString("doc");
        call.Handles.Get(DocumentKind, handle);
        call.Handles.Close(handle);
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["closed"] = true }));
    }
}
