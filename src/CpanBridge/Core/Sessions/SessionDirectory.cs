using System.Collections.Concurrent;

namespace CpanBridge.Core.Sessions;

/// <summary>The open sessions, for system.connections, cleanup and shutdown.</summary>
public sealed class SessionDirectory
{
    private readonly ConcurrentDictionary<long, Session> _sessions = new();
    private long _lastId;

    public int Count => _sessions.Count;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public bool IsOpen(long id) => _sessions.ContainsKey(id);

    public Session[] Snapshot() => [.. _sessions.Values.OrderBy(s => s.Id)];

    internal void Add(Session session) => _sessions[session.Id] = session;

    internal void Remove(Session session) => _sessions.TryRemove(session.Id, out _);
}
