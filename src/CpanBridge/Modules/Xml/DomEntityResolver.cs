using System.Text.RegularExpressions;
using System.Xml;

namespace CpanBridge.Modules.Xml;

/// <summary>
/// External parsed entities (<c>&lt;!ENTITY part SYSTEM "part.xml"&gt;</c> then <c>&amp;part;</c>)
/// as XML::Parser's default handler reads them: local files only, relative to the document's
/// file (parsefile) or to the script's working directory (parse). The DOCTYPE's external subset
/// is not read (XML::DOM parses without ParseParamEnt), and nothing is fetched from the network.
/// Entity expansion still counts against the reader's limit.
/// </summary>
public sealed partial class DomEntityResolver : XmlResolver
{
    private readonly string? _externalSubset;
    private readonly string _messagePrefix;
    private readonly Dictionary<Uri, string> _asWritten = [];

    /// <param name="document">the document's bytes: its DOCTYPE's system id is the one not to read</param>
    /// <param name="messagePrefix">what XML::Parser puts before a relative system id in its
    /// message: the document's path as the script gave it, up to its last '/' (empty for parse)</param>
    public DomEntityResolver(ReadOnlySpan<byte> document, string messagePrefix)
    {
        var head = global::System.Text.Encoding.Latin1.GetString(document[..Math.Min(document.Length, 4096)]);
        var doctype = DoctypeSystemId().Match(head);
        _externalSubset = doctype.Success ? doctype.Groups["sys"].Value : null;
        _messagePrefix = messagePrefix;
    }

    public override Uri ResolveUri(Uri? baseUri, string? relativeUri)
    {
        var resolved = base.ResolveUri(baseUri, relativeUri);
        if (relativeUri is not null) _asWritten.TryAdd(resolved, relativeUri);
        return resolved;
    }

    public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
    {
        var written = _asWritten.GetValueOrDefault(absoluteUri, absoluteUri.ToString());
        if (written == _externalSubset) return new MemoryStream([]);
        var name = Path.IsPathRooted(written) || written.Contains("://") ? written : _messagePrefix + written;
        if (!absoluteUri.IsFile) throw new ExternalEntityException(name, written, "not a local file; CPAN Bridge does not fetch it");
        try
        {
            return File.OpenRead(absoluteUri.LocalPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ExternalEntityException(name, written, "No such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ExternalEntityException(name, written, "Permission denied");
        }
        catch (IOException e)
        {
            throw new ExternalEntityException(name, written, e.Message);
        }
    }

    [GeneratedRegex("""<!DOCTYPE\s+[^\s\[>]+\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+(?:"(?<sys>[^"]*)"|'(?<sys>[^']*)')""")]
    private static partial Regex DoctypeSystemId();
}

/// <summary>
/// An external entity that could not be read: the file as XML::Parser names it, the system id as
/// the document wrote it, and why.
/// </summary>
public sealed class ExternalEntityException(string file, string systemId, string reason)
    : Exception($"Failed to open {file}:\n{reason}")
{
    public string File { get; } = file;
    public string SystemId { get; } = systemId;
    public string Reason { get; } = reason;
}
