namespace CpanBridge.Core.Metrics;

/// <summary>Calls, failures by code and latency of one function.</summary>
public sealed class FunctionStats
{
    private long _errors;
    private readonly Dictionary<string, long> _errorsByCode = new(StringComparer.Ordinal);

    public LatencyHistogram Latency { get; } = new();
    public long Calls => Latency.Count;
    public long Errors => Volatile.Read(ref _errors);

    public void RecordError(string code)
    {
        Interlocked.Increment(ref _errors);
        lock (_errorsByCode) _errorsByCode[code] = _errorsByCode.GetValueOrDefault(code) + 1;
    }

    public KeyValuePair<string, long>[] ErrorsByCode()
    {
        lock (_errorsByCode) return [.. _errorsByCode.OrderBy(p => p.Key, StringComparer.Ordinal)];
    }
}
