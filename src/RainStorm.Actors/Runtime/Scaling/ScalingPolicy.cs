namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>
/// The autoscaler's decisions for one job (docs/elastic.md, after DS2): pure, fed one <see cref="StageSample"/> per stage and
/// report interval, no clock or actor of its own. Per stage it averages the load over <see cref="ScalingSettings.Window"/>;
/// above high_wm it jumps straight to the width whose per-task signal lands in the band (its middle when it can), below
/// low_wm for <see cref="ScalingSettings.ScaleDownWindow"/> it shrinks the same way, but never to a width that would put
/// the stage above high_wm (so a band too narrow for the stage's rate cannot make it flap). After a decision the stage
/// waits for the rescale, then cools down for <see cref="ScalingSettings.Cooldown"/>. No shrinking during
/// <see cref="ScalingSettings.StartupGrace"/> or while the source drains; widths stay within 1 .. min(maximum, capacity).
/// </summary>
public sealed class ScalingPolicy
{
    /// <summary>Mean busy fractions from here up are saturation (a task never reports exactly 1), so a stage that busy
    /// grows even when high_wm is above this.</summary>
    public const double SaturatedBusy = 0.95;

    /// <summary>Relative slack for comparisons, so rounding in the window's average never decides.</summary>
    private const double Epsilon = 1e-9;

    private readonly Dictionary<int, StageWindow> _stages = new();
    private readonly DateTimeOffset _graceEnds;

    public ScalingPolicy(ScalingSettings settings, Watermarks watermarks, DateTimeOffset jobStart)
    {
        Settings = settings;
        Watermarks = watermarks;
        _graceEnds = jobStart + settings.StartupGrace;
    }

    public ScalingSettings Settings { get; }

    public Watermarks Watermarks { get; }

    /// <summary>high_wm, except that a busy fraction above <see cref="SaturatedBusy"/> counts as saturated.</summary>
    public double High => Watermarks.Unit == WatermarkUnit.BusyFraction ? Math.Min(Watermarks.High, SaturatedBusy) : Watermarks.High;

    /// <summary>Takes one stage's sample; returns a decision when the stage should be rescaled now. After a decision
    /// the stage makes no other until its width changes or <see cref="Rescaled"/> is called.</summary>
    public ScalingDecision? Observe(StageSample sample, DateTimeOffset now)
    {
        if (sample.Width < 1) return null;
        var load = LoadOf(sample);
        if (!double.IsFinite(load)) return null;
        if (!_stages.TryGetValue(sample.Stage, out var stage)) _stages[sample.Stage] = stage = new StageWindow();
        if (!stage.Admit(sample.Width, load, now, Settings)) return null;

        var mean = stage.MeanLoad;
        var perTask = mean / sample.Width;
        if (perTask > High * (1 + Epsilon))
        {
            stage.BelowSince = null;
            return Decide(stage, sample, now, mean, perTask, grow: true, ScalingReasons.Above(Watermarks, perTask));
        }
        if (perTask >= Watermarks.Low * (1 - Epsilon) || now < _graceEnds || sample.Draining)
        {
            stage.BelowSince = null;
            return null;
        }
        stage.BelowSince ??= now;
        var sustained = now - stage.BelowSince.Value;
        return sustained < Settings.ScaleDownWindow
            ? null
            : Decide(stage, sample, now, mean, perTask, grow: false, ScalingReasons.Below(Watermarks, perTask, sustained));
    }

    /// <summary>The stage's rescale finished (or was given up) at <paramref name="at"/>, whoever asked for it (this
    /// policy or the <c>rescale</c> command): its samples are ignored for the cool-down, then a fresh window starts.</summary>
    public void Rescaled(int stage, DateTimeOffset at)
    {
        if (!_stages.TryGetValue(stage, out var window)) _stages[stage] = window = new StageWindow();
        window.CoolDown(at, Settings.Cooldown);
    }

    /// <summary>The width for a stage carrying <paramref name="load"/> (tuples/s for the whole stage, or tasks' worth of
    /// busy time): ⌈load / target⌉ moved into the band's widths when there are any, else the smallest width that is not
    /// above high_wm; within 1 .. <paramref name="upper"/>.</summary>
    public int WidthFor(double load, int upper)
    {
        var fewest = Fewest(load);
        var most = Watermarks.Low > 0 ? Floor(load / Watermarks.Low) : int.MaxValue; // the most that keep it at or above low_wm
        var width = Math.Max(fewest, Ceiling(load / Watermarks.Target));
        if (fewest <= Math.Min(most, upper)) width = Math.Min(width, most);
        else width = fewest;
        return Math.Clamp(width, 1, upper);
    }

    /// <summary>The fewest tasks that keep the stage at or below high_wm.</summary>
    private int Fewest(double load) => Math.Max(1, Ceiling(load / High));

    private ScalingDecision? Decide(StageWindow stage, StageSample sample, DateTimeOffset now, double mean, double perTask, bool grow, string reason)
    {
        var upper = UpperBound(sample);
        var to = WidthFor(mean, upper);
        if (!grow) to = Math.Max(to, Math.Min(sample.Width, Fewest(mean))); // a stage wider than its bound shrinks, but not into overload
        if (grow ? to <= sample.Width : to >= sample.Width) return null;
        if (grow && to == upper && WidthFor(mean, int.MaxValue) > upper)
            reason += ScalingReasons.CappedBy(upper, byCapacity: sample.Capacity < Settings.MaxTasksPerStage);
        else if (!InBand(mean / to))
            reason += ScalingReasons.NoWidthInBand(Watermarks);
        stage.Decided(sample.Width);
        return new ScalingDecision(sample.Stage, sample.Operator, sample.Width, to, perTask, reason, now);
    }

    private int UpperBound(StageSample sample) => Math.Max(1, Math.Min(Settings.MaxTasksPerStage, sample.Capacity));

    private bool InBand(double perTask) => perTask >= Watermarks.Low * (1 - Epsilon) && perTask <= High * (1 + Epsilon);

    private double LoadOf(StageSample sample) => Watermarks.Unit == WatermarkUnit.BusyFraction
        ? Math.Clamp(sample.BusyFraction, 0, 1) * sample.Width
        : Math.Max(0, sample.OfferedPerSecond);

    private static int Ceiling(double value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value - Epsilon));

    private static int Floor(double value) => (int)Math.Min(int.MaxValue, Math.Floor(value + Epsilon));
}
