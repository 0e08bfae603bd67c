using System.Diagnostics;
using CpanBridge.Core.Metrics;

namespace CpanBridge.Tests.Core;

public class MetricsTests
{
    private static long Micros(double us) => (long)(us * Stopwatch.Frequency / 1_000_000);

    [Fact]
    public void Percentiles_are_within_the_bucket_resolution()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++) histogram.Record(Micros(i * 10)); // 10 µs .. 10 ms, uniform
        Assert.InRange(histogram.Percentile(0.50), 0.005 * 0.95, 0.005 * 1.10);
        Assert.InRange(histogram.Percentile(0.99), 0.0099 * 0.95, 0.0099 * 1.10);
        Assert.InRange(histogram.AverageSeconds, 0.005004, 0.005006);
        Assert.Equal(1000, histogram.Count);
    }

    [Fact]
    public void Empty_histogram_reports_zero()
    {
        Assert.Equal(0, new LatencyHistogram().Percentile(0.99));
    }

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++) histogram.Record(Micros(50));
        });
        Assert.Equal(80_000, histogram.Count);
        Assert.InRange(histogram.Percentile(1.0), 0.00005, 0.000055);
    }

    [Fact]
    public void Peak_connections_tracks_the_maximum()
    {
        var stats = new DaemonStats();
        stats.ConnectionOpened();
        stats.ConnectionOpened();
        stats.ConnectionClosed();
        stats.ConnectionOpened();
        Assert.Equal(2, stats.PeakConnections);
        Assert.Equal(3, stats.ConnectionsTotal);
        Assert.Equal(2, stats.ActiveConnections);
    }
}
