namespace RainStorm.Operators.Contract;

/// <summary>A tuple on a stream: source tuples are <c>&lt;file:line, line&gt;</c>; operators choose the key of their outputs.</summary>
public readonly record struct StreamTuple(string Key, string Value);
