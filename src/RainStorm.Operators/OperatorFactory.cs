using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using RainStorm.Operators.UserOperators;

namespace RainStorm.Operators;

/// <summary>Creates a stage's operator: a built-in by its exact (case-sensitive) name, otherwise a user operator
/// from the operator directory.</summary>
public static class OperatorFactory
{
    public static readonly IReadOnlyList<string> BuiltIns = ["Filter", "Transform", "AggregateByKey"];

    public static bool IsBuiltIn(string op) => BuiltIns.Contains(op, StringComparer.Ordinal);

    /// <summary>The built-in's own name for the original RainStorm's <c>Count</c>; every other name as given.</summary>
    public static string Canonical(string op) => op == "Count" ? "AggregateByKey" : op;

    /// <summary>Throws <see cref="OperatorException"/> (one sentence) for a bad built-in argument or an unknown or unsafe
    /// user operator name.</summary>
    public static IOperator Create(StageSpec stage, string operatorDirectory, TimeSpan? userOperatorTimeout = null) => stage.Op switch
    {
        "Filter" => new Filter(stage.Arg),
        "Transform" => new Transform(stage.Arg),
        "AggregateByKey" => new AggregateByKey(ParseColumn(stage.Arg)),
        _ => new UserOperator(stage.Op, stage.Arg, operatorDirectory, userOperatorTimeout),
    };

    /// <summary>How the stream into a stage is partitioned, without creating its operator (an upstream task routes by
    /// this): AggregateByKey by its column's value, every other operator by the tuple's key.</summary>
    public static Func<StreamTuple, string> PartitionKeyOf(StageSpec stage)
    {
        if (stage.Op != "AggregateByKey") return static tuple => tuple.Key;
        var aggregate = new AggregateByKey(ParseColumn(stage.Arg));
        return tuple => aggregate.PartitionKey(tuple);
    }

    /// <summary>A 0-based column number as AggregateByKey takes it, or null when the text is not one.</summary>
    public static int? TryParseColumn(string arg) =>
        arg.Length is > 0 and <= 4 && arg.All(char.IsAsciiDigit) ? int.Parse(arg) : null;

    private static int ParseColumn(string arg) => TryParseColumn(arg)
        ?? throw new OperatorException($"AggregateByKey column is '{OperatorDirectory.Printable(arg)}'; expected a 0-based column number from 0 to {ColumnSpec.MaxColumn}.");
}
