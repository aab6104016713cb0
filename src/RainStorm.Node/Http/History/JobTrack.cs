using RainStorm.Actors.Runtime.Metrics;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Node.Http.History;

/// <summary>One sample of a job: per stage (index = stage) its rates and load.</summary>
public sealed record RateSample(long UnixMs, IReadOnlyList<double> StageIn, IReadOnlyList<double> StageOut, IReadOnlyList<StageLoad> Loads);

/// <summary>A dated line of a job's timeline: kind is submitted, recovery, rescale or ended.</summary>
public sealed record TimelineEvent(long UnixMs, string Kind, string Text);

/// <summary>What the dashboard remembers of one job: its rate samples (a ring buffer) and its timeline.</summary>
public sealed class JobTrack(string jobId, int capacity)
{
    private readonly HashSet<string> _seenRecoveries = [];
    private int _seenDecisions;
    private string? _status;
    private int _attempt = 1;

    public string JobId => jobId;
    public RingBuffer<RateSample> Samples { get; } = new(capacity);
    public List<TimelineEvent> Events { get; } = [];
    public Dictionary<string, (double Busy, double Backpressured)> TaskShares { get; private set; } = [];
    /// <summary>Rescales the job master applied (its decisions, as <c>scaling</c> lists them).</summary>
    public long Rescales { get; private set; }

    /// <summary>True while the job may still make rescale decisions (running, or not seen yet).</summary>
    public bool MayRescale => _status is null or "RUNNING";
    /// <summary>Task restarts: those the leader lists, plus one per task each time an at-least-once job restarted from its source.</summary>
    public long Restarts => _seenRecoveries.Count + _sourceRestarts;
    private long _sourceRestarts;

    public void Observe(long now, JobSummary job, IReadOnlyList<TaskInfo> tasks, IEnumerable<RecoveryInfo> recoveries,
        IReadOnlyList<ScalingEntry>? decisions, IReadOnlyDictionary<string, (double Busy, double Backpressured)> shares)
    {
        if (_status is null) Events.Add(new TimelineEvent(now, "submitted", $"{job.JobId} seen {job.Status}: {job.CommandLine}"));
        foreach (var r in recoveries)
        {
            if (!_seenRecoveries.Add($"{r.Task}@{r.FailedAt.Ticks}")) continue;
            Events.Add(new TimelineEvent(new DateTimeOffset(r.FailedAt.ToUniversalTime()).ToUnixTimeMilliseconds(), "recovery",
                $"task {r.Task} restarted {r.OldNode} -> {r.NewNode}: {r.Reason}"));
        }
        // The master's decisions only grow, oldest first: the new ones are past what was seen.
        foreach (var d in decisions?.Skip(_seenDecisions) ?? [])
        {
            if (d.Refusal is null) Rescales++;
            Events.Add(new TimelineEvent(d.At.ToUnixTimeMilliseconds(), "rescale",
                $"stage {d.Stage} ({d.Operator}) {d.From} -> {d.To} tasks by {d.By}: {d.Reason}" + (d.Refusal is { } r ? $" (not applied: {r})" : "")));
            _seenDecisions++;
        }
        if (job.Status == "RUNNING" && tasks.Count > 0) ObserveRunning(now, job, tasks, shares);
        if (_status is not null && _status != job.Status)
            Events.Add(new TimelineEvent(now, "ended", $"{job.JobId} {job.Status}{(job.FailureReason is { } f ? ": " + f : "")}"));
        _status = job.Status;
    }

    private void ObserveRunning(long now, JobSummary job, IReadOnlyList<TaskInfo> tasks,
        IReadOnlyDictionary<string, (double Busy, double Backpressured)> shares)
    {
        var stages = Enumerable.Range(0, job.Stages + 1).Select(s => tasks.Where(t => t.Stage == s).ToList()).ToList();
        var attempt = tasks.Max(t => t.Task.Contains('#') && int.TryParse(t.Task.AsSpan(t.Task.IndexOf('#') + 1), out var a) ? a : 1);
        if (attempt > _attempt)
        {
            _sourceRestarts += tasks.Count;
            Events.Add(new TimelineEvent(now, "recovery", $"{job.JobId} restarted from its source (attempt {attempt}): a task failed"));
            _attempt = attempt;
        }
        TaskShares = tasks.ToDictionary(t => t.Task, t => shares.GetValueOrDefault(t.Task));
        var loads = stages.Select((ofStage, s) => new StageLoad(s, ofStage.FirstOrDefault()?.Op ?? "?",
            ofStage.Select(t => TaskShares[t.Task].Busy).DefaultIfEmpty(0).Max(),
            ofStage.Select(t => TaskShares[t.Task].Backpressured).DefaultIfEmpty(0).Max(),
            Worst(ofStage.Select(t => t.Backpressure)))).ToList();
        Samples.Add(new RateSample(now, stages.Select(t => t.Sum(x => x.InPerSecond)).ToList(),
            stages.Select(t => t.Sum(x => x.OutPerSecond)).ToList(), loads));
    }

    private static string Worst(IEnumerable<string> levels)
    {
        var all = levels.ToList();
        return all.Contains("HIGH") ? "HIGH" : all.Contains("LOW") ? "LOW" : "OK";
    }

    /// <summary>Shares of busy and backpressured time per task since the previous sample, from the nodes' counters.</summary>
    public static Dictionary<string, (double Busy, double Backpressured)> Shares(
        IReadOnlyDictionary<string, TaskTime> before, IReadOnlyDictionary<string, TaskTime> now, double seconds) =>
        now.ToDictionary(t => t.Key, t => before.TryGetValue(t.Key, out var b) && seconds > 0
            ? (Clamp((t.Value.BusySeconds - b.BusySeconds) / seconds), Clamp((t.Value.BackpressuredSeconds - b.BackpressuredSeconds) / seconds))
            : (0.0, 0.0));

    private static double Clamp(double share) => Math.Clamp(share, 0, 1);
}
