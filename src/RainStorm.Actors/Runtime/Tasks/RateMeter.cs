namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A task's counters: tuples in and out (totals and per second over the last report interval) and its
/// backpressure level, the share of samples in which it had input waiting but no room to send.
/// </summary>
public sealed class RateMeter
{
    private long _lastIn;
    private long _lastOut;
    private long _lastAt = Environment.TickCount64;
    private long _busyTicks;
    private int _samples;
    private int _blockedSamples;

    public long TuplesIn { get; private set; }
    public long TuplesOut { get; private set; }
    public double InPerSecond { get; private set; }
    public double OutPerSecond { get; private set; }
    public string Backpressure { get; private set; } = "OK";
    /// <summary>The share of the last interval spent running the operator, 0..1.</summary>
    public double BusyFraction { get; private set; }

    /// <summary>Adds operator time, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public void Busy(long stopwatchTicks) => _busyTicks += stopwatchTicks;

    public void CountIn(int tuples) => TuplesIn += tuples;
    public void CountOut(int tuples) => TuplesOut += tuples;

    public void Sample(bool blocked)
    {
        _samples++;
        if (blocked) _blockedSamples++;
    }

    /// <summary>Closes the current interval and computes its rates.</summary>
    public void Roll()
    {
        var now = Environment.TickCount64;
        var seconds = Math.Max(1, now - _lastAt) / 1000.0;
        InPerSecond = (TuplesIn - _lastIn) / seconds;
        OutPerSecond = (TuplesOut - _lastOut) / seconds;
        _lastIn = TuplesIn;
        _lastOut = TuplesOut;
        _lastAt = now;
        BusyFraction = Math.Clamp(_busyTicks / (double)System.Diagnostics.Stopwatch.Frequency / seconds, 0, 1);
        _busyTicks = 0;
        var blocked = _samples == 0 ? 0 : (double)_blockedSamples / _samples;
        Backpressure = blocked >= 0.5 ? "HIGH" : blocked >= 0.1 ? "LOW" : "OK";
        _samples = 0;
        _blockedSamples = 0;
    }
}
