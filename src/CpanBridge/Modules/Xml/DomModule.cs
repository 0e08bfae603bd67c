using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using CpanBridge.Core;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Core.Sessions;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// The daemon side of XML::DOM (docs/protocol.md, "Module xml_dom"). The drop-in keeps the DOM
/// itself in Perl, so edits cost no round trip; the daemon parses (returning the whole document
/// as flat records) and answers xql queries over a copy of the document the drop-in sends.
/// </summary>
public sealed class DomModule : IBridgeModule
{
    private static readonly HandleKind<DomXqlDocument> QueryDocumentKind = new("xml_dom.document");

    // Documents declared in a Windows or ISO code page parse as with XML::Parser's encoding maps.
    static DomModule() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public string Name => "xml_dom";

    public void Register(ModuleBuilder module)
    {
        module.Function("parse", Parse).Optional("file", ParamType.String).Optional("keep_cdata", ParamType.Boolean)
            .Optional("no_expand", ParamType.Boolean).Optional("base", ParamType.String).Optional("as_given", ParamType.String);
        module.Function("load", Load).Stateful();
        module.Function("xql", Xql).Required("document", ParamType.Handle).Required("context", ParamType.Any)
            .Required("query", ParamType.String);
        module.Function("close", Close).Required("document", ParamType.Handle);
    }

    /// <summary>
    /// The document's bytes come as the attachment (decoded by their own declaration, as expat
    /// does) or from <c>file</c>, an absolute path the daemon opens.
    /// </summary>
    private static ValueTask<Reply> Parse(CallContext call)
    {
        var file = call.Params.GetStringOrNull("file");
        var keepCdata = call.Params.GetBoolean("keep_cdata");
        var noExpand = call.Params.GetBoolean("no_expand");
        if (file is not null && !Path.IsPathRooted(file))
            throw BridgeException.Usage($"file must be an absolute path, not '{file}'");
        // External entities resolve against the file, or for a string against the script's cwd.
        var baseDirectory = call.Params.GetStringOrNull("base");
        if (baseDirectory is not null && !Path.IsPathRooted(baseDirectory))
            throw BridgeException.Usage($"base must be an absolute directory, not '{baseDirectory}'");
        var baseUri = file ?? (baseDirectory is null ? null : Path.TrimEndingDirectorySeparator(baseDirectory) + "/");
        // XML::Parser names an entity file by the document path as the script wrote it
        var asGiven = call.Params.GetStringOrNull("as_given") ?? file;
        var messagePrefix = asGiven is null ? "" : asGiven[..(asGiven.LastIndexOf('/') + 1)];

        byte[] bytes;
        if (file is null)
            bytes = call.Attachment.ToArray();
        else
        {
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw BridgeException.Native($"Couldn't open {file}:\n{e.Message}",
                    new JsonObject { ["reason"] = "open" });
            }
        }

        DomRecords records;
        try
        {
            records = ReadRecords(bytes, baseUri, messagePrefix, keepCdata, noExpand);
        }
        catch (Exception e) when (Find<ExternalEntityException>(e) is { } failed)
        {
            // XML::Parser's three lines: the open failure, its handler's, expat's; at the reference
            var position = DomParseError.ReferenceTo(failed.SystemId, bytes);
            var where = position is null ? "" : $" at line {position.Value.Line}, column {position.Value.Column}, byte {position.Value.Byte}";
            throw BridgeException.Native(
                $"{failed.Message}\nHandler couldn't resolve external entity{where}\nerror in processing external entity reference{where}",
                new JsonObject { ["reason"] = "parse", ["detail"] = e.Message });
        }
        catch (XmlException e) when (UnknownEncoding(e.Message) is { } encoding)
        {
            // XML::Parser looks for an encoding map file and does not find one
            throw BridgeException.Native($"Couldn't open encmap {encoding}.enc:\nNo such file or directory\n",
                new JsonObject { ["reason"] = "encoding", ["detail"] = e.Message });
        }
        catch (XmlException e)
        {
            var error = ExpatError.Describe(e, bytes, fromFile: file is not null);
            throw BridgeException.Native(error.ExpatText, new JsonObject
            {
                ["reason"] = "parse",
                ["message"] = error.Message,
                ["line"] = error.Line,
                ["column"] = error.Column,
                ["byte"] = error.Byte,
                ["detail"] = error.DotNetMessage,
            });
        }
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["records"] = records.Count }, records.ToUtf8()));
    }

    private static DomRecords ReadRecords(byte[] bytes, string? baseUri, string messagePrefix, bool keepCdata, bool noExpand)
    {
        try
        {
            var settings = XmlSource.ReaderSettings();
            settings.XmlResolver = new DomEntityResolver(bytes, messagePrefix);
            using var reader = baseUri is null
                ? XmlReader.Create(new MemoryStream(bytes, writable: false), settings)
                : XmlReader.Create(new MemoryStream(bytes, writable: false), settings, baseUri);
            var records = DomParser.Read(reader, keepCdata);
            if (!noExpand) return records;
            // The checked read above has vetted the document (limits, errors); this one keeps
            // references to general entities as nodes, as expat's NoExpand does.
            using var unexpanded = Unchecked(bytes, namespaces: true);
            return DomParser.Read(unexpanded, keepCdata, @unchecked: true, keepReferences: true);
        }
        catch (XmlException e) when (e.Message.Contains("undeclared prefix"))
        {
            using var reader = Unchecked(bytes, namespaces: false);
            return DomParser.Read(reader, keepCdata, @unchecked: true, keepReferences: noExpand);
        }
    }

    /// <summary>
    /// System.Xml's older reader, for what the checked one cannot be told: no namespace processing
    /// (XML::DOM runs expat without it, so a prefix nobody declared is part of a name) and general
    /// entities left as references (NoExpand). It has no limit on entity expansion of its own, so
    /// it leaves every general entity to <see cref="DomParser"/>, which counts what they bring.
    /// </summary>
    private static XmlReader Unchecked(byte[] bytes, bool namespaces) =>
        new XmlTextReader(new MemoryStream(bytes, writable: false))
        {
            Namespaces = namespaces,
            DtdProcessing = DtdProcessing.Parse,
            XmlResolver = null,
            WhitespaceHandling = WhitespaceHandling.All,
            Normalization = true,
            EntityHandling = EntityHandling.ExpandCharEntities,
        };

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    private static string? UnknownEncoding(string dotnet)
    {
        var match = global::System.Text.RegularExpressions.Regex.Match(dotnet, "System does not support '([^']*)' encoding");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static ValueTask<Reply> Load(CallContext call)
    {
        DomXqlDocument document;
        try
        {
            // UTF-8 of the drop-in's character string: read as text, whatever encoding it declares
            document = DomXqlDocument.Load(Encoding.UTF8.GetString(call.Attachment.Span));
        }
        catch (XmlException e)
        {
            throw BridgeException.Native("xql: the document does not parse: " + XmlSource.Describe(e).ExpatText.TrimStart('\n'));
        }
        var handle = call.Handles.Open(QueryDocumentKind, document);
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["document"] = handle }));
    }

    private static ValueTask<Reply> Xql(CallContext call)
    {
        var document = call.Handles.Get(QueryDocumentKind, call.Params.GetString("document"));
        var context = new List<int>();
        var path = call.Params.Get("context");
        if (path.ValueKind != global::System.Text.Json.JsonValueKind.Array)
            throw BridgeException.Usage("context must be an array of element-child indexes (integers >= 0)");
        foreach (var step in path.EnumerateArray())
        {
            if (step.ValueKind != global::System.Text.Json.JsonValueKind.Number || !step.TryGetInt32(out var index) || index < 0)
                throw BridgeException.Usage("context must be an array of element-child indexes (integers >= 0)");
            context.Add(index);
        }
        var results = document.Run(context, call.Params.GetString("query"));
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["results"] = results }));
    }

    private static ValueTask<Reply> Close(CallContext call)
    {
        call.Handles.Close(call.Params.GetString("document"));
        return ValueTask.FromResult(Reply.Null);
    }
}
