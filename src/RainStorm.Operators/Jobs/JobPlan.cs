namespace RainStorm.Operators.Jobs;

/// <summary>One stage of a job: an operator name (built-in or user operator) and its argument.</summary>
public sealed record StageSpec(string Op, string Arg);

/// <summary>
/// A validated <c>RainStorm …</c> job line (DESIGN §2). Rates are tuples/s: <see cref="InputRate"/> for the whole
/// source (0 = as fast as the pipeline accepts), the watermarks per task: tuples/s, or the fraction of time each task is
/// busy when <see cref="BusyFractionWatermarks"/> (<see cref="WatermarkRules"/>). The original's <c>Count</c> arrives
/// here as <c>AggregateByKey</c>.
/// </summary>
public sealed record JobPlan(
    IReadOnlyList<StageSpec> Stages,
    int TasksPerStage,
    string Source,
    string Destination,
    bool ExactlyOnce,
    bool Autoscale,
    double InputRate,
    double LowWatermark,
    double HighWatermark)
{
    /// <summary>The watermarks are busy fractions (0 &lt; low &lt; high &lt;= 1), not tuples per second per task.</summary>
    public bool BusyFractionWatermarks => WatermarkRules.IsBusyFraction(LowWatermark, HighWatermark);
}
