using Akka.Actor;

namespace RainStorm.Actors.Commands.Execution;

/// <summary>The <c>rainstorm.command</c> section of the HOCON.</summary>
/// <param name="AskTimeout">One attempt to reach the leader (or another actor).</param>
/// <param name="LeaderWait">How long a leader-bound command without <c>--timeout</c> keeps retrying while no leader
/// answers (the leader's node died and another node is taking over).</param>
public sealed record CommandSettings(TimeSpan AskTimeout, int ChunkBytes, TimeSpan LeaderWait)
{
    public static CommandSettings Create(ActorSystem system)
    {
        var config = system.Settings.Config.GetConfig("rainstorm.command");
        return new CommandSettings(
            config?.GetTimeSpan("ask-timeout", TimeSpan.FromSeconds(10)) ?? TimeSpan.FromSeconds(10),
            (int)(config?.GetByteSize("chunk-size", 256 * 1024) ?? 256 * 1024),
            config?.GetTimeSpan("leader-wait", TimeSpan.FromSeconds(60)) ?? TimeSpan.FromSeconds(60));
    }
}
