namespace RainStorm.Operators;

/// <summary>An operator that cannot be created (unknown or unsafe name, bad argument) or that failed while
/// processing (a user operator's non-zero exit, timeout or invalid output). The message is one clear sentence.</summary>
public sealed class OperatorException(string message) : Exception(message);
