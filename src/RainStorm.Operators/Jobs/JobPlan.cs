namespace RainStorm.Operators.Jobs;

/// <summary>One stage of a job: an operator name (built-in or user operator) and its argument.</summary>
public sealed record StageSpec(string Op, string Arg);

/// <summary>
/// A validated <c>RainStorm …</c> job line (docs/architecture.md §2). Rates are tuples/s: <see cref="InputRate"/> for the whole
/// source (0 = as fast as the pipeline accepts), the watermarks per task.
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
    double HighWatermark);
