namespace CpanBridge.Modules.Crypto;

/// <summary>
/// Key schedules by (cipher, key), least recently used dropped first. Scripts that decrypt
/// config values make a new cipher object per value with the same key; this is what makes that
/// cheap. Keys are held only as schedules and their bytes for comparison; they are never logged.
/// </summary>
internal sealed class ScheduleCache(int capacity = 256)
{
    private readonly Dictionary<CacheKey, LinkedListNode<Entry>> _entries = new();
    private readonly LinkedList<Entry> _order = new();
    private readonly object _gate = new();

    public long Hits { get; private set; }
    public long Misses { get; private set; }
    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> with the schedule for this key, made if missing. Schedules are
    /// not thread-safe, so one schedule is used by one call at a time.
    /// </summary>
    public T Use<T>(CipherInfo cipher, byte[] key, Func<KeySchedule, T> use)
    {
        var cacheKey = new CacheKey(cipher.Name, key);
        Entry entry;
        lock (_gate)
        {
            if (_entries.TryGetValue(cacheKey, out var node))
            {
                Hits++;
                _order.Remove(node);
                _order.AddFirst(node);
                entry = node.Value;
            }
            else
            {
                Misses++;
                entry = new Entry(cacheKey, new Lazy<KeySchedule>(() => cipher.Create((byte[])key.Clone())));
                _entries[cacheKey] = _order.AddFirst(entry);
                while (_entries.Count > capacity)
                {
                    var last = _order.Last!;
                    _order.RemoveLast();
                    _entries.Remove(last.Value.Key);
                    last.Value.Retire();
                }
            }
        }
        lock (entry)
        {
            if (entry.Disposed)
            {
                // Dropped and disposed between the lookup and here: this call gets its own schedule.
                using var own = cipher.Create((byte[])key.Clone());
                return use(own);
            }
            var schedule = entry.Schedule.Value;
            try
            {
                return use(schedule);
            }
            finally
            {
                if (entry.Retired) entry.DisposeSchedule();
            }
        }
    }

    private sealed class Entry(CacheKey key, Lazy<KeySchedule> schedule)
    {
        public CacheKey Key { get; } = key;
        public Lazy<KeySchedule> Schedule { get; } = schedule;
        private volatile bool _retired;
        public bool Retired => _retired;
        public bool Disposed { get; private set; }

        /// <summary>
        /// Dropped from the cache: disposed now, or by the call using it when that ends (never
        /// waited for here, as the cache's lock is held).
        /// </summary>
        public void Retire()
        {
            _retired = true;
            if (!Monitor.TryEnter(this)) return;
            try
            {
                DisposeSchedule();
            }
            finally
            {
                Monitor.Exit(this);
            }
        }

        /// <summary>Called with the entry's lock held.</summary>
        public void DisposeSchedule()
        {
            if (Disposed) return;
            Disposed = true;
            if (Schedule.IsValueCreated) Schedule.Value.Dispose();
        }
    }

    private readonly struct CacheKey(string cipher, byte[] key) : IEquatable<CacheKey>
    {
        private readonly string _cipher = cipher;
        private readonly byte[] _key = key;

        public bool Equals(CacheKey other) => _cipher == other._cipher && _key.AsSpan().SequenceEqual(other._key);
        public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(_cipher);
            hash.AddBytes(_key);
            return hash.ToHashCode();
        }
    }
}
