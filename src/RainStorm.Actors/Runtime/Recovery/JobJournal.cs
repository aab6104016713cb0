using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using RainStorm.Actors.Persistence;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// The leader's job table on HyDFS (persistence id <c>rainstorm-leader</c>): which jobs were accepted and how each
/// ended. A leader singleton starting on any node gets the table back (<see cref="Recovered"/>) before it serves, so
/// it re-attaches to the jobs still running and keeps numbering jobs where the previous leader stopped.
/// </summary>
public sealed class JobJournal : ReceivePersistentActor
{
    public const string Name = "job-journal";

    /// <summary>SourceBlockBytes: how the source file was split among the source tasks (a restarted source must split
    /// alike). KeyGroupTables: per operator stage, the key groups' tasks when not g mod N (state must stay where it is).
    /// IdempotencyKey: the submit's key, so a retried submit finds its job after a leader move.</summary>
    public sealed record JobAccepted(string JobId, string CommandLine, int SourceBlockBytes, int[]?[]? KeyGroupTables = null,
        string? IdempotencyKey = null);
    public sealed record JobEnded(string JobId, string Status, string? Reason, long TuplesIn, long TuplesOut);

    /// <summary>A rescale gave operator stage <see cref="Stage"/> of a running job <see cref="Width"/> tasks (its commit:
    /// journaled before the new routing goes out). Table: the stage's key group → task table when stateful;
    /// Generations: each task's generation (<see cref="Protocol.TaskProtocol.TaskId.Generation"/>); Epoch: the job's
    /// routing epoch, so a leader taking over re-attaches to the very tasks that run and numbers new ones after them.
    /// Leaving: the generations of the tasks that leave the stage (indices Width, Width + 1, ...), -1 once one finished
    /// (<see cref="TaskRetired"/>): a leader taking over lets the others finish.</summary>
    public sealed record StageRescaled(string JobId, int Stage, int Width, int[]? Table = null, int[]? Generations = null, int Epoch = 0,
        int[]? Leaving = null);

    /// <summary>A task that left its stage in a rescale finished what it held and stopped.</summary>
    public sealed record TaskRetired(string JobId, int Stage, int Index, int Generation);

    /// <summary>Checkpoint <see cref="Id"/> of a running job is complete; <see cref="Manifest"/> is its HyDFS file. A job
    /// restarts from its latest one.</summary>
    public sealed record CheckpointCompleted(string JobId, long Id, string Manifest);

    /// <summary>Journal → leader → job master: the checkpoint is journaled (only now are the sinks told to commit it).</summary>
    public sealed record CheckpointJournaled(string JobId, long Id);

    /// <summary>Journal → leader: the task's end is journaled (only now is it stopped and its edge forgotten, so a
    /// leader taking over never restarts a task whose end edge the next stage no longer knows).</summary>
    public sealed record RetireJournaled(string JobId, int Stage, int Index, int Generation);

    /// <summary>Journal → leader: the rescale is journaled (its routing may go out).</summary>
    public sealed record RescaleJournaled(string JobId, int Stage, int Epoch);

    /// <summary>Journal → leader: the job is in the journal, so a leader taking over will know it.</summary>
    public sealed record Journaled(string JobId);

    /// <summary>Journal → leader, once: the table as journaled. Ended is null for a job still running; Rescaled: per job
    /// with rescaled stages, each such stage's latest rescale.</summary>
    public sealed record Recovered(IReadOnlyList<(JobAccepted Job, JobEnded? Ended)> Jobs, TimeSpan Duration,
        IReadOnlyDictionary<string, IReadOnlyDictionary<int, StageRescaled>>? Rescaled = null,
        IReadOnlyDictionary<string, CheckpointCompleted>? Checkpoints = null);

    private readonly List<JobAccepted> _accepted = [];
    private readonly Dictionary<string, JobEnded> _ended = new();
    private readonly Dictionary<string, Dictionary<int, StageRescaled>> _rescaled = new();
    private readonly Dictionary<string, CheckpointCompleted> _checkpoints = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public override string PersistenceId => "rainstorm-leader";

    public static Props Props() => Akka.Actor.Props.Create(() => new JobJournal());

    public JobJournal()
    {
        JournalPluginId = HyDfsPersistenceHostingExtensions.JournalPluginId;
        SnapshotPluginId = HyDfsPersistenceHostingExtensions.SnapshotPluginId;
        Recover<JobAccepted>(_accepted.Add);
        Recover<JobEnded>(ended => _ended[ended.JobId] = ended);
        Recover<StageRescaled>(Apply);
        Recover<TaskRetired>(Apply);
        Recover<CheckpointCompleted>(completed => _checkpoints[completed.JobId] = completed);
        Recover<RecoveryCompleted>(_ =>
        {
            _clock.Stop();
            if (_accepted.Count > 0)
                _log.Info("Leader job table recovered in {0} ms: {1} jobs, {2} still running", _clock.ElapsedMilliseconds,
                    _accepted.Count, _accepted.Count(j => !_ended.ContainsKey(j.JobId)));
            Context.Parent.Tell(new Recovered(_accepted.Select(j => (j, _ended.GetValueOrDefault(j.JobId))).ToList(), _clock.Elapsed,
                _rescaled.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<int, StageRescaled>)p.Value),
                _checkpoints.Where(p => !_ended.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value)));
        });
        Command<JobAccepted>(accepted => PersistAsync(accepted, persisted =>
        {
            _accepted.Add(persisted);
            Context.Parent.Tell(new Journaled(persisted.JobId));
        }));
        Command<JobEnded>(ended => PersistAsync(ended, e => _ended[e.JobId] = e));
        Command<TaskRetired>(retired => PersistAsync(retired, persisted =>
        {
            Apply(persisted);
            Context.Parent.Tell(new RetireJournaled(persisted.JobId, persisted.Stage, persisted.Index, persisted.Generation));
        }));
        Command<CheckpointCompleted>(completed => PersistAsync(completed, persisted =>
        {
            _checkpoints[persisted.JobId] = persisted;
            Context.Parent.Tell(new CheckpointJournaled(persisted.JobId, persisted.Id));
        }));
        Command<StageRescaled>(rescaled => PersistAsync(rescaled, persisted =>
        {
            Apply(persisted);
            Context.Parent.Tell(new RescaleJournaled(persisted.JobId, persisted.Stage, persisted.Epoch));
        }));
    }

    private void Apply(StageRescaled rescaled)
    {
        if (!_rescaled.TryGetValue(rescaled.JobId, out var stages)) _rescaled[rescaled.JobId] = stages = new Dictionary<int, StageRescaled>();
        stages[rescaled.Stage] = rescaled;
    }

    private void Apply(TaskRetired retired)
    {
        if (_rescaled.GetValueOrDefault(retired.JobId)?.GetValueOrDefault(retired.Stage) is not { Leaving: { } leaving } rescaled) return;
        var at = retired.Index - rescaled.Width;
        if (at < 0 || at >= leaving.Length || leaving[at] != retired.Generation) return;
        var left = leaving.ToArray();
        left[at] = -1;
        _rescaled[retired.JobId][retired.Stage] = rescaled with { Leaving = left };
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error("Leader job table could not be recovered: {0}", reason.Message);
        base.OnRecoveryFailure(reason, message);
    }
}
