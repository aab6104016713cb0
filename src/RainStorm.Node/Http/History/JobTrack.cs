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
    private Dictionary<int, int> _widths = [];
    private string? _status;
    private int _attempt = 1;

    public string JobId => jobId;
    public RingBuffer<RateSample> Samples { get; } = new(capacity);
    public List<TimelineEvent> Events { get; } = [];
    public Dictionary<string, (double Busy, double Backpressured)> TaskShares { get; private set; } = [];
    public long Rescales { get; private set; }
    /// <summary>Task restarts: those the leader lists, plus one per task each time an at-least-once job restarted from its source.</summary>
    public long Restarts => _seenRecoveries.Count + _sourceRestarts;
    private long _sourceRestarts;

    public void Observe(long now, JobSummary job, IReadOnlyList<TaskInfo> tasks, IEnumerable<RecoveryInfo> recoveries,
        IReadOnlyDictionary<string, (double Busy, double Backpressured)> shares)
    {
        if (_status is null) Events.Add(new TimelineEvent(now, "submitted", $"{job.JobId} seen {job.Status}: {job.CommandLine}"));
        foreach (var r in recoveries)
        {
            if (!_seenRecoveries.Add($"{r.Task}@{r.FailedAt.Ticks}")) continue;
            Events.Add(new TimelineEvent(new DateTimeOffset(r.FailedAt.ToUniversalTime()).ToUnixTimeMilliseconds(), "recovery",
                $"task {r.Task} restarted {r.OldNode} -> {r.NewNode}: {r.Reason}"));
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
        var widths = stages.Select((t, s) => (s, t.Count)).ToDictionary(x => x.s, x => x.Count);
        foreach (var (stage, width) in widths)
        {
            if (_widths.TryGetValue(stage, out var before) && before != width && width > 0 && before > 0)
            {
                Rescales++;
                Events.Add(new TimelineEvent(now, "rescale", $"stage {stage} width {before} -> {width}"));
            }
        }
        _widths = widths;
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
