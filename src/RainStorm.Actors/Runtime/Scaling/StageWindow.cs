namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>Where one stage is in the policy's cycle: observing its rate, waiting for a decided rescale to happen, or
/// cooling down after one.</summary>
internal enum StagePhase { Observing, AwaitingRescale, CoolingDown }

/// <summary>One stage's recent load (the whole stage's, in the watermarks' unit times tasks) over a sliding window,
/// and its phase. The window restarts whenever the stage's width changes.</summary>
internal sealed class StageWindow
{
    private readonly Queue<(DateTimeOffset At, double Load)> _samples = new();
    private double _sum;
    private DateTimeOffset? _since;
    private int _width;
    private int _pendingFrom;
    private DateTimeOffset _coolUntil;

    public StagePhase Phase { get; private set; } = StagePhase.Observing;

    /// <summary>Since when the window average has stayed below low_wm (null: it is not below).</summary>
    public DateTimeOffset? BelowSince { get; set; }

    public double MeanLoad => _samples.Count == 0 ? 0 : _sum / _samples.Count;

    /// <summary>Takes a sample; true when the stage is observing and its window is full, so the policy may decide.</summary>
    public bool Admit(int width, double load, DateTimeOffset now, ScalingSettings settings)
    {
        if (Phase == StagePhase.AwaitingRescale && width != _pendingFrom)
            CoolDown(now, settings.Cooldown); // the width changed: the rescale (or another one) happened
        if (Phase == StagePhase.AwaitingRescale) return false;
        if (Phase == StagePhase.CoolingDown)
        {
            if (now < _coolUntil) return false;
            Phase = StagePhase.Observing;
        }
        if (width != _width) Restart(width);
        _since ??= now;
        _samples.Enqueue((now, load));
        _sum += load;
        while (_samples.Peek().At < now - settings.Window) _sum -= _samples.Dequeue().Load;
        return now - _since.Value >= settings.Window;
    }

    public void Decided(int from)
    {
        Phase = StagePhase.AwaitingRescale;
        _pendingFrom = from;
        Restart(from);
    }

    public void CoolDown(DateTimeOffset at, TimeSpan cooldown)
    {
        Phase = StagePhase.CoolingDown;
        _coolUntil = at + cooldown;
        Restart(0);
    }

    private void Restart(int width)
    {
        _samples.Clear();
        _sum = 0;
        _since = null;
        _width = width;
        BelowSince = null;
    }
}
