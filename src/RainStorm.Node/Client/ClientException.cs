namespace RainStorm.Node.Client;

/// <summary>The client cannot talk to the host (not listening, no answer, connection lost): one line for the user.</summary>
public sealed class ClientException(string message) : Exception(message);
