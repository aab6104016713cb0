using Akka.Actor;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// What every task shares, source or operator, whatever its delivery mode: its flush and report ticks; with checkpoints
/// the restore from a completed checkpoint while every other message waits, and the storing and acknowledging of its
/// parts. A task starts in <see cref="Recovering"/> when it has a checkpoint to restore and in its active behaviour
/// otherwise.
/// </summary>
public abstract class TaskActor(TaskSpec spec, TransportSettings transport) : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private sealed record PartsLoaded(IReadOnlyList<(int Index, TaskCheckpoint State)> Parts);
    private sealed record RestoreFailed(string Reason);
    private sealed record PartStored(long Id, string File);
    private sealed record PartNotStored(long Id, string Reason);

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    private CheckpointStore? _store;
    private long? _inlineBytes;

    private CheckpointStore Store => _store ??= new CheckpointStore(Context.System);

    /// <summary>Where checkpoint acknowledgements go: the sender of the latest routing (the job master).</summary>
    protected IActorRef? Coordinator { get; set; }

    private bool Restoring => spec.RestoreFrom is not null;

    /// <summary>The task's behaviour once it may take input.</summary>
    protected abstract void Active();

    /// <summary>Checkpoints: restores the parts of the completed checkpoint it needs (see <see cref="NeedsPart"/>);
    /// false when the task failed doing so.</summary>
    protected abstract bool Restore(IReadOnlyList<(int Index, TaskCheckpoint State)> parts);

    /// <summary>Checkpoints: whether the task restores from this entry of the checkpoint (by default its own).</summary>
    protected virtual bool NeedsPart(CheckpointEntry entry) => entry.Stage == spec.Id.Stage && entry.Index == spec.Id.Index;

    /// <summary>The task cannot go on (a checkpoint could not be read or stored): it fails with this reason.</summary>
    protected abstract void CheckpointFailed(string reason);

    /// <summary>A task without a checkpoint to restore ticks at once; one with a checkpoint first reads its parts.</summary>
    protected override void PreStart()
    {
        if (Restoring)
            LoadParts().PipeTo(Self, success: parts => new PartsLoaded(parts),
                failure: e => new RestoreFailed(e is AggregateException { InnerException: { } inner } ? inner.Message : e.Message));
        else
            StartTimers();
    }

    private async Task<IReadOnlyList<(int Index, TaskCheckpoint State)>> LoadParts()
    {
        var store = Store;
        var manifest = await store.LoadManifestAsync(spec.RestoreFrom!);
        return await store.LoadPartsAsync(manifest.Entries.Where(NeedsPart));
    }

    /// <summary>The behaviour to start in: restoring first when there is something to restore.</summary>
    protected void BecomeInitial()
    {
        if (!Restoring) Become(Active);
        else Become(Recovering);
    }

    protected void Recovering()
    {
        Receive<PartsLoaded>(loaded =>
        {
            if (Restore(loaded.Parts)) Resume();
        });
        Receive<RestoreFailed>(failed => CheckpointFailed($"its checkpoint '{spec.RestoreFrom}' could not be read: {failed.Reason}"));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Resume()
    {
        StartTimers();
        Stash.UnstashAll();
        Become(Active);
    }

    /// <summary>Checkpoints: the task's part of checkpoint <paramref name="id"/> goes to the coordinator, inline when small,
    /// else once stored in a HyDFS file (asynchronously: the task goes on meanwhile).</summary>
    protected void AcknowledgeCheckpoint(long id, TaskCheckpoint part)
    {
        var store = Store;
        var encoded = store.Encode(part);
        if (encoded.Length <= (_inlineBytes ??= CheckpointSettings.Create(Context.System).InlineBytes))
        {
            Coordinator?.Tell(new CheckpointAck(spec.Id, id, part, null));
            return;
        }
        store.SaveTaskAsync(spec.Id.JobId, id, spec.Id.Stage, spec.Id.Index, encoded).PipeTo(Self,
            success: file => new PartStored(id, file), failure: e => new PartNotStored(id, e.Message));
    }

    /// <summary>Checkpoints: the answers of parts stored in files (part of the active behaviour).</summary>
    protected void ReceiveCheckpointParts()
    {
        Receive<PartStored>(stored => Coordinator?.Tell(new CheckpointAck(spec.Id, stored.Id, null, stored.File)));
        Receive<PartNotStored>(failed => CheckpointFailed($"its part of checkpoint {failed.Id} could not be stored: {failed.Reason}"));
    }

    private void StartTimers()
    {
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
    }
}
