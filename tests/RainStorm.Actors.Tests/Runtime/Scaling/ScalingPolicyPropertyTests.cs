using CsCheck;
using RainStorm.Actors.Runtime.Scaling;
using static RainStorm.Actors.Tests.Runtime.Scaling.StageSimulation;

namespace RainStorm.Actors.Tests.Runtime.Scaling;

public sealed class ScalingPolicyPropertyTests
{
    private static readonly Gen<Case> TuplesPerSecond =
        Gen.Select(Gen.Double[1, 2_000], Gen.Double[1.01, 5], Gen.Double[0, 60_000], Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[1, 40])
            .Select((low, ratio, offered, width, capacity, max) =>
                new Case(Watermarks.From(low, low * ratio), width, offered, 0, capacity, max));

    private static readonly Gen<Case> BusyFraction =
        Gen.Select(Gen.Double[0.01, 0.9], Gen.Double[0.01, 1], Gen.Double[0, 1], Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[1, 40])
            .Select((low, share, busy, width, capacity, max) =>
                new Case(Watermarks.From(low, low + (1 - low) * Math.Max(share, 0.02)), width, 0, busy, capacity, max));

    [Fact]
    public void A_decision_puts_the_per_task_rate_inside_the_band_whenever_some_width_can() =>
        TuplesPerSecond.Sample(Check, iter: 10_000);

    [Fact]
    public void A_decision_puts_the_busy_fraction_inside_the_band_whenever_some_width_can() =>
        BusyFraction.Sample(Check, iter: 10_000);

    private static void Check(Case c)
    {
        var band = c.Watermarks;
        var policy = new ScalingPolicy(new ScalingSettings { StartupGrace = TimeSpan.Zero, ScaleDownWindow = TimeSpan.Zero, MaxTasksPerStage = c.Max }, band, Start);
        ScalingDecision? decision = null;
        for (var t = 1; t <= 3 && decision is null; t++)
            decision = policy.Observe(new StageSample(1, "Filter", c.Width, c.Offered, c.Busy, c.Capacity, false), Start + TimeSpan.FromSeconds(t));

        var load = band.Unit == WatermarkUnit.BusyFraction ? c.Busy * c.Width : c.Offered;
        var perTask = load / c.Width;
        var upper = Math.Min(c.Capacity, c.Max);
        var high = band.Unit == WatermarkUnit.BusyFraction ? Math.Min(band.High, ScalingPolicy.SaturatedBusy) : band.High;
        Assert.Equal(high, policy.High);
        bool InBand(int n) => load / n >= band.Low * (1 - 1e-9) && load / n <= high * (1 + 1e-9);
        var grows = perTask > high;

        if (decision is null)
        {
            if (grows) Assert.True(c.Width >= upper, $"an overloaded stage below its bound got no decision: {c}");
            if (perTask < band.Low && !grows)
                Assert.False(Enumerable.Range(1, c.Width - 1).Any(n => load / n <= high && n <= upper && InBand(n)), $"an underloaded stage that fits a smaller in-band width got no decision: {c}");
            return;
        }
        Assert.Equal(grows, decision.Grows);
        Assert.InRange(decision.To, 1, grows ? upper : c.Width - 1);
        if (!grows) Assert.True(perTask < band.Low, $"shrank a stage that was not below low_wm: {c}");
        if (!decision.Grows) Assert.True(load / decision.To <= high * (1 + 1e-9), $"shrank into overload: {c} -> {decision.To}");
        if (Enumerable.Range(1, upper).Any(InBand))
            Assert.True(InBand(decision.To), $"{c} -> {decision.To} tasks = {load / decision.To} per task, outside the band although a width inside exists");
    }

    internal sealed record Case(Watermarks Watermarks, int Width, double Offered, double Busy, int Capacity, int Max);
}
