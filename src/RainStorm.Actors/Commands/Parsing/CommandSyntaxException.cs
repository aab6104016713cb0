namespace RainStorm.Actors.Commands.Parsing;

/// <summary>What the user typed does not fit the command: one line naming the problem (and the usage).</summary>
public sealed class CommandSyntaxException(string message) : Exception(message);
