namespace RainStorm.Operators.Jobs;

/// <summary>A job line that is not valid: the message is one sentence naming the field, its value and what was expected.</summary>
public sealed class JobCommandException(string message) : Exception(message);
