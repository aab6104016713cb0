using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>exactly_once: <see cref="SourceTask"/> restoring its progress from what its journal replayed: lines to skip,
/// rounds (and hold marks) to send again.</summary>
public sealed partial class SourceTask
{
    protected override void JournalStopped() => Fail("its journal stopped (an append to HyDFS failed)");

    protected override bool Restore(TaskJournal.Recovered recovered)
    {
        _phase = Phase.Starting;
        if (recovered.Snapshot is SourceSnapshot snapshot)
        {
            _skip = _ackedTuples = snapshot.SkipTuples;
            _ackedSeqs = snapshot.NextSeqs;
            _heldGroups = snapshot.HeldGroups;
            foreach (var count in snapshot.PendingRounds) Replay(count);
        }
        foreach (var record in recovered.Events)
        {
            switch (record)
            {
                case SourceRound round:
                    Replay(round.Count);
                    break;
                case HoldStarted started:
                    _heldGroups = started.Groups;
                    Replay(HoldStartMark);
                    break;
                case HoldReleased:
                    Replay(HoldEndMark);
                    break;
            }
        }
        if (recovered.Snapshot is null && recovered.Events.Count == 0) return true;
        _meter.CountIn((int)_skip);
        _meter.CountOut((int)_skip);
        _roundsSinceSnapshot = recovered.Events.Count;
        var tuples = _toSend.Where(c => c > 0).Sum(c => (long)c);
        _log.Info("Task {0} recovered from its journal in {1} ms: {2} lines acknowledged, {3} events replayed, {4} lines to resend",
            _spec.Id, (long)recovered.Took.TotalMilliseconds, _skip, recovered.Events.Count, tuples);
        Context.Parent.Tell(new TaskRecovered(_spec.Id, recovered.Events.Count, recovered.Snapshot is not null, tuples, recovered.Took));
        return true;
    }

    private void Replay(int roundOrMark)
    {
        _toSend.Enqueue(roundOrMark);
        if (roundOrMark == HoldStartMark) _holdOpenInJournal = true;
        if (roundOrMark != HoldEndMark) return;
        _holdOpenInJournal = false;
        _holdEndsPending++;
    }
}
