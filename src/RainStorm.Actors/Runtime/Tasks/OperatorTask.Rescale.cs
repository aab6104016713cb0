using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The rescale side of <see cref="OperatorTask"/>: hold, retire, new upstream edges, key group handoff.</summary>
public sealed partial class OperatorTask
{
    private void ReceiveRescale()
    {
        Receive<RescaleProtocol.Hold>(hold =>
        {
            _hold = HoldState.Start(_output as EdgeOutput, hold, Sender, _durability is not null);
            Work();
        });
        Receive<RescaleProtocol.Retire>(_ =>
        {
            _log.Info("Task {0} leaves its stage (rescale): finishing", _spec.Id);
            _inbound.EndAll();
            Work();
        });
        Receive<RescaleProtocol.ExpectUpstream>(expect =>
        {
            var master = Sender;
            var forgotten = _inbound.Forget((expect.Forget ?? []).Select(InboundEdge));
            _inbound.Expect(expect.UpstreamTasks.Select(InboundEdge));
            var answer = new RescaleProtocol.UpstreamExpected(_spec.Id, expect.Rescale);
            if (_durability is null || forgotten.Count == 0) master.Tell(answer);
            else _durability.Append(new EdgesForgotten(forgotten.ToArray()), () => master.Tell(answer));
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

    /// <summary>Runs <paramref name="then"/> now, or (exactly_once) once the rounds under way are in the journal.</summary>
    private void WhenSettled(Action then)
    {
        if (_durability is { InFlight: > 0 }) _durability.AfterAppends(() => WhenSettled(then));
        else then();
    }

    /// <summary>A held task answers once its output is empty (everything it sent acknowledged) and, exactly_once, its
    /// journal holds a snapshot of that point (no replay will resend a batch from before the rescale).</summary>
    private void AnswerHold()
    {
        var hold = _hold!;
        if (hold.Step != HoldStep.Emptying || !hold.Settled(_output as EdgeOutput) || _durability is { InFlight: > 0 }) return;
        hold.Step = HoldStep.Fencing;
        Fenced(() => hold.Answer(_spec.Id));
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
}
