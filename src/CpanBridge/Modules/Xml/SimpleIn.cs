using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using CpanBridge.Core;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// XMLin: the document is read into the tree XML::Simple builds from SAX events (attributes,
/// then children in order, adjacent text joined even across comments and CDATA), and the tree is
/// collapsed by XML::Simple's rules. Warnings XML::Simple would carp are collected in
/// <see cref="Warnings"/>; under StrictMode they are croaks.
/// </summary>
internal sealed partial class SimpleIn(SimpleOptions options)
{
    private readonly SimpleOptions _o = options;
    private Dictionary<string, string>? _variables;

    public List<string> Warnings { get; } = [];

    // Keys that are XML::Simple's own strings (the content key, "-name" of KeyAttr's "-" flag, the
    // '' of SuppressEmpty as a folding key) rather than names or text from the document, per hash.
    private readonly Dictionary<Dictionary<string, object?>, HashSet<string>> _perlKeys = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Whether a key of the result is one of XML::Simple's own strings: the drop-in leaves those
    /// without the UTF-8 flag, as Perl literals are, where the document's have it. A Perl hash
    /// key has the flag of its last store or lvalue use, so every such use below goes through
    /// <see cref="Store"/>.
    /// </summary>
    public bool IsPerlKey(Dictionary<string, object?> hash, string key) =>
        _perlKeys.TryGetValue(hash, out var keys) && keys.Contains(key);

    private void Store(Dictionary<string, object?> hash, string key, object? value, bool perl)
    {
        hash[key] = value;
        if (perl)
        {
            if (!_perlKeys.TryGetValue(hash, out var keys)) _perlKeys[hash] = keys = [];
            keys.Add(key);
        }
        else if (_perlKeys.TryGetValue(hash, out var keys))
        {
            keys.Remove(key);
        }
    }

    private Dictionary<string, object?> Copy(Dictionary<string, object?> hash)
    {
        var copy = new Dictionary<string, object?>(hash);
        if (_perlKeys.TryGetValue(hash, out var keys)) _perlKeys[copy] = [.. keys];
        return copy;
    }

    private sealed class Element(string name)
    {
        public string Name { get; } = name;
        public Dictionary<string, object?> Attributes { get; } = [];
        public List<(string Key, object Value)> Children { get; } = [];
        public StringBuilder? PendingText;
        public Element? Parent;
        public int IndexInParent;

        public void FlushText()
        {
            if (PendingText is null) return;
            Children.Add(("0", PendingText.ToString()));
            PendingText = null;
        }
    }

    /// <summary>A child already collapsed (streaming): its value stands in the parent's list.</summary>
    private sealed record Collapsed(object? Value);

    /// <summary>Parses and collapses a document given as bytes (encoding from its declaration or BOM, UTF-8 by default).</summary>
    public object? FromBytes(ReadOnlyMemory<byte> document)
    {
        DocumentBytes = document.Length;
        using var stream = MemoryMarshal.TryGetArray(document, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(document.ToArray(), writable: false);
        return Collapse(Read(XmlReader.Create(stream, XmlSource.ReaderSettings()), document));
    }

    /// <summary>The size of the last document read, for the module's memory policy.</summary>
    public long DocumentBytes { get; private set; }

    public object? FromFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw SimpleOptions.Croak($"File does not exist: {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SimpleOptions.Croak($"{path} - {e.Message}");
        }
        return FromBytes(bytes);
    }

    private object? Collapse(Element root)
    {
        var value = root.Parent is null && _rootValue is { } done ? done : null;
        if (_o.KeepRoot)
            return CollapseElement([], [(root.Name, value ?? (object)root)]);
        return value is not null ? value.Value : CollapseElement(root.Attributes, root.Children);
    }

    // Streaming: each element is collapsed when it ends, so the parse tree never holds more than
    // the open elements and their children. XML::Simple collapses after the whole parse, top
    // down; the result is the same as long as nothing flows across elements in document order,
    // which Variables and VarAttr do (a definition in one element, its use in a later one).
    private bool Streaming => _o.Variables is null;
    private Collapsed? _rootValue;
    private Exception? _deferred;

    private void Ended(Element element)
    {
        if (!Streaming || _deferred is not null) return;
        Collapsed done;
        try
        {
            done = new Collapsed(CollapseElement(element.Attributes, element.Children));
        }
        catch (BridgeException e)
        {
            // XML::Simple croaks (StrictMode) only after the whole parse: a later parse error wins.
            _deferred = e;
            return;
        }
        if (element.Parent is null) _rootValue = done;
        else element.Parent.Children[element.IndexInParent] = (element.Name, done);
    }

    private Element Read(XmlReader reader, ReadOnlyMemory<byte> document)
    {
        _variables = _o.Variables is null ? null : new Dictionary<string, string>(_o.Variables);
        var open = new Stack<Element>();
        Element? root = null;
        try
        {
            using (reader)
            {
                while (reader.Read())
                {
                    switch (reader.NodeType)
                    {
                        case XmlNodeType.Element:
                            var element = new Element(reader.Name);
                            if (reader.MoveToFirstAttribute())
                            {
                                do element.Attributes[reader.Name] = reader.Value;
                                while (reader.MoveToNextAttribute());
                                reader.MoveToElement();
                            }
                            if (open.TryPeek(out var parent))
                            {
                                parent.FlushText();
                                element.Parent = parent;
                                element.IndexInParent = parent.Children.Count;
                                parent.Children.Add((element.Name, element));
                            }
                            else
                            {
                                root = element;
                            }
                            if (reader.IsEmptyElement) Ended(element);
                            else open.Push(element);
                            break;
                        case XmlNodeType.EndElement:
                            var ended = open.Pop();
                            ended.FlushText();
                            Ended(ended);
                            break;
                        case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                            if (open.TryPeek(out var current))
                                (current.PendingText ??= new StringBuilder()).Append(reader.Value);
                            break;
                    }
                }
            }
        }
        catch (XmlException e)
        {
            // XML::SAX::Expat leaves namespaces to XML::NamespaceSupport, which dies its own way.
            if (UndeclaredPrefix().Match(e.Message) is { Success: true } prefix)
                throw BridgeException.Native($"Undeclared prefix: {prefix.Groups[1].Value}",
                    new JsonObject { ["kind"] = "prefix", ["prefix"] = prefix.Groups[1].Value, ["dotnet"] = e.Message });
            // An encoding expat has no map for: XML::Parser dies looking for the map file.
            if (UnknownEncoding().Match(e.Message) is { Success: true } encoding)
                throw BridgeException.Native($"unknown encoding '{encoding.Groups[1].Value}'", new JsonObject
                {
                    ["kind"] = "parse",
                    ["expat"] = $"Couldn't open encmap {encoding.Groups[1].Value.ToLowerInvariant()}.enc:\nNo such file or directory\n",
                    ["dotnet"] = e.Message,
                });
            // byte 0 for an empty document either way: XMLin reads a string as it reads a file
            var error = ExpatError.Describe(e, document.Span, fromFile: true);
            if (e.Message.Contains("Data at the root level is invalid") && error.Message == "not well-formed (invalid token)")
                error = error with { Message = root is not null && open.Count == 0 ? "junk after document element" : "syntax error" };
            throw BridgeException.Native(error.Message, new JsonObject
            {
                ["kind"] = "parse",
                ["expat"] = error.ExpatText,
                ["line"] = error.Line,
                ["column"] = error.Column,
                ["byte"] = error.Byte,
                ["dotnet"] = error.DotNetMessage,
            });
        }
        if (_deferred is not null) throw _deferred;
        return root ?? throw BridgeException.Native("no element found", new JsonObject
        {
            ["kind"] = "parse",
            ["expat"] = "\nno element found at line 1, column 0, byte 0",
        });
    }

    // The rules below follow XML::Simple's collapse: the attribute hash becomes the element's hash
    // and each child is added to it under its name (text under the content key).
    private object? CollapseElement(Dictionary<string, object?> attributes, List<(string Key, object Value)> children)
    {
        var attr = attributes;
        if (_o.NoAttr)
            attr = [];
        else if (_o.NormaliseSpace == 2)
            foreach (var key in attr.Keys.ToList())
                attr[key] = SimpleValues.NormaliseSpace(SimpleValues.Str(attr[key]));

        if (_variables is not null)
            foreach (var key in attr.Keys.ToList())
                if (attr[key] is string value) attr[key] = AttributeVariable().Replace(value, m => GetVariable(m.Groups[1].Value));

        if (children.Count == 0 && attr.Count == 1 && _o.ValueAttrList is not null)
        {
            var only = attr.First();
            if (_o.ValueAttrList.Contains(only.Key)) return only.Value;
        }

        for (var i = 0; i < children.Count; i++)
        {
            var (key, raw) = children[i];
            object? value;
            if (raw is Element or Collapsed)
            {
                value = raw is Collapsed done ? done.Value : CollapseElement(((Element)raw).Attributes, ((Element)raw).Children);
                if (value is null && _o.SuppressEmptyTrue) continue;
            }
            else
            {
                var text = (string)raw;
                if (SimpleValues.IsAllSpace(text)) continue;
                if (_o.NormaliseSpace == 2) text = SimpleValues.NormaliseSpace(text);
                if (_variables is not null) text = TextVariable().Replace(text, m => GetVariable(m.Groups[1].Value));
                if (_o.VarAttr is not null && attr.TryGetValue(_o.VarAttr, out var variable))
                    _variables![VariableName(variable)] = text;
                if (attr.Count == 0 && i == children.Count - 1)
                {
                    if (!_o.ForceContent) return text;
                    var wrapped = new Dictionary<string, object?>();
                    Store(wrapped, _o.ContentKey, text, perl: true);
                    return wrapped;
                }
                key = _o.ContentKey;
                value = text;
            }
            var own = raw is string;

            if (attr.TryGetValue(key, out var existing))
            {
                if (existing is List<object?> list) list.Add(value);
                else list = [existing, value];
                Store(attr, key, list, own);
            }
            else if (value is List<object?>)
            {
                Store(attr, key, new List<object?> { value }, own);
            }
            else if (key != _o.ContentKey && _o.IsForcedArray(key))
            {
                Store(attr, key, new List<object?> { value }, own);
            }
            else
            {
                Store(attr, key, value, own);
            }
        }

        if (_o.Folding)
            foreach (var key in attr.Keys.ToList())
                if (attr[key] is List<object?> list)
                    attr[key] = ArrayToHash(key, list);

        if (_o.GroupTags is not null)
            foreach (var key in attr.Keys.ToList())
                if (attr[key] is Dictionary<string, object?> { Count: 1 } group && _o.GroupTags.TryGetValue(key, out var inner)
                    && group.ContainsKey(inner))
                    attr[key] = group[inner];

        if (attr.Count == 1 && attr.TryGetValue("anon", out var anon) && anon is List<object?>)
            return anon;

        if (attr.Count == 0 && _o.SuppressEmptyExists)
            return _o.SuppressEmptyIsEmptyString ? SimpleValues.PerlEmpty : null;

        if (_o.ValueAttr is not null)
            foreach (var key in attr.Keys.ToList())
                if (_o.ValueAttr.TryGetValue(key, out var name) && name is not ("" or "0")
                    && attr[key] is Dictionary<string, object?> { Count: 1 } rolled && rolled.ContainsKey(name))
                    attr[key] = rolled[name];

        return attr;
    }

    private object ArrayToHash(string name, List<object?> list)
    {
        var hash = new Dictionary<string, object?>();
        if (_o.KeyHash is not null)
        {
            if (!_o.KeyHash.TryGetValue(name, out var spec)) return list;
            var (key, flag) = spec;
            foreach (var item in list)
            {
                if (item is not Dictionary<string, object?> element || !element.TryGetValue(key, out var keyValue))
                {
                    Warn($"<{name}> element has no '{key}' key attribute");
                    return list;
                }
                if (SimpleValues.IsRef(keyValue))
                {
                    Warn($"<{name}> element has non-scalar '{key}' key attribute");
                    return list;
                }
                var folded = KeyString(keyValue);
                if (hash.ContainsKey(folded)) Warn($"<{name}> element has non-unique value in '{key}' key attribute: {folded}");
                var copy = Copy(element);
                if (flag == "-") Store(copy, "-" + key, copy[key], perl: true);
                if (flag != "+") copy.Remove(key);
                Store(hash, folded, copy, perl: ReferenceEquals(keyValue, SimpleValues.PerlEmpty));
            }
        }
        else
        {
            var defaultKeys = _o.KeyList!.SequenceEqual(SimpleOptions.DefaultKeyAttr);
            foreach (var item in list)
            {
                if (item is not Dictionary<string, object?> element) return list;
                var matched = false;
                foreach (var key in _o.KeyList!)
                {
                    if (!element.TryGetValue(key, out var keyValue) || keyValue is null) continue;
                    if (SimpleValues.IsRef(keyValue))
                    {
                        if (!defaultKeys) Warn($"<{name}> element has non-scalar '{key}' key attribute");
                        return list;
                    }
                    var folded = KeyString(keyValue);
                    if (hash.ContainsKey(folded)) Warn($"<{name}> element has non-unique value in '{key}' key attribute: {folded}");
                    var copy = Copy(element);
                    copy.Remove(key);
                    Store(hash, folded, copy, perl: ReferenceEquals(keyValue, SimpleValues.PerlEmpty));
                    matched = true;
                    break;
                }
                if (!matched) return list;
            }
        }

        if (_o.CollapseAgain)
        {
            var fit = hash.Values.All(v => v is Dictionary<string, object?> { Count: 1 } d && d.ContainsKey(_o.ContentKey));
            if (fit)
                foreach (var key in hash.Keys.ToList())
                    hash[key] = ((Dictionary<string, object?>)hash[key]!)[_o.ContentKey];
        }
        return hash;
    }

    private string KeyString(object? value)
    {
        var text = SimpleValues.Str(value);
        return _o.NormaliseSpace == 1 ? SimpleValues.NormaliseSpace(text) : text;
    }

    private void Warn(string message)
    {
        if (_o.StrictMode) throw SimpleOptions.Croak(message);
        Warnings.Add("Warning: " + message);
    }

    private static string VariableName(object? value) => value switch
    {
        string s => s,
        Dictionary<string, object?> => "HASH",
        List<object?> => "ARRAY",
        _ => "",
    };

    private string GetVariable(string name) =>
        _variables!.TryGetValue(name, out var value) ? value : "${" + name + "}";

    [GeneratedRegex("^System does not support '([^']*)' encoding")]
    private static partial Regex UnknownEncoding();

    [GeneratedRegex("^'([^']*)' is an undeclared prefix")]
    private static partial Regex UndeclaredPrefix();

    [GeneratedRegex(@"\$\{([\w.]+)\}")]
    private static partial Regex AttributeVariable();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex TextVariable();
}
