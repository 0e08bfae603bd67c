using System.Text;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// XMLout: a structure back to XML text by XML::Simple's rules (hashes unfolded by KeyAttr,
/// scalars as attributes unless NoAttr, keys sorted with the key attribute first, two-space
/// indent). Circular structures and values that are not hashes, arrays or scalars are refused by
/// the drop-in before they are sent; JSON cannot carry them anyway.
/// </summary>
internal sealed class SimpleOut(SimpleOptions options)
{
    private readonly SimpleOptions _o = options;

    public List<string> Warnings { get; } = [];

    public string Write(object? data)
    {
        var rootName = _o.RootName;
        if (data is List<object?> topList) data = new Dictionary<string, object?> { ["anon"] = topList };

        if (_o.KeepRoot)
        {
            if (data is Dictionary<string, object?> { Count: 1 } single)
            {
                var only = single.First();
                data = only.Value;
                rootName = only.Key;
            }
        }
        else if (rootName == "" && data is Dictionary<string, object?> top)
        {
            var wrapped = new Dictionary<string, object?>();
            foreach (var (key, value) in top) wrapped[key] = SimpleValues.IsRef(value) ? value : new List<object?> { value };
            data = wrapped;
        }

        var xml = new StringBuilder();
        ValueToXml(xml, data, rootName, "");
        return _o.XmlDecl is null ? xml.ToString() : _o.XmlDecl + "\n" + xml;
    }

    private void ValueToXml(StringBuilder output, object? value, string? name, string indent)
    {
        var named = !string.IsNullOrEmpty(name);
        var nl = "\n";
        var isRoot = indent.Length == 0;
        if (_o.NoIndent)
        {
            indent = "";
            nl = "";
        }

        if (!SimpleValues.IsRef(value))
        {
            if (named)
                output.Append(indent).Append('<').Append(name).Append('>').Append(Escape(value as string))
                    .Append("</").Append(name).Append('>').Append(nl);
            else
                output.Append(value as string).Append(nl);
            return;
        }

        if (value is Dictionary<string, object?> { Count: > 0 } foldable && _o.Folding && !isRoot)
            value = HashToArray(name ?? "", foldable);

        if (value is Dictionary<string, object?> hash)
            HashToXml(output, hash, name, named, indent, nl);
        else
            ArrayToXml(output, (List<object?>)value!, name, indent, nl);
    }

    private void HashToXml(StringBuilder output, Dictionary<string, object?> hash, string? name, bool named, string indent, string nl)
    {
        if (_o.GroupTags is not null)
        {
            hash = new Dictionary<string, object?>(hash);
            foreach (var key in hash.Keys.ToList())
                if (_o.GroupTags.TryGetValue(key, out var inner) && inner is not ("" or "0"))
                    hash[key] = new Dictionary<string, object?> { [inner] = hash[key] };
        }

        var nested = new List<string>();
        string? textContent = null;
        if (named) output.Append(indent).Append('<').Append(name);

        if (hash.Count > 0)
        {
            var firstAttribute = true;
            foreach (var key in SortedKeys(name ?? "", hash))
            {
                var value = hash[key];
                if (key.StartsWith('-')) continue;
                if (value is null)
                {
                    if (_o.SuppressEmptyTrue) continue;
                    if (!(_o.SuppressEmptyExists && !_o.SuppressEmptyDefined)) Warnings.Add("Use of uninitialized value");
                    if (key == _o.ContentKey) textContent = "";
                    else value = _o.SuppressEmptyExists ? new Dictionary<string, object?>() : "";
                }

                if (value is not Dictionary<string, object?> and not List<object?> && _o.ValueAttr is not null
                    && _o.ValueAttr.TryGetValue(key, out var valueAttr) && valueAttr is not ("" or "0"))
                    value = new Dictionary<string, object?> { [valueAttr] = value };

                if (SimpleValues.IsRef(value) || _o.NoAttr)
                {
                    var child = new StringBuilder();
                    ValueToXml(child, value, key, indent + "  ");
                    nested.Add(child.ToString());
                }
                else if (key == _o.ContentKey)
                {
                    // Under NoEscape an undef content stays undef: the element closes as empty.
                    textContent = _o.NoEscape ? value as string : Escape(value as string);
                }
                else
                {
                    if (_o.AttrIndent && !firstAttribute) output.Append('\n').Append(indent).Append(' ').Append(' ', name?.Length ?? 0);
                    output.Append(' ').Append(key).Append("=\"").Append(Escape(value as string)).Append('"');
                    firstAttribute = false;
                }
            }
        }
        else
        {
            textContent = "";
        }

        if (nested.Count > 0 || textContent is not null)
        {
            if (named)
            {
                output.Append('>');
                if (textContent is not null)
                {
                    output.Append(textContent);
                    if (nested.Count > 0) nested[0] = nested[0].TrimStart();
                }
                else
                {
                    output.Append(nl);
                }
                if (nested.Count > 0)
                {
                    foreach (var part in nested) output.Append(part);
                    output.Append(indent);
                }
                output.Append("</").Append(name).Append('>').Append(nl);
            }
            else
            {
                // No root element (RootName ''): the text has nowhere to go and is dropped, as in XML::Simple.
                foreach (var part in nested) output.Append(part);
            }
        }
        else
        {
            output.Append(" />").Append(nl);
        }
    }

    private void ArrayToXml(StringBuilder output, List<object?> list, string? name, string indent, string nl)
    {
        foreach (var value in list)
        {
            if (value is null && _o.SuppressEmptyTrue) continue;
            if (!SimpleValues.IsRef(value))
                output.Append(indent).Append('<').Append(name).Append('>').Append(Escape(value as string))
                    .Append("</").Append(name).Append('>').Append(nl);
            else if (value is Dictionary<string, object?>)
                ValueToXml(output, value, name, indent);
            else
            {
                output.Append(indent).Append('<').Append(name).Append('>').Append(nl);
                ValueToXml(output, value, "anon", indent + "  ");
                output.Append(indent).Append("</").Append(name).Append('>').Append(nl);
            }
        }
    }

    private IEnumerable<string> SortedKeys(string name, Dictionary<string, object?> hash)
    {
        if (_o.NoSort) return hash.Keys.ToList();
        var first = new List<string>();
        if (_o.KeyHash is not null)
        {
            if (_o.KeyHash.TryGetValue(name, out var spec) && hash.ContainsKey(spec.Attr)) first.Add(spec.Attr);
        }
        else if (_o.KeyList is not null)
        {
            foreach (var key in _o.KeyList)
                if (hash.ContainsKey(key))
                {
                    first.Add(key);
                    break;
                }
        }
        var rest = hash.Keys.Where(k => first.Count == 0 || k != first[0]).ToList();
        rest.Sort(string.CompareOrdinal);
        return first.Concat(rest);
    }

    private object HashToArray(string parent, Dictionary<string, object?> hash)
    {
        var list = new List<object?>();
        var keys = hash.Keys.ToList();
        if (!_o.NoSort) keys.Sort(string.CompareOrdinal);
        foreach (var key in keys)
        {
            if (hash[key] is not Dictionary<string, object?> value) return hash;
            string attr;
            if (_o.KeyHash is not null)
            {
                if (!_o.KeyHash.TryGetValue(parent, out var spec)) return hash;
                attr = spec.Attr;
            }
            else
            {
                attr = _o.KeyList![0];
            }
            var copy = new Dictionary<string, object?> { [attr] = key };
            foreach (var (k, v) in value) copy[k] = v;
            list.Add(copy);
        }
        return list;
    }

    private string Escape(string? value)
    {
        if (value is null) return "";
        if (_o.NoEscape) return value;
        var needs = value.AsSpan().IndexOfAny("&<>\"") >= 0;
        if (_o.NumericEscape == 0 && !needs) return value;
        var limit = _o.NumericEscape == 2 ? 0x7F : 0xFF;
        var sb = new StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                default:
                    if (_o.NumericEscape != 0 && c > limit)
                    {
                        var codePoint = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                            ? char.ConvertToUtf32(c, value[++i])
                            : c;
                        sb.Append("&#").Append(codePoint).Append(';');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }
}
