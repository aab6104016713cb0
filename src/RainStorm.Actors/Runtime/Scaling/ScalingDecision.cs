namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>The policy's verdict for one stage: rescale it from <see cref="From"/> to <see cref="To"/> tasks.</summary>
/// <param name="PerTaskRate">The per-task signal (window average) that triggered it, in the watermarks' unit.</param>
/// <param name="Reason">Human-readable, e.g. <c>1,420 tuples/s per task &gt; high_wm 500</c>.</param>
public sealed record ScalingDecision(int Stage, string Operator, int From, int To, double PerTaskRate, string Reason, DateTimeOffset At)
{
    public bool Grows => To > From;

    /// <summary>The leader's log line: <c>Job job-3: stage 2 (AggregateByKey) 2 -&gt; 5 tasks: 1,420 tuples/s per task &gt; high_wm 500</c>.</summary>
    public string LogLine(string jobId) => $"Job {jobId}: stage {Stage} ({Operator}) {From} -> {To} task{(To == 1 ? "" : "s")}: {Reason}";
}
