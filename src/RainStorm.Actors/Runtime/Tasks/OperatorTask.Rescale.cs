using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The rescale side of <see cref="OperatorTask"/>: hold (and, exactly_once, its journaled start and end), retire, new upstream edges, key group handoff.</summary>
public sealed partial class OperatorTask
{
    private void ReceiveRescale()
    {
        Receive<RescaleProtocol.Hold>(hold =>
        {
            var edges = _output as EdgeOutput;
            if (Durability is not null && hold.Groups is { Length: > 0 } groups && edges is { ByKeyGroup: true })
                HoldGroupsDurably(hold, groups, edges);
            else
                _hold = HoldState.Start(edges, hold, Sender, keepGroupsAside: Durability is null);
            Work();
        });
        Receive<RescaleProtocol.Retire>(_ =>
        {
            _log.Info("Task {0} leaves its stage (rescale): finishing", _spec.Id);
            _inbound.EndAll();
            // Its key groups went to other tasks: what state of them lingers here is in no checkpoint of this task.
            if (_own is { } own) _own = (own.Epoch, []);
            Work();
        });
        Receive<RescaleProtocol.ExpectUpstream>(expect =>
        {
            var master = Sender;
            var forgotten = _inbound.Forget((expect.Forget ?? []).Select(InboundEdge));
            _inbound.Expect(expect.UpstreamTasks.Select(InboundEdge));
            var answer = new RescaleProtocol.UpstreamExpected(_spec.Id, expect.Rescale);
            if (Durability is null || forgotten.Count == 0) master.Tell(answer);
            else Durability.Append(new EdgesForgotten(forgotten.ToArray()), () => master.Tell(answer));
            Work();
        });
        Receive<RescaleProtocol.HandOff>(handOff =>
        {
            var master = Sender;
            var state = Stateful?.Snapshot(handOff.KeyGroups.ToHashSet()) ?? new Dictionary<int, byte[]>();
            WhenSettled(() => Fenced(() => master.Tell(new RescaleProtocol.HandedOff(_spec.Id, state, handOff.Rescale))));
        });
        Receive<RescaleProtocol.TakeOver>(takeOver =>
        {
            var master = Sender;
            if (takeOver.State.Count > 0 && !Guard(() => Stateful?.Restore(takeOver.State))) return;
            WhenSettled(() => Fenced(() => master.Tell(new RescaleProtocol.TookOver(_spec.Id, takeOver.Rescale))));
        });
        Receive<RescaleProtocol.Release>(release => Stateful?.Remove(release.KeyGroups.ToHashSet()));
    }

    /// <summary>exactly_once, partial hold: the held key groups go into the journal first and are kept aside from the
    /// round after it on (rounds under way still go out as they are), so a replay keeps the very same tuples aside.
    /// The rest of the output flows on.</summary>
    private void HoldGroupsDurably(RescaleProtocol.Hold hold, int[] groups, EdgeOutput edges)
    {
        var held = new HoldState(Sender, hold.Rescale, groups, HoldStep.Journaling);
        _hold = held;
        _journaledHold = groups;
        Durability!.Append(new HoldStarted(groups), () =>
        {
            edges.TryHoldGroups(groups);
            if (held.Step == HoldStep.Journaling) held.Step = HoldStep.Emptying;
            Work();
        });
    }

    /// <summary>Runs <paramref name="then"/> now, or (exactly_once) once the rounds under way are in the journal; no
    /// round starts until then.</summary>
    private void WhenSettled(Action then)
    {
        if (Durability is { InFlight: > 0 }) _afterRounds.Add(then);
        else then();
    }

    private void RunAfterRounds()
    {
        if (_afterRounds.Count == 0 || Durability is { InFlight: > 0 }) return;
        var due = _afterRounds.ToList();
        _afterRounds.Clear();
        foreach (var step in due) step();
    }

    /// <summary>A held task answers once what the hold concerns is acknowledged (its whole output, or what the held
    /// groups' old owners were sent before the hold) and, exactly_once, its journal holds a snapshot of that point (no
    /// replay will resend a batch from before the rescale, or cut one by the routing after it).</summary>
    private void AnswerHold()
    {
        var hold = _hold!;
        if (hold.Step != HoldStep.Emptying || !hold.Settled(_output as EdgeOutput)) return;
        // Held whole, a round under way would still add output after the hold: wait for it (none starts meanwhile).
        // Held partly, its output of the held groups is kept aside like any later round's.
        if (hold.Whole && Durability is { InFlight: > 0 }) return;
        hold.Step = HoldStep.Fencing;
        WhenSettled(() => Fenced(() => hold.Answer(_spec.Id)));
    }

    /// <summary>Runs a step that may fail because of the operator or the output; a failure fails the task cleanly.</summary>
    private bool Guard(Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (Exception e) when (_phase is not (Phase.Completed or Phase.Failed))
        {
            Fail(e);
            return false;
        }
    }

    /// <summary>The next stage's tasks moved or were rescaled. exactly_once, after a partial hold: the hold's end is
    /// journaled before what was kept aside goes out, so a replay releases it after the same round.</summary>
    private void Reroute(EdgeOutput edges, StageRouting routing)
    {
        if (Durability is null)
        {
            edges.Reroute(routing);
            return;
        }
        if (_releasing is not null)
        {
            _releasing = routing; // the hold's end, once journaled, applies the latest routing
            return;
        }
        if (_journaledHold is null)
        {
            edges.Reroute(routing);
            edges.Edges.Flush(force: true);
            return;
        }
        _journaledHold = null;
        _releasing = routing;
        Durability.Append(HoldReleased.Instance, () =>
        {
            edges.Reroute(_releasing!);
            _releasing = null;
            edges.Edges.Flush(force: true);
            Work();
        });
    }
}
