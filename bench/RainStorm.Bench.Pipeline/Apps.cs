using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;

namespace RainStorm.Bench.Pipeline;

/// <summary>The two benchmark applications, as RainStorm job lines and as operator chains for the baselines.</summary>
public sealed record App(string Name, StageSpec[] Stages)
{
    public static readonly App App1 = new("App 1", [new("Filter", "Punched Telespar"), new("AggregateByKey", "8")]);
    public static readonly App App2 = new("App 2", [new("Filter", "Warning"), new("Transform", "0-2")]);

    public string JobLine(string source, string destination, int tasks, bool exactlyOnce = false) =>
        $"RainStorm {Stages.Length} {tasks} {string.Join(' ', Stages.Select(s => $"\"{s.Op}\" \"{s.Arg}\""))} {source} {destination} {(exactlyOnce ? "true" : "false")} false 0 0 0";

    public IOperator[] CreateOperators() => Stages.Select(s => OperatorFactory.Create(s, ".")).ToArray();

    /// <summary>Runs a batch through the chain; returns the last stage's outputs.</summary>
    public static List<StreamTuple> Run(IOperator[] operators, List<StreamTuple> batch, List<StreamTuple> scratchA, List<StreamTuple> scratchB)
    {
        var input = batch;
        var output = scratchA;
        foreach (var op in operators)
        {
            output.Clear();
            op.Process(input, output);
            input = output;
            output = ReferenceEquals(output, scratchA) ? scratchB : scratchA;
        }
        return input;
    }
}
