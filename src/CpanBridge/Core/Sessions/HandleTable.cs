using System.Globalization;
using CpanBridge.Core.Protocol;

namespace CpanBridge.Core.Sessions;

/// <summary>A kind of stateful object a module hands out, with how to dispose of it.</summary>
public abstract class HandleKind(string name)
{
    public string Name { get; } = name;
    internal abstract void Dispose(object value);
}

/// <summary>
/// Declares a handle kind. <paramref name="dispose"/> runs when the handle is closed, its parent
/// is closed, or its connection ends; without one, <see cref="IDisposable"/> is used.
/// </summary>
public sealed class HandleKind<T>(string name, Action<T>? dispose = null) : HandleKind(name) where T : class
{
    internal override void Dispose(object value)
    {
        if (dispose is not null) dispose((T)value);
        else (value as IDisposable)?.Dispose();
    }
}

/// <summary>Counts open handles across all connections against the global limit.</summary>
public sealed class HandleBudget(int limit)
{
    private int _open;
    public int Open => Volatile.Read(ref _open);
    public int Limit => limit;

    internal void Take()
    {
        if (Interlocked.Increment(ref _open) > limit)
        {
            Interlocked.Decrement(ref _open);
            throw new BridgeException(ErrorCodes.Limit,
                $"the daemon holds {limit} open handles, its limit (CPAN_BRIDGE_MAX_HANDLES); close some or raise the limit");
        }
    }

    internal void Release() => Interlocked.Decrement(ref _open);
}

/// <summary>
/// The handles of one connection. Handle strings look like <c>test.counter#3@s12.5f0c1a2b</c>
/// (kind, number, connection, daemon boot) so that a handle brought to the wrong place gets an
/// error that says why, but clients treat them as opaque.
/// </summary>
public sealed class HandleTable
{
    private sealed class Entry(long number, HandleKind kind, object value, Entry? parent)
    {
        public long Number { get; } = number;
        public HandleKind Kind { get; } = kind;
        public object Value { get; } = value;
        public Entry? Parent { get; } = parent;
        public List<Entry>? Children { get; set; }
    }

    private readonly Dictionary<long, Entry> _entries = [];
    private readonly object _gate = new();
    private readonly long _connectionId;
    private readonly string _bootId;
    private readonly string _suffix;
    private readonly int _perConnectionLimit;
    private readonly HandleBudget _budget;
    private readonly Func<long, bool> _isConnectionOpen;
    private long _lastNumber;

    public HandleTable(long connectionId, string bootId, int perConnectionLimit, HandleBudget budget,
        Func<long, bool> isConnectionOpen)
    {
        _connectionId = connectionId;
        _bootId = bootId;
        _suffix = "@s" + connectionId.ToString(CultureInfo.InvariantCulture) + "." + bootId;
        _perConnectionLimit = perConnectionLimit;
        _budget = budget;
        _isConnectionOpen = isConnectionOpen;
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public SortedDictionary<string, int> CountsByKind()
    {
        lock (_gate)
        {
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in _entries.Values)
                counts[entry.Kind.Name] = counts.GetValueOrDefault(entry.Kind.Name) + 1;
            return counts;
        }
    }

    /// <summary>Registers <paramref name="value"/> and returns its handle. A parent's close closes it too.</summary>
    public string Open<T>(HandleKind<T> kind, T value, string? parentHandle = null) where T : class
    {
        lock (_gate)
        {
            var parent = parentHandle is null ? null : Find(parentHandle, expected: null);
            if (_entries.Count >= _perConnectionLimit)
                throw new BridgeException(ErrorCodes.Limit,
                    $"this connection already holds {_perConnectionLimit} open handles (CPAN_BRIDGE_MAX_HANDLES_PER_CONNECTION); close some before opening more");
            _budget.Take();
            var entry = new Entry(++_lastNumber, kind, value, parent);
            _entries.Add(entry.Number, entry);
            if (parent is not null) (parent.Children ??= []).Add(entry);
            return Format(entry);
        }
    }

    public T Get<T>(HandleKind<T> kind, string handle) where T : class
    {
        lock (_gate) return (T)Find(handle, kind).Value;
    }

    /// <summary>Closes the handle and, first, everything opened under it.</summary>
    public void Close(string handle)
    {
        List<Entry> closing;
        lock (_gate)
        {
            var entry = Find(handle, expected: null);
            closing = [];
            Detach(entry, closing);
            entry.Parent?.Children?.Remove(entry);
        }
        DisposeEntries(closing);
    }

    /// <summary>Disposes every handle; called when the connection ends, however it ends.</summary>
    public int DisposeAll()
    {
        List<Entry> closing;
        lock (_gate)
        {
            // Children before parents: statements go before their database connection.
            closing = [.. _entries.Values.OrderByDescending(e => e.Number)];
            _entries.Clear();
        }
        DisposeEntries(closing);
        return closing.Count;
    }

    private void Detach(Entry entry, List<Entry> closing)
    {
        if (entry.Children is not null)
            foreach (var child in entry.Children.ToArray()) Detach(child, closing);
        _entries.Remove(entry.Number);
        closing.Add(entry);
    }

    private void DisposeEntries(List<Entry> entries)
    {
        List<Exception>? failures = null;
        foreach (var entry in entries)
        {
            _budget.Release();
            try
            {
                entry.Kind.Dispose(entry.Value);
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }
        if (failures is not null)
            throw new AggregateException("disposing handles failed", failures);
    }

    private string Format(Entry entry) =>
        entry.Kind.Name + "#" + entry.Number.ToString(CultureInfo.InvariantCulture) + _suffix;

    private Entry Find(string handle, HandleKind? expected)
    {
        var hash = handle.IndexOf('#');
        var at = handle.LastIndexOf('@');
        var dot = at < 0 ? -1 : handle.IndexOf('.', at);
        if (hash <= 0 || at < hash || dot < 0 ||
            !long.TryParse(handle.AsSpan(hash + 1, at - hash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
            handle.Length < at + 2 || handle[at + 1] != 's' ||
            !long.TryParse(handle.AsSpan(at + 2, dot - at - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var connection))
            throw new BridgeException(ErrorCodes.Handle, $"'{Truncate(handle)}' is not a CPAN Bridge handle");

        var boot = handle[(dot + 1)..];
        if (boot != _bootId)
            throw new BridgeException(ErrorCodes.Handle,
                $"handle {handle} was lost: the daemon that created it has stopped or restarted since; its state is gone and must be opened again");
        if (connection != _connectionId)
            throw new BridgeException(ErrorCodes.Handle, _isConnectionOpen(connection)
                ? $"handle {handle} belongs to connection #{connection}, not to this connection #{_connectionId}; handles cannot be shared between connections (after fork, the child must open its own)"
                : $"handle {handle} was disposed when connection #{connection} closed; handles live only as long as the connection that opened them");
        if (!_entries.TryGetValue(number, out var entry))
            throw new BridgeException(ErrorCodes.Handle, $"handle {handle} is closed");
        if (expected is not null && !ReferenceEquals(entry.Kind, expected))
            throw new BridgeException(ErrorCodes.Handle, $"handle {handle} is a {entry.Kind.Name}, not a {expected.Name}");
        return entry;
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "...";
}
