using System.Diagnostics;

namespace CpanBridge.Core.Metrics;

/// <summary>
/// Lock-free log-scale histogram of durations: 8 buckets per doubling from 1 µs to ~2.3 hours,
/// so any percentile is within ~9% of the truth while recording costs one Interlocked add.
/// </summary>
public sealed class LatencyHistogram
{
    private const int BucketsPerDoubling = 8;
    private const int BucketCount = 33 * BucketsPerDoubling;
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private long _sumTicks;

    public long Count => Volatile.Read(ref _count);
    public double SumSeconds => Volatile.Read(ref _sumTicks) / (double)Stopwatch.Frequency;
    public double AverageSeconds => Count == 0 ? 0 : SumSeconds / Count;

    public void Record(long elapsedTicks)
    {
        Interlocked.Increment(ref _buckets[BucketFor(elapsedTicks)]);
        Interlocked.Add(ref _sumTicks, elapsedTicks);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The duration (seconds) below which <paramref name="quantile"/> of recordings fall.</summary>
    public double Percentile(double quantile)
    {
        var total = Count;
        if (total == 0) return 0;
        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Volatile.Read(ref _buckets[i]);
            if (seen >= rank) return UpperBoundMicroseconds(i) / 1_000_000.0;
        }
        return UpperBoundMicroseconds(BucketCount - 1) / 1_000_000.0;
    }

    private static int BucketFor(long ticks)
    {
        var micros = ticks / TicksPerMicrosecond;
        if (micros <= 1) return 0;
        var index = (int)(Math.Log2(micros) * BucketsPerDoubling) + 1;
        return Math.Min(index, BucketCount - 1);
    }

    private static double UpperBoundMicroseconds(int bucket) => Math.Pow(2, bucket / (double)BucketsPerDoubling);
}
