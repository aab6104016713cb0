using Akka.Actor;
using RainStorm.Actors.Runtime.Protocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Where a held task is in answering its hold.</summary>
public enum HoldStep
{
    /// <summary>Waiting until what the hold concerns is acknowledged.</summary>
    Emptying,
    /// <summary><see cref="RescaleProtocol.Held"/> went to the master.</summary>
    Answered,
}

/// <summary>A task held for a rescale by <see cref="Master"/>: it answers <see cref="RescaleProtocol.Held"/> once,
/// as soon as what the hold concerns is acknowledged (everything it sent, or for a partial hold everything it sent to the
/// old owners of the held key groups).</summary>
public sealed class HoldState(IActorRef master, int rescale, int[]? groups)
{
    public IActorRef Master { get; } = master;
    public int Rescale { get; } = rescale;
    /// <summary>The key groups held back, or null when the whole output is (the task then takes no input).</summary>
    public int[]? Groups { get; } = groups;
    public bool Whole => Groups is null;
    public HoldStep Step { get; private set; } = HoldStep.Emptying;

    /// <summary>What the hold concerns is acknowledged: the whole output is idle, or the held groups' old owners
    /// acknowledged everything sent to them before the hold.</summary>
    public bool Settled(EdgeOutput? output) => output is null || (Whole ? output.Idle : output.HeldGroupsSettled);

    /// <summary>Starts holding <paramref name="output"/> for <paramref name="hold"/> at once: the whole output (sending
    /// what is built) or only the named key groups (when the output routes by key group).</summary>
    public static HoldState Start(EdgeOutput? output, RescaleProtocol.Hold hold, IActorRef master)
    {
        var groups = hold.Groups;
        if (groups is not null && output is not null && !output.TryHoldGroups(groups)) groups = null;
        if (groups is null) output?.FlushAll();
        return new HoldState(master, hold.Rescale, groups);
    }

    public void Answer(TaskId task)
    {
        if (Step == HoldStep.Answered) return;
        Step = HoldStep.Answered;
        Master.Tell(new RescaleProtocol.Held(task, Rescale));
    }

    /// <summary>The hold ended (new routing) before it was answered: it is never answered.</summary>
    public void Cancel() => Step = HoldStep.Answered;
}
