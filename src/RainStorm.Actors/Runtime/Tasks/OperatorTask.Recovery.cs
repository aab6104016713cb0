using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>exactly_once: <see cref="OperatorTask"/> restoring what its journal replayed before it takes input, and the snapshots that bound that replay.</summary>
public sealed partial class OperatorTask
{
    protected override bool Restore(TaskJournal.Recovered recovered) => Guard(() => RestoreFrom(recovered));

    protected override void JournalStopped() => Fail(new HyDfsSinkException("its journal stopped (an append to HyDFS failed)"));

    private void RestoreFrom(TaskJournal.Recovered recovered)
    {
        _phase = Phase.Starting;
        if (recovered.Snapshot is TaskSnapshot snapshot)
        {
            _restored = snapshot;
            _inbound.Restore(snapshot.Marks);
            if (snapshot.State.Count > 0) Stateful?.Restore(snapshot.State);
            _meter.CountIn((int)Math.Min(int.MaxValue, snapshot.TuplesIn));
            _meter.CountOut((int)Math.Min(int.MaxValue, snapshot.TuplesOut));
        }
        foreach (var record in recovered.Events)
        {
            switch (record)
            {
                case TaskRound round:
                    if (round.Delta is not null) Stateful?.ApplyDelta(round.Delta);
                    foreach (var input in round.Inputs) _inbound.Replay(input.Edge, input.Seq, input.EndOfStream);
                    _meter.CountIn((int)round.TuplesIn);
                    _meter.CountOut(round.Outputs.Length);
                    _replayed.Add(round);
                    break;
                case HoldStarted or HoldReleased:
                    _replayed.Add(record);
                    break;
                case EdgesForgotten forgotten:
                    _inbound.Forget(forgotten.Edges);
                    break;
            }
        }
        if (recovered.Snapshot is null && recovered.Events.Count == 0) return;
        _roundsSinceSnapshot = recovered.Events.Count;
        var tuples = _replayed.OfType<TaskRound>().Sum(r => (long)r.Outputs.Length) + ((recovered.Snapshot as TaskSnapshot)?.Outstanding.Sum(b => (long)b.Tuples.Length) ?? 0);
        _log.Info("Task {0} recovered from its journal in {1} ms: snapshot {2}, {3} events replayed, {4} outputs to resend",
            _spec.Id, (long)recovered.Took.TotalMilliseconds, recovered.Snapshot is null ? "none" : "loaded", recovered.Events.Count, tuples);
        Context.Parent.Tell(new TaskRecovered(_spec.Id, recovered.Events.Count, recovered.Snapshot is not null, tuples, recovered.Took));
    }

    /// <summary>exactly_once: everything the task needs to continue without its older journal events. Only with no
    /// round under way.</summary>
    private void SaveSnapshot(Action? saved = null)
    {
        _roundsSinceSnapshot = 0;
        var sink = Durability is null ? null : _output as SinkOutput;
        var output = _output as EdgeOutput;
        var edges = output?.Edges;
        Durability!.Save(new TaskSnapshot(
            _inbound.Marks().ToArray(),
            Stateful?.Snapshot() ?? new Dictionary<int, byte[]>(),
            edges?.Outstanding().ToArray() ?? [],
            edges?.NextSeqs ?? [],
            edges?.Finishing ?? false,
            sink?.Outstanding() ?? [],
            sink?.Seq ?? 0,
            _meter.TuplesIn, _meter.TuplesOut,
            output?.HeldGroups, output?.KeptAside.ToArray()), saved);
    }

    /// <summary>Runs <paramref name="then"/> once what the task did so far is in its journal as one snapshot (so a
    /// replay never crosses a rescale), at once for an at-least-once task.</summary>
    private void Fenced(Action then)
    {
        if (Durability is null) then();
        else SaveSnapshot(then);
    }
}
