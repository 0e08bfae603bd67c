using System.Diagnostics;

namespace CpanBridge.Core.Metrics;

/// <summary>The daemon's own resident memory and CPU use, for health checks and status.</summary>
public sealed class ProcessStats
{
    private readonly object _gate = new();
    private TimeSpan _lastCpu;
    private long _lastSample;
    private double _lastPercent;

    public static double ResidentMegabytes()
    {
        // VmRSS is what an operator's `ps`/`top` shows; Environment.WorkingSet reads the same on Linux.
        return Environment.WorkingSet / (1024.0 * 1024.0);
    }

    public static int Threads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    /// <summary>CPU use since the previous call (or since start, on the first), in percent of one core.</summary>
    public double CpuPercent()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_lastSample == 0)
            {
                var sinceStart = DateTime.Now - process.StartTime;
                _lastPercent = sinceStart.TotalSeconds > 0 ? 100 * cpu.TotalSeconds / sinceStart.TotalSeconds : 0;
            }
            else
            {
                var wall = Stopwatch.GetElapsedTime(_lastSample, now).TotalSeconds;
                if (wall >= 0.2) _lastPercent = 100 * (cpu - _lastCpu).TotalSeconds / wall;
                else return Math.Round(_lastPercent, 1);
            }
            _lastCpu = cpu;
            _lastSample = now;
            return Math.Round(_lastPercent, 1);
        }
    }
}
