using RainStorm.Operators.Jobs;

namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>What the watermarks measure: tuples offered per second per task, or the fraction of time a task is busy.</summary>
public enum WatermarkUnit { TuplesPerSecond, BusyFraction }

/// <summary>A job's autoscaling band: a stage whose per-task signal stays between <see cref="Low"/> and
/// <see cref="High"/> is left alone (docs/elastic.md).</summary>
public sealed record Watermarks(double Low, double High, WatermarkUnit Unit)
{
    /// <summary>Busy fractions when <c>0 &lt; low &lt; high &lt;= 1</c>, tuples per second per task otherwise
    /// (<see cref="WatermarkRules"/>, the rule the job parser applies).</summary>
    public static Watermarks From(double low, double high) =>
        new(low, high, WatermarkRules.IsBusyFraction(low, high) ? WatermarkUnit.BusyFraction : WatermarkUnit.TuplesPerSecond);

    public static Watermarks From(JobPlan plan) => From(plan.LowWatermark, plan.HighWatermark);

    /// <summary>The per-task signal the policy aims for after a rescale: the band's middle.</summary>
    public double Target => (Low + High) / 2;
}
