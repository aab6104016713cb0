namespace RainStorm.Actors.Commands.Execution;

/// <summary>How a command ended: exit code 0 = success; <see cref="Error"/> is the one-line reason otherwise.</summary>
public sealed record CommandOutcome(int ExitCode, string? Error = null)
{
    public const int Failed = 1;
    public const int BadUsage = 2;
    public const int Cancelled = 130;

    public static CommandOutcome Success { get; } = new(0);
}
