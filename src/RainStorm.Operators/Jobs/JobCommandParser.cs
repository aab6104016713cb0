using System.Globalization;
using RainStorm.Operators.UserOperators;

namespace RainStorm.Operators.Jobs;

/// <summary>
/// Parses and validates a job line (DESIGN §2):
/// <c>RainStorm &lt;Nstages&gt; &lt;Ntasks_per_stage&gt; &lt;op1&gt; &lt;op1_arg&gt; … &lt;hydfs_src&gt; &lt;hydfs_dest&gt;
/// &lt;exactly_once&gt; &lt;autoscale&gt; &lt;input_rate&gt; &lt;low_wm&gt; &lt;high_wm&gt;</c>.
/// The first problem found is a <see cref="JobCommandException"/> with one sentence naming the field, its value
/// and what was expected. Whether a user operator exists is checked later, by whoever creates it.
/// </summary>
public static class JobCommandParser
{
    public const int MaxStages = 16;
    public const int MaxTasksPerStage = 64;
    public const double MaxRate = 1e9;
    public const string Syntax = "RainStorm <Nstages> <Ntasks_per_stage> <op1> <op1_arg> ... <opN> <opN_arg> <hydfs_src> <hydfs_dest> <exactly_once> <autoscale> <input_rate> <low_wm> <high_wm>";

    private const int TrailingFields = 7;

    public static JobPlan Parse(string commandLine)
    {
        IReadOnlyList<string> tokens;
        try
        {
            tokens = ShellTokens.Split(commandLine);
        }
        catch (FormatException e)
        {
            throw new JobCommandException(e.Message);
        }
        if (tokens.Count == 0) throw Error($"The job line is empty; expected '{Syntax}'.");
        if (!tokens[0].Equals("RainStorm", StringComparison.OrdinalIgnoreCase) && tokens[0] != "submit")
            throw Error($"The command word is '{Show(tokens[0])}'; expected 'RainStorm' followed by the job fields.");

        var stages = PositiveInt(tokens, 1, "Nstages", MaxStages);
        var tasks = PositiveInt(tokens, 2, "Ntasks_per_stage", MaxTasksPerStage);
        var expected = 3 + 2 * stages + TrailingFields;
        if (tokens.Count != expected)
            throw Error($"The job line has {tokens.Count} words but Nstages {stages} needs {expected} ('RainStorm', Nstages, Ntasks_per_stage, {stages} op/arg pair{(stages == 1 ? "" : "s")}, then hydfs_src hydfs_dest exactly_once autoscale input_rate low_wm high_wm); expected '{Syntax}'.");

        var specs = new List<StageSpec>(stages);
        for (var s = 0; s < stages; s++) specs.Add(Stage(s + 1, tokens[3 + 2 * s], tokens[4 + 2 * s]));

        var at = 3 + 2 * stages;
        var source = HydfsName("hydfs_src", tokens[at]);
        var destination = HydfsName("hydfs_dest", tokens[at + 1]);
        if (destination == source)
            throw Error($"hydfs_dest is '{Show(destination)}', the same file as hydfs_src; expected a different file for the output.");
        var exactlyOnce = Boolean("exactly_once", tokens[at + 2]);
        var autoscale = Boolean("autoscale", tokens[at + 3]);
        var inputRate = Rate("input_rate", tokens[at + 4], "tuples per second for the whole source, 0 for as fast as possible");
        const string watermarkUnit = "tuples per second per task, or a busy fraction when 0 < low_wm < high_wm <= 1";
        var low = Rate("low_wm", tokens[at + 5], watermarkUnit);
        var high = Rate("high_wm", tokens[at + 6], watermarkUnit);
        if (autoscale && WatermarkRules.Problem(low, high) is { } watermarkProblem) throw Error(watermarkProblem);

        return new JobPlan(specs, tasks, source, destination, exactlyOnce, autoscale, inputRate, low, high);
    }

    private static StageSpec Stage(int number, string op, string arg)
    {
        if (OperatorDirectory.NameProblem(op) is { } problem)
            throw Error($"op{number} is '{Show(op)}', which is not a valid operator name because {problem}; expected Filter, Transform, AggregateByKey or the file name of a user operator.");
        var field = $"op{number}_arg";
        if (arg.Any(char.IsControl))
            throw Error($"{field} is '{Show(arg)}', which contains a control character; expected printable text.");
        if (arg.Length > 1024)
            throw Error($"{field} is {arg.Length} characters long; expected at most 1024.");
        op = OperatorFactory.Canonical(op);
        switch (op)
        {
            case "Filter" when arg.Length == 0:
                throw Error($"{field} is empty; expected a non-empty pattern for Filter.");
            case "AggregateByKey" when OperatorFactory.TryParseColumn(arg) is null:
                throw Error($"{field} is '{Show(arg)}'; expected a 0-based column number from 0 to 9999 for AggregateByKey.");
        }
        return new StageSpec(op, arg);
    }

    private static int PositiveInt(IReadOnlyList<string> tokens, int index, string field, int max)
    {
        if (index >= tokens.Count)
            throw Error($"{field} is missing; expected a positive integer from 1 to {max} (syntax: '{Syntax}').");
        var text = tokens[index];
        if (text.Length == 0 || text.Length > 9 || !text.All(char.IsAsciiDigit) || int.Parse(text, CultureInfo.InvariantCulture) is var value && (value < 1 || value > max))
            throw Error($"{field} is '{Show(text)}'; expected a positive integer from 1 to {max}.");
        return value;
    }

    private static string HydfsName(string field, string name) =>
        HydfsNames.Problem(name) is { } expected
            ? throw Error($"{field} is '{Show(name)}'; expected a HyDFS file name that is {expected}.")
            : name;

    private static bool Boolean(string field, string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Error($"{field} is '{Show(text)}'; expected true, false, 1 or 0."),
    };

    private static double Rate(string field, string text, string unit)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < 0 || value > MaxRate)
            throw Error($"{field} is '{Show(text)}'; expected a non-negative number up to {MaxRate:0.#e0} ({unit}).");
        return value;
    }

    private static string Show(string value)
    {
        const int max = 60;
        var printable = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return printable.Length > max ? printable[..max] + "..." : printable;
    }

    private static JobCommandException Error(string sentence) => new(sentence);
}
