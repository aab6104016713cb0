using Akka.Actor;
using RainStorm.Actors.Runtime.Protocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Where a held task is in answering its hold.</summary>
public enum HoldStep
{
    /// <summary>Waiting until everything it sent is acknowledged.</summary>
    Emptying,
    /// <summary>exactly_once: its journal is saving a snapshot of that point.</summary>
    Fencing,
    /// <summary><see cref="RescaleProtocol.Held"/> went to the master.</summary>
    Answered,
}

/// <summary>A task held for a rescale by <see cref="Master"/>: it answers <see cref="RescaleProtocol.Held"/> once,
/// as soon as its output is empty (everything it sent acknowledged) and, exactly_once, that point is journaled.</summary>
public sealed class HoldState(IActorRef master, int rescale)
{
    public IActorRef Master { get; } = master;
    public int Rescale { get; } = rescale;
    public HoldStep Step { get; set; } = HoldStep.Emptying;

    public void Answer(TaskId task)
    {
        if (Step == HoldStep.Answered) return;
        Step = HoldStep.Answered;
        Master.Tell(new RescaleProtocol.Held(task, Rescale));
    }

    /// <summary>The hold ended (new routing) before it was answered: it is never answered.</summary>
    public void Cancel() => Step = HoldStep.Answered;
}
