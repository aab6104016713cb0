using Akka.Actor;
using RainStorm.Actors.Runtime.Protocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>A task held for a rescale by <see cref="Master"/>: it answers <see cref="RescaleProtocol.Held"/> once,
/// as soon as its output is empty (everything it sent acknowledged).</summary>
public sealed class HoldState(IActorRef master)
{
    public IActorRef Master { get; } = master;
    public bool Answered { get; private set; }

    public void AnswerOnce(bool outputEmpty, TaskId task)
    {
        if (Answered || !outputEmpty) return;
        Answered = true;
        Master.Tell(new RescaleProtocol.Held(task));
    }
}
