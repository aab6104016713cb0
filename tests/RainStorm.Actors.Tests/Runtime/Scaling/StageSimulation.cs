using RainStorm.Actors.Runtime.Scaling;

namespace RainStorm.Actors.Tests.Runtime.Scaling;

/// <summary>One stage under <see cref="ScalingPolicy"/> in simulated time: every second it reports the offered rate
/// <see cref="Offered"/> gives (optionally with noise); a decision is applied at once and reported back to the policy
/// as done <see cref="RescaleTakes"/> later. Tasks process at most <see cref="TaskCapacity"/> tuples/s each, which gives
/// the busy fraction.</summary>
internal sealed class StageSimulation(ScalingPolicy policy, int width, Func<double, double> offered)
{
    public static readonly DateTimeOffset Start = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random = new(11);

    public int Width { get; private set; } = width;
    public double Seconds { get; private set; }
    public List<ScalingDecision> Decisions { get; } = [];
    public double Noise { get; init; }
    public double TaskCapacity { get; init; } = double.PositiveInfinity;
    public int Capacity { get; init; } = 1000;
    public Func<double, bool> Draining { get; init; } = _ => false;
    /// <summary>Report what the tasks processed instead of what they were offered (how the original measured).</summary>
    public bool ReportProcessedRate { get; init; }
    public TimeSpan RescaleTakes { get; init; } = TimeSpan.FromMilliseconds(500);

    public Func<double, double> Offered { get; set; } = offered;

    public DateTimeOffset Now => Start + TimeSpan.FromSeconds(Seconds);

    public double OfferedNow => Offered(Seconds);

    public double PerTask => OfferedNow / Width;

    public double Busy => Math.Min(1, OfferedNow / (Width * TaskCapacity));

    public StageSimulation Run(double seconds)
    {
        var until = Seconds + seconds;
        while (Seconds + 1 <= until + 1e-9)
        {
            Seconds += 1;
            var jitter = 1 + Noise * (2 * _random.NextDouble() - 1);
            var rate = OfferedNow * jitter;
            var reported = ReportProcessedRate ? Math.Min(rate, Width * TaskCapacity) : rate;
            var busy = Math.Min(1, rate / (Width * TaskCapacity));
            var decision = policy.Observe(new StageSample(2, "AggregateByKey", Width, reported, busy, Capacity, Draining(Seconds)), Now);
            if (decision is null) continue;
            Assert.Equal(Width, decision.From);
            Decisions.Add(decision);
            Width = decision.To;
            policy.Rescaled(2, Now + RescaleTakes);
        }
        return this;
    }

    public static ScalingPolicy Policy(double low, double high, ScalingSettings? settings = null) =>
        new(settings ?? new ScalingSettings(), Watermarks.From(low, high), Start);
}
