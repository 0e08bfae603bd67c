using System.Diagnostics;

namespace CpanBridge.Core.Metrics;

public sealed record SecurityEvent(string EventType, string Severity, DateTimeOffset Timestamp, string Detail);

/// <summary>Daemon-wide counters: requests, refusals, connections, and a recent-events ring.</summary>
public sealed class DaemonStats
{
    private const int RecentEventCapacity = 50;
    private const int WindowSeconds = 60;

    private long _requests, _failed, _rejected, _validationFailures, _securityEvents;
    private long _connectionsTotal, _peakConnections, _activeConnections;
    private readonly Queue<SecurityEvent> _recentEvents = new();
    private readonly long[] _windowCounts = new long[WindowSeconds];
    private readonly long[] _windowErrors = new long[WindowSeconds];
    private readonly long[] _windowStamp = new long[WindowSeconds];

    public LatencyHistogram Latency { get; } = new();
    public long Requests => Volatile.Read(ref _requests);
    public long Failed => Volatile.Read(ref _failed);
    public long Rejected => Volatile.Read(ref _rejected);
    public long ValidationFailures => Volatile.Read(ref _validationFailures);
    public long SecurityEvents => Volatile.Read(ref _securityEvents);
    public long ConnectionsTotal => Volatile.Read(ref _connectionsTotal);
    public long PeakConnections => Volatile.Read(ref _peakConnections);
    public long ActiveConnections => Volatile.Read(ref _activeConnections);

    public void RecordRequest(long elapsedTicks, bool failed, bool validationFailure)
    {
        Interlocked.Increment(ref _requests);
        Latency.Record(elapsedTicks);
        if (failed) Interlocked.Increment(ref _failed);
        if (validationFailure) Interlocked.Increment(ref _validationFailures);
        CountInWindow(failed);
    }

    /// <summary>A request refused before it reached a function (bad frame, unknown function, refused peer).</summary>
    public void RecordRejected(bool validationFailure)
    {
        Interlocked.Increment(ref _rejected);
        if (validationFailure) Interlocked.Increment(ref _validationFailures);
    }

    public void RecordSecurityEvent(SecurityEvent securityEvent)
    {
        Interlocked.Increment(ref _securityEvents);
        lock (_recentEvents)
        {
            _recentEvents.Enqueue(securityEvent);
            while (_recentEvents.Count > RecentEventCapacity) _recentEvents.Dequeue();
        }
    }

    public SecurityEvent[] RecentSecurityEvents()
    {
        lock (_recentEvents) return [.. _recentEvents.Reverse()];
    }

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsTotal);
        var active = Interlocked.Increment(ref _activeConnections);
        long peak;
        while (active > (peak = Volatile.Read(ref _peakConnections)) &&
               Interlocked.CompareExchange(ref _peakConnections, active, peak) != peak)
        {
        }
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _activeConnections);

    /// <summary>Requests per second and error rate over the last minute.</summary>
    public (double RequestsPerSecond, double ErrorRate, long Requests) LastMinute()
    {
        var now = NowSecond();
        long count = 0, errors = 0;
        lock (_windowCounts)
        {
            for (var i = 0; i < WindowSeconds; i++)
            {
                if (now - _windowStamp[i] >= WindowSeconds) continue;
                count += _windowCounts[i];
                errors += _windowErrors[i];
            }
        }
        return (count / (double)WindowSeconds, count == 0 ? 0 : errors / (double)count, count);
    }

    private void CountInWindow(bool failed)
    {
        var now = NowSecond();
        var slot = (int)(now % WindowSeconds);
        lock (_windowCounts)
        {
            if (_windowStamp[slot] != now)
            {
                _windowStamp[slot] = now;
                _windowCounts[slot] = 0;
                _windowErrors[slot] = 0;
            }
            _windowCounts[slot]++;
            if (failed) _windowErrors[slot]++;
        }
    }

    private static long NowSecond() => Stopwatch.GetTimestamp() / Stopwatch.Frequency;
}
