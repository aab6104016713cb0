namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// Paces a source task at a number of tuples per second (0 = unpaced): a token bucket whose refill starts with the
/// first request and whose backlog after a stall is capped at one second, so the long-run rate stays the target.
/// </summary>
public sealed class RatePacer(double tuplesPerSecond)
{
    private long _startedAt = -1;
    private double _granted;

    public bool Unpaced => tuplesPerSecond <= 0;

    /// <summary>How many tuples may go now (int.MaxValue when unpaced).</summary>
    public int Allowance()
    {
        if (Unpaced) return int.MaxValue;
        var now = Environment.TickCount64;
        if (_startedAt < 0) _startedAt = now;
        var due = (now - _startedAt) / 1000.0 * tuplesPerSecond;
        if (due - _granted > tuplesPerSecond) _granted = due - tuplesPerSecond;
        return (int)Math.Min(int.MaxValue, Math.Floor(due - _granted + 1e-9));
    }

    public void Used(int tuples) => _granted += tuples;
}
