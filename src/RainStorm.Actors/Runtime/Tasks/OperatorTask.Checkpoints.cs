using Akka.Event;
using Akka.Actor;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Operators;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// An operator task's side of checkpoints: barriers arrive as batches; aligned, a batch behind its edge's barrier waits
/// (<see cref="BarrierAligner"/>). Once every input delivered the barrier and everything before it is processed, the
/// task snapshots its state per key group, forwards the barrier (a sink stages what came before it) and acknowledges
/// its part; what waited is processed next. A task whose inputs all ended takes part when the job master triggers it.
/// After a failure it restores the key groups it owns from the parts of its stage, and a sink what it had staged.
/// </summary>
public sealed partial class OperatorTask
{
    private static readonly IReadOnlyDictionary<int, byte[]> NoGroups = new Dictionary<int, byte[]>();

    private readonly List<(TupleBatch Batch, IActorRef Sender)> _behindBarrier = [];
    /// <summary>After a restore until the first routing (which says which key groups the task owns): the state of the
    /// stage's key groups, and the sink parts.</summary>
    private Dictionary<int, byte[]>? _restoredGroups;
    private List<SinkStaged>? _restoredSink;

    /// <summary>A stateful task restores from every part of its stage (a rescale may have moved key groups since); a
    /// sink also from the parts of sinks beyond its stage's width (it shrank) whose index maps to it.</summary>
    protected override bool NeedsPart(CheckpointEntry entry)
    {
        if (entry.Stage != _spec.Id.Stage) return false;
        if (entry.Index == _spec.Id.Index || Stateful is not null) return true;
        return _spec.IsLast && entry.Index >= _spec.StageTasks && entry.Index % _spec.StageTasks == _spec.Id.Index;
    }

    protected override bool Restore(IReadOnlyList<(int Index, TaskCheckpoint State)> parts)
    {
        _restoredGroups = new Dictionary<int, byte[]>();
        _restoredSink = [];
        foreach (var (index, part) in parts)
        {
            foreach (var (group, state) in part.Groups) _restoredGroups[group] = state;
            if (part.Sink is { } sink && (index == _spec.Id.Index || index >= _spec.StageTasks)) _restoredSink.Add(sink);
            if (index == _spec.Id.Index) _meter.Restore(part.TuplesIn, part.TuplesOut);
        }
        _log.Info("Task {0} restarts from the checkpoint: {1} key groups of state, {2} staged sink appends", _spec.Id,
            _restoredGroups.Count, _restoredSink.Sum(s => s.Appends.Length));
        _phase = Phase.Starting;
        return true;
    }

    /// <summary>At the first routing: the key groups the task owns get their restored state; the sink its staged appends.</summary>
    private void ApplyRestored(Routing routing)
    {
        if (_restoredGroups is { Count: > 0 } groups && Stateful is { } stateful)
        {
            var owned = routing.Own?.Groups.ToHashSet();
            stateful.Restore(owned is null ? groups : groups.Where(g => owned.Contains(g.Key)).ToDictionary(g => g.Key, g => g.Value));
        }
        if (_restoredSink is { Count: > 0 } sink && _output is SinkOutput output) output.Restore(sink);
        _restoredGroups = null;
        _restoredSink = null;
    }

    /// <summary>A barrier is noted as it arrives (later batches of its edge wait, aligned) and processed in its turn.
    /// True when the batch waits behind it.</summary>
    private bool BehindBarrier(TupleBatch batch)
    {
        if (batch.Barrier > 0)
        {
            if (batch.Barrier > _aligner.Checkpoint) LetWaitingIn(); // the checkpoint under way was abandoned
            _aligner.Arrived(batch.Barrier, batch.Edge, batch.Seq);
        }
        else if (_aligner.Blocks(batch.Edge, batch.Seq))
        {
            _behindBarrier.Add((batch, Sender));
            return true;
        }
        return false;
    }

    /// <summary>The job master triggers every task; one whose inputs all ended takes part now (no barrier will come).</summary>
    private void OnTrigger(TriggerCheckpoint trigger)
    {
        if (!_inbound.AllEnded || _output is null || _phase is Phase.Completed or Phase.Failed) return;
        if (trigger.Id > _aligner.Checkpoint) LetWaitingIn();
        _aligner.Begin(trigger.Id);
        CheckpointIfReached();
    }

    /// <summary>Once every input passed the barrier: snapshot, forward the barrier, acknowledge, let the waiting batches in.</summary>
    private void CheckpointIfReached()
    {
        if (!_aligner.Enabled || !_aligner.Reached(_inbound)) return;
        // Inputs that ended (or were ended by a Retire) may still have batches queued here: they belong before the snapshot.
        if (_inbound.AllEnded && _queue.Count > 0) return;
        var id = _aligner.Complete();
        // Only the key groups the task owns: a group it handed over in a rescale may linger here until released.
        var groups = Stateful?.Snapshot(_own?.Groups) ?? NoGroups;
        SinkStaged? staged = null;
        switch (_output)
        {
            case EdgeOutput edges:
                edges.Barrier(id);
                break;
            case SinkOutput sink when _spec.Checkpoints == CheckpointMode.Aligned:
                staged = sink.Barrier(id);
                break;
        }
        AcknowledgeCheckpoint(id, new TaskCheckpoint(0, groups, staged, _meter.TuplesIn, _meter.TuplesOut));
        LetWaitingIn();
    }

    private void LetWaitingIn()
    {
        foreach (var waiting in _behindBarrier) _queue.Enqueue(waiting);
        _behindBarrier.Clear();
    }

    private void OnCommit(CommitCheckpoint commit)
    {
        if (_output is not SinkOutput sink) return;
        sink.Commit(commit.Id);
        Work();
    }

    protected override void CheckpointFailed(string reason) => Fail(new HyDfsSinkException(reason));
}
