namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>
/// The tuples/s each operator stage is offered, from what the runtime sees (after DS2's "true" input rate): what the
/// stage in front sent it per second plus the growth of its queued input, and never less than what the stage in front
/// was offered times its selectivity (out / in). A saturated stage holds everything in front of it back to its own
/// pace, so what reaches it understates the demand; carried forward from the source's pace, the demand still shows.
/// </summary>
public static class OfferedRate
{
    /// <summary>One operator stage as its tasks' reports show it (sums over the stage's tasks).</summary>
    /// <param name="Routed">Tuples/s the stage in front sent it.</param>
    /// <param name="BacklogGrowth">Tuples/s by which its queued input grew.</param>
    public sealed record StageFlow(double Routed, double BacklogGrowth, double InPerSecond, double OutPerSecond);

    /// <param name="sourcePace">The paced source's tuples/s for the whole job; 0 when it is unpaced or read to the
    /// end (then only what it sent counts).</param>
    /// <param name="stages">Operator stages 1..n in order.</param>
    /// <returns>Offered tuples/s of stages 1..n (index 0 = stage 1).</returns>
    public static double[] PerStage(double sourcePace, IReadOnlyList<StageFlow> stages)
    {
        var offered = new double[stages.Count];
        var fromInFront = Math.Max(0, sourcePace);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            offered[i] = Math.Max(Math.Max(0, stage.Routed + stage.BacklogGrowth), fromInFront);
            fromInFront = stage.InPerSecond > 0 ? offered[i] * stage.OutPerSecond / stage.InPerSecond : 0;
        }
        return offered;
    }
}
