using System.Diagnostics;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A task's counters: tuples in and out (totals and per second over the last report interval), its
/// backpressure level (the share of samples in which it had input waiting but no room to send), and the seconds it
/// spent working (<see cref="Busy"/>) and blocked by backpressure since it started.
/// </summary>
public sealed class RateMeter
{
    private long _busyTicks;
    private long _blockedTicks;
    private long _lastSampleAt = Stopwatch.GetTimestamp();
    private long _lastIn;
    private long _lastOut;
    private long _lastAt = Environment.TickCount64;
    private long _intervalBusyTicks;
    private int _samples;
    private int _blockedSamples;

    public long TuplesIn { get; private set; }
    public long TuplesOut { get; private set; }
    public double InPerSecond { get; private set; }
    public double OutPerSecond { get; private set; }
    public string Backpressure { get; private set; } = "OK";
    public double BusySeconds => (double)_busyTicks / Stopwatch.Frequency;
    public double BackpressuredSeconds => (double)_blockedTicks / Stopwatch.Frequency;

    /// <summary>The share of the last interval spent working, 0..1 (the autoscaler's busy signal).</summary>
    public double BusyFraction { get; private set; }

    /// <summary>Counts the time until the returned scope is disposed as busy: <c>using var _ = meter.Busy();</c>.</summary>
    public BusyScope Busy() => new(this, Stopwatch.GetTimestamp());

    public readonly struct BusyScope(RateMeter meter, long startedAt) : IDisposable
    {
        public void Dispose()
        {
            var ticks = Stopwatch.GetTimestamp() - startedAt;
            meter._busyTicks += ticks;
            meter._intervalBusyTicks += ticks;
        }
    }

    /// <summary>After a restart from a checkpoint: the counts the task had then (not counted as this interval's rate).</summary>
    public void Restore(long tuplesIn, long tuplesOut)
    {
        TuplesIn = _lastIn = tuplesIn;
        TuplesOut = _lastOut = tuplesOut;
    }

    public void CountIn(int tuples) => TuplesIn += tuples;
    public void CountOut(int tuples) => TuplesOut += tuples;

    public void Sample(bool blocked)
    {
        var now = Stopwatch.GetTimestamp();
        _samples++;
        if (blocked)
        {
            _blockedSamples++;
            _blockedTicks += now - _lastSampleAt;
        }
        _lastSampleAt = now;
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
        BusyFraction = Math.Clamp(_intervalBusyTicks / (double)Stopwatch.Frequency / seconds, 0, 1);
        _intervalBusyTicks = 0;
        var blocked = _samples == 0 ? 0 : (double)_blockedSamples / _samples;
        Backpressure = blocked >= 0.5 ? "HIGH" : blocked >= 0.1 ? "LOW" : "OK";
        _samples = 0;
        _blockedSamples = 0;
    }
}
