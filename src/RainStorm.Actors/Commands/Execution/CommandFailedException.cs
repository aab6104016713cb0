namespace RainStorm.Actors.Commands.Execution;

/// <summary>A command could not do what was asked: the one-line message goes to the user, no stack trace.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
