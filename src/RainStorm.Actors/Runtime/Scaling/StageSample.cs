namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>One report interval of one stage, as the job master feeds it to <see cref="ScalingPolicy"/>.</summary>
/// <param name="Stage">The stage number as <c>list_tasks</c> shows it.</param>
/// <param name="Operator">The stage's operator name (for the decision log).</param>
/// <param name="Width">The stage's current number of tasks.</param>
/// <param name="OfferedPerSecond">The whole stage: tuples routed to it per second plus its backlog's growth per second
/// (what it was offered, not what it managed to process, so a saturated stage still shows its demand).</param>
/// <param name="BusyFraction">The mean over its tasks of the fraction of time spent processing, 0..1.</param>
/// <param name="Capacity">The largest width the workers' slots allow for this stage now.</param>
/// <param name="Draining">The job's source is exhausted: what remains is draining, so the stage is not shrunk.</param>
public sealed record StageSample(int Stage, string Operator, int Width, double OfferedPerSecond, double BusyFraction, int Capacity, bool Draining);
