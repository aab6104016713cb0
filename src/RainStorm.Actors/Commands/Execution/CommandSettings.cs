using Akka.Actor;

namespace RainStorm.Actors.Commands.Execution;

/// <summary>The <c>rainstorm.command</c> section of the HOCON.</summary>
public sealed record CommandSettings(TimeSpan AskTimeout, int ChunkBytes)
{
    public static CommandSettings Create(ActorSystem system)
    {
        var config = system.Settings.Config.GetConfig("rainstorm.command");
        return new CommandSettings(
            config?.GetTimeSpan("ask-timeout", TimeSpan.FromSeconds(10)) ?? TimeSpan.FromSeconds(10),
            (int)(config?.GetByteSize("chunk-size", 256 * 1024) ?? 256 * 1024));
    }
}
