using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Transport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The rescale side of <see cref="OperatorTask"/>: hold, retire, new upstream edges, key group handoff.</summary>
public sealed partial class OperatorTask
{
    private void ReceiveRescale()
    {
        Receive<RescaleProtocol.Hold>(hold =>
        {
            _hold = HoldState.Start(_output as EdgeOutput, hold, Sender);
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
            _inbound.Forget((expect.Forget ?? []).Select(InboundEdge));
            _inbound.Expect(expect.UpstreamTasks.Select(InboundEdge));
            Sender.Tell(new RescaleProtocol.UpstreamExpected(_spec.Id, expect.Rescale));
            Work();
        });
        Receive<RescaleProtocol.HandOff>(handOff =>
        {
            var state = Stateful?.Snapshot(handOff.KeyGroups.ToHashSet()) ?? new Dictionary<int, byte[]>();
            Sender.Tell(new RescaleProtocol.HandedOff(_spec.Id, state, handOff.Rescale));
        });
        Receive<RescaleProtocol.TakeOver>(takeOver =>
        {
            if (takeOver.State.Count > 0 && !Guard(() => Stateful?.Restore(takeOver.State))) return;
            Sender.Tell(new RescaleProtocol.TookOver(_spec.Id, takeOver.Rescale));
        });
        Receive<RescaleProtocol.Release>(release => Stateful?.Remove(release.KeyGroups.ToHashSet()));
    }

    /// <summary>A held task answers once what the hold concerns is acknowledged: its whole output, or what the held
    /// groups' old owners were sent before the hold.</summary>
    private void AnswerHold()
    {
        if (_hold!.Step == HoldStep.Emptying && _hold.Settled(_output as EdgeOutput)) _hold.Answer(_spec.Id);
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
