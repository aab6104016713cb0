namespace RainStorm.Node.Http.History;

/// <summary>A stage's load over the last sample: the busiest task's share of time working and blocked by
/// backpressure (0..1), and the worst backpressure level its tasks report (OK, LOW, HIGH).</summary>
public sealed record StageLoad(int Stage, string Op, double Busy, double Backpressured, string Backpressure)
{
    /// <summary>Held back by the stage after it: it could go faster, so it is not what limits the job.</summary>
    public bool IsBackpressured => Backpressure == "HIGH" || Backpressured >= 0.5;
}

/// <summary>
/// Names the stage that limits a job: the busiest stage that is not itself backpressured (a backpressured stage
/// waits for a slower one downstream). Pure: the dashboard feeds it each sample.
/// </summary>
public static class Bottleneck
{
    /// <summary>Below this a stage is idle: a job whose stages are all idle is paced by its input rate, not limited.</summary>
    public const double IdleBelow = 0.05;

    public static StageLoad? Find(IReadOnlyList<StageLoad> stages) =>
        stages.Where(s => !s.IsBackpressured && s.Busy >= IdleBelow)
            .OrderByDescending(s => s.Busy).ThenByDescending(s => s.Stage).FirstOrDefault();

    public static string Describe(IReadOnlyList<StageLoad> stages)
    {
        if (stages.Count == 0) return "Bottleneck: not known yet (no sample of this job).";
        if (Find(stages) is { } limit)
            return $"Bottleneck: stage {limit.Stage} ({limit.Op}), busy {limit.Busy * 100:0}%, not backpressured.";
        return stages.All(s => s.Busy < IdleBelow && !s.IsBackpressured)
            ? "Bottleneck: none, every stage is idle (the job is paced by its input rate or waits for input)."
            : "Bottleneck: none found, every busy stage is backpressured.";
    }
}
