using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using RainStorm.Actors.Persistence;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// The journal of one exactly_once task, operator or source (persistence id <c>task/job/stage/index</c>, on HyDFS), a child of
/// the task: it replays the latest snapshot and the events after it to its parent once (<see cref="Recovered"/>), then
/// appends the events its parent hands it in order and answers each with <see cref="Appended"/> once it is durable,
/// and saves the snapshots it is given (<see cref="SnapshotSaved"/>). It stops when an append fails; the task watches
/// it and fails with it. Only the task's durable part lives here: the task's lifecycle is the task's own.
/// </summary>
public sealed class TaskJournal : ReceivePersistentActor
{
    /// <summary>Task → journal: append <see cref="Event"/> (a <see cref="TaskRound"/>, <see cref="EdgesForgotten"/> or
    /// <see cref="SourceRound"/>).</summary>
    public sealed record Append(IRecoveryRecord Event);

    /// <summary>Journal → task: the oldest append not yet answered is durable.</summary>
    public sealed record Appended(IRecoveryRecord Event);

    /// <summary>Task → journal: save this snapshot; it covers every event appended so far (the task has none under way).</summary>
    public sealed record Save(IRecoveryRecord Snapshot);

    public sealed record SnapshotSaved(long SequenceNr);
    public sealed record SnapshotFailed(string Reason);

    /// <summary>Journal → task, once: the latest snapshot (or null) and the events after it, oldest first.</summary>
    public sealed record Recovered(IRecoveryRecord? Snapshot, IReadOnlyList<IRecoveryRecord> Events, TimeSpan Took);

    public const string Name = "journal";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<IRecoveryRecord> _events = [];
    private readonly TaskId _task;
    private IRecoveryRecord? _snapshot;

    public override string PersistenceId { get; }

    public static Props Props(TaskId task) => Akka.Actor.Props.Create(() => new TaskJournal(task));

    public TaskJournal(TaskId task)
    {
        _task = task;
        PersistenceId = "task/" + task;
        JournalPluginId = HyDfsPersistenceHostingExtensions.JournalPluginId;
        SnapshotPluginId = HyDfsPersistenceHostingExtensions.SnapshotPluginId;

        Recover<SnapshotOffer>(offer => _snapshot = (IRecoveryRecord)offer.Snapshot);
        Recover<IRecoveryRecord>(_events.Add);
        Recover<RecoveryCompleted>(_ =>
        {
            _clock.Stop();
            Context.Parent.Tell(new Recovered(_snapshot, _events.ToList(), _clock.Elapsed));
            _events.Clear();
            _snapshot = null;
        });
        Command<Append>(append => PersistAsync(append.Event, persisted => Context.Parent.Tell(new Appended(persisted))));
        Command<Save>(save => SaveSnapshot(save.Snapshot));
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            Context.Parent.Tell(new SnapshotSaved(saved.Metadata.SequenceNr));
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            _log.Warning("Task {0}: snapshot failed: {1}", _task, failed.Cause.Message);
            Context.Parent.Tell(new SnapshotFailed(failed.Cause.Message));
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error("Task {0}: journal append {1} failed: {2}", _task, sequenceNr, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error("Task {0}: recovery from its journal failed: {1}", _task, reason.Message);
        base.OnRecoveryFailure(reason, message);
    }
}
