using RainStorm.Actors.Runtime.Protocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The rescale side of <see cref="SourceTask"/>: holds, whole or (exactly_once journaled in line with the
/// rounds) of the moving key groups only, and their answer.</summary>
public sealed partial class SourceTask
{
    /// <summary>exactly_once, partial hold: the held key groups go into the journal in line with the rounds; the rounds
    /// after them keep those groups' tuples aside (a replay re-reads and re-cuts them alike), the rest flows.</summary>
    private void HoldGroupsDurably(RescaleProtocol.Hold hold, int[] groups)
    {
        _hold = new HoldState(Sender, hold.Rescale, groups, HoldStep.Journaling);
        _heldGroups = groups;
        _holdOpenInJournal = true;
        Durability!.Append(new HoldStarted(groups), () =>
        {
            _toSend.Enqueue(HoldStartMark);
            Emit();
        });
    }

    /// <summary>exactly_once: the hold's end goes into the journal in line with the rounds; what was kept aside goes out
    /// by the routing once the rounds before it are sent.</summary>
    private void JournalHoldEnd()
    {
        _holdOpenInJournal = false;
        _holdEndsPending++;
        Durability!.Append(HoldReleased.Instance, () =>
        {
            _toSend.Enqueue(HoldEndMark);
            Emit();
        });
    }

    private void ApplyHoldMark(int mark)
    {
        var output = _output!;
        if (mark == HoldStartMark)
        {
            output.TryHoldGroups(_heldGroups!);
            if (_hold is { Step: HoldStep.Journaling } journaling) journaling.Step = HoldStep.Emptying;
        }
        else
        {
            output.Reroute(_routing!);
            output.Edges.Flush(force: true);
            if (_holdEndsPending > 0) _holdEndsPending--;
        }
        _sent.Enqueue((mark, output.Edges.NextSeqs));
    }

    /// <summary>The output has room; or, with a partial hold's end queued, its edges have credit: what the rounds before
    /// the end keep aside may pass the kept-aside limit (those rounds are decided already, so it stays bounded), else
    /// the end that releases it would wait behind them forever.</summary>
    private bool RoomToSend => _output!.HasRoom || (_output.Edges.HasRoom && _toSend.Contains(HoldEndMark));

    /// <summary>A partial hold waits only for its fence snapshot, which needs no round under way: none is decided.</summary>
    private bool FenceWanted => _hold is { Whole: false, Step: HoldStep.Emptying } hold && hold.Settled(_output);

    /// <summary>A held source answers once everything it sent is acknowledged and, exactly_once, no round is being
    /// journaled and a snapshot of that point is in its journal: a replay never resends a batch cut for the routing
    /// before the rescale.</summary>
    private void AnswerHold()
    {
        var hold = _hold!;
        if (hold.Step != HoldStep.Emptying || !hold.Settled(_output) || Durability is { InFlight: > 0 }) return;
        if (Durability is null)
        {
            hold.Answer(_spec.Id);
            return;
        }
        hold.Step = HoldStep.Fencing;
        SaveSnapshot(() => hold.Answer(_spec.Id));
    }
}
