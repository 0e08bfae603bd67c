using System.Text;
using System.Text.Json;
using CpanBridge.Core;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The daemon side of XML::Simple (docs/protocol.md, "Module xml"): XMLin's folding and XMLout's
/// unfolding with every option, implemented once here for the drop-in and the raw API alike. The
/// drop-in keeps what only Perl can do (argument forms, file search, filehandles, OutputFile,
/// carping the warnings returned here).
/// </summary>
public sealed class XmlSimpleModule : IBridgeModule
{
    public string Name => "xml";

    public void Register(ModuleBuilder module)
    {
        module.Function("xml_in", XmlIn).Optional("path", ParamType.String).Optional("options", ParamType.Object);
        module.Function("xml_out", XmlOut).Optional("data", ParamType.Any).Optional("options", ParamType.Object)
            .Optional("xml_attachment", ParamType.Boolean);
    }

    private static ValueTask<Reply> XmlIn(CallContext call)
    {
        var reader = new SimpleIn(SimpleOptions.Parse(Options(call), forInput: true));
        var path = call.Params.GetStringOrNull("path");
        if (path is not null && !Path.IsPathFullyQualified(path))
            throw BridgeException.Usage($"xml.xml_in: path '{path}' is relative; the daemon's working directory is not the script's");
        var data = path is null ? reader.FromBytes(call.Attachment) : reader.FromFile(path);
        // The structure travels as the tree form in the attachment: a core-only client splits it
        // in C and builds the hashes in a few Perl ops a node, where JSON::PP walks every character.
        var tree = SimpleValues.ToTree(data, reader.IsPerlKey);
        var warnings = reader.Warnings;
        if (tree is not null)
        {
            ReleaseAfterBigDocument(reader.DocumentBytes);
            return ValueTask.FromResult(Reply.Write(writer =>
            {
                writer.WriteStartObject();
                WriteWarnings(writer, warnings);
                writer.WriteEndObject();
            }, tree));
        }
        return ValueTask.FromResult(Reply.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("data");
            SimpleValues.Write(writer, data);
            WriteWarnings(writer, warnings);
            writer.WriteEndObject();
        }));
    }

    /// <summary>Documents from this size on leave enough garbage to be worth giving back at once.</summary>
    internal const long BigDocumentBytes = 16 << 20;

    /// <summary>
    /// The parse tree and the hashes of a big document are garbage once the tree form is written,
    /// but the GC would keep the memory (a 70 MB document peaks near 2 GB): a long-running daemon
    /// gives it back to the system right away rather than sit on it until the next big one.
    /// </summary>
    private static void ReleaseAfterBigDocument(long documentBytes)
    {
        if (documentBytes >= BigDocumentBytes)
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static ValueTask<Reply> XmlOut(CallContext call)
    {
        var writerOut = new SimpleOut(SimpleOptions.Parse(Options(call), forInput: false));
        // The drop-in sends big structures as the tree form (attachment) and asks for the text as
        // an attachment: JSON::PP is slow both ways. `data` (JSON) and `xml` in the result remain.
        var data = call.Params.Has("data") ? SimpleValues.FromJson(call.Params.Get("data"))
            : call.Attachment.IsEmpty ? null : SimpleValues.FromTree(call.Attachment.Span);
        var xml = writerOut.Write(data);
        var asAttachment = call.Params.GetBoolean("xml_attachment");
        return ValueTask.FromResult(Reply.Write(writer =>
        {
            writer.WriteStartObject();
            if (!asAttachment) writer.WriteString("xml", xml);
            WriteWarnings(writer, writerOut.Warnings);
            writer.WriteEndObject();
        }, asAttachment ? Encoding.UTF8.GetBytes(xml) : (ReadOnlyMemory<byte>?)null));
    }

    internal static JsonElement? Options(CallContext call) => call.Params.Has("options") ? call.Params.Get("options") : null;

    private static void WriteWarnings(Utf8JsonWriter writer, List<string> warnings)
    {
        writer.WriteStartArray("warnings");
        foreach (var warning in warnings) writer.WriteStringValue(warning);
        writer.WriteEndArray();
    }
}

/// <summary>
/// The user guide's raw API (seed 004, "XML Processing (xml_helper)"): xml_in{source,source_type}
/// answers XMLin's structure, xml_out{data,options} XMLout's text. XMLin's defaults apply
/// (KeepRoot off, KeyAttr name/key/id); in xml_out a key written '@name' is read as 'name'.
/// </summary>
public sealed class XmlHelperModule : IBridgeModule
{
    public string Name => "xml_helper";

    public void Register(ModuleBuilder module)
    {
        module.Function("xml_in", XmlIn).Required("source", ParamType.String).Optional("source_type", ParamType.String)
            .Optional("options", ParamType.Object);
        module.Function("xml_out", XmlOut).Optional("data", ParamType.Any).Optional("options", ParamType.Object);
    }

    private static ValueTask<Reply> XmlIn(CallContext call)
    {
        var source = call.Params.GetString("source");
        var type = call.Params.GetStringOrNull("source_type") ?? "string";
        var reader = new SimpleIn(SimpleOptions.Parse(XmlSimpleModule.Options(call), forInput: true, rawApi: true));
        object? data;
        try
        {
            data = type switch
            {
                "string" => reader.FromBytes(Encoding.UTF8.GetBytes(source)),
                "file" when Path.IsPathFullyQualified(source) => reader.FromFile(source),
                "file" => throw BridgeException.Usage(
                    $"xml_helper.xml_in: source '{source}' is a relative path; the daemon's working directory is not the script's, give an absolute path"),
                _ => throw BridgeException.Usage($"xml_helper.xml_in: source_type must be 'string' or 'file', not '{type}'"),
            };
        }
        catch (BridgeException e) when (e.Data?["expat"] is { } expat)
        {
            // The raw API has no croak to add the parser's "at line" form to; the message carries it.
            throw BridgeException.Native(expat.GetValue<string>().TrimStart('\n'), e.Data);
        }
        return ValueTask.FromResult(Reply.Write(writer => SimpleValues.Write(writer, data)));
    }

    private static ValueTask<Reply> XmlOut(CallContext call)
    {
        var options = SimpleOptions.Parse(XmlSimpleModule.Options(call), forInput: false, rawApi: true);
        var data = call.Params.Has("data") ? SimpleValues.FromJson(call.Params.Get("data")) : null;
        var xml = new SimpleOut(options).Write(WithoutAtSigns(data));
        return ValueTask.FromResult(Reply.Of(xml));
    }

    /// <summary>
    /// The guide writes attributes as '@id' keys; XMLout makes any scalar an attribute already, so
    /// '@id' is read as 'id' (and sorts, folds and unfolds as 'id' would).
    /// </summary>
    internal static object? WithoutAtSigns(object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> hash:
                var renamed = new Dictionary<string, object?>(hash.Count);
                foreach (var (key, item) in hash)
                    renamed[key.Length > 1 && key[0] == '@' ? key[1..] : key] = WithoutAtSigns(item);
                return renamed;
            case List<object?> list:
                return list.Select(WithoutAtSigns).ToList();
            default:
                return value;
        }
    }
}
