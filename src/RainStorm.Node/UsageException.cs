namespace RainStorm.Node;

/// <summary>A mistake in what the user typed: printed as one line, never as a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
