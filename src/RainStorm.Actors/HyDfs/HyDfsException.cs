namespace RainStorm.Actors.HyDfs;

/// <summary>A HyDFS operation failed for a reason the user can act on; the message is one line.</summary>
public sealed class HyDfsException(string message) : Exception(message);
