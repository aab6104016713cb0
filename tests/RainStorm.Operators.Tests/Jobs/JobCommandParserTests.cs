using RainStorm.Operators.Jobs;

namespace RainStorm.Operators.Tests.Jobs;

public sealed class JobCommandParserTests
{
    private const string Syntax = "RainStorm <Nstages> <Ntasks_per_stage> <op1> <op1_arg> ... <opN> <opN_arg> <hydfs_src> <hydfs_dest> <exactly_once> <autoscale> <input_rate> <low_wm> <high_wm>";
    private const string OpNames = "expected Filter, Transform, AggregateByKey or the file name of a user operator.";
    private const string SourceRate = "expected a non-negative number up to 1e9 (tuples per second for the whole source, 0 for as fast as possible).";
    private const string TaskRate = "expected a non-negative number up to 1e9 (tuples per second per task, or a busy fraction when 0 < low_wm < high_wm <= 1).";

    public static TheoryData<string, string> BadLines => new()
    {
        { "", $"The job line is empty; expected '{Syntax}'." },
        { "   \t ", $"The job line is empty; expected '{Syntax}'." },
        { "Storm 1 1 Filter x a b true false 0 0 0", "The command word is 'Storm'; expected 'RainStorm' followed by the job fields." },
        { "RainStorm", $"Nstages is missing; expected a positive integer from 1 to 16 (syntax: '{Syntax}')." },
        { "RainStorm two 1 Filter x a b true false 0 0 0", "Nstages is 'two'; expected a positive integer from 1 to 16." },
        { "RainStorm 0 1 a b true false 0 0 0", "Nstages is '0'; expected a positive integer from 1 to 16." },
        { "RainStorm -1 1 Filter x a b true false 0 0 0", "Nstages is '-1'; expected a positive integer from 1 to 16." },
        { "RainStorm 17 1 Filter x a b true false 0 0 0", "Nstages is '17'; expected a positive integer from 1 to 16." },
        { "RainStorm 1", $"Ntasks_per_stage is missing; expected a positive integer from 1 to 64 (syntax: '{Syntax}')." },
        { "RainStorm 1 0 Filter x a b true false 0 0 0", "Ntasks_per_stage is '0'; expected a positive integer from 1 to 64." },
        { "RainStorm 1 1.5 Filter x a b true false 0 0 0", "Ntasks_per_stage is '1.5'; expected a positive integer from 1 to 64." },
        { "RainStorm 1 65 Filter x a b true false 0 0 0", "Ntasks_per_stage is '65'; expected a positive integer from 1 to 64." },
        { "RainStorm 1 9999999999 Filter x a b true false 0 0 0", "Ntasks_per_stage is '9999999999'; expected a positive integer from 1 to 64." },
        {
            "RainStorm 2 3 Filter \"Punched Telespar\" Traffic_Signs.csv out.txt true false 100000 0 0",
            $"The job line has 12 words but Nstages 2 needs 14 ('RainStorm', Nstages, Ntasks_per_stage, 2 op/arg pairs, then hydfs_src hydfs_dest exactly_once autoscale input_rate low_wm high_wm); expected '{Syntax}'."
        },
        {
            "RainStorm 1 3 Filter Punched Telespar Traffic_Signs.csv out.txt true false 0 0 0",
            $"The job line has 13 words but Nstages 1 needs 12 ('RainStorm', Nstages, Ntasks_per_stage, 1 op/arg pair, then hydfs_src hydfs_dest exactly_once autoscale input_rate low_wm high_wm); expected '{Syntax}'."
        },
        { "RainStorm 1 3 Filter \"Punched Telespar a b true false 0 0 0", "The quote \" at character 22 is never closed; expected a matching \"." },
        { "RainStorm 1 3 Filter 'Punched a b true false 0 0 0", "The quote ' at character 22 is never closed; expected a matching '." },
        { "RainStorm 1 1 ../bin/evil x a b true false 0 0 0", $"op1 is '../bin/evil', which is not a valid operator name because it contains a path separator; {OpNames}" },
        { "RainStorm 1 1 /usr/bin/python3 x a b true false 0 0 0", $"op1 is '/usr/bin/python3', which is not a valid operator name because it contains a path separator; {OpNames}" },
        { "RainStorm 2 1 Filter x .. y a b true false 0 0 0", $"op2 is '..', which is not a valid operator name because it contains '..'; {OpNames}" },
        { "RainStorm 1 1 -rf x a b true false 0 0 0", $"op1 is '-rf', which is not a valid operator name because it starts with '-' or '.'; {OpNames}" },
        { "RainStorm 1 1 \"my op\" x a b true false 0 0 0", $"op1 is 'my op', which is not a valid operator name because it contains white space; {OpNames}" },
        { "RainStorm 1 1 \"\" x a b true false 0 0 0", $"op1 is '', which is not a valid operator name because it is empty; {OpNames}" },
        { "RainStorm 1 1 Filter \"\" a b true false 0 0 0", "op1_arg is empty; expected a non-empty pattern for Filter." },
        { "RainStorm 2 1 Filter x AggregateByKey eight a b true false 0 0 0", "op2_arg is 'eight'; expected a 0-based column number from 0 to 9999 for AggregateByKey." },
        { "RainStorm 2 1 Filter x AggregateByKey -1 a b true false 0 0 0", "op2_arg is '-1'; expected a 0-based column number from 0 to 9999 for AggregateByKey." },
        { "RainStorm 1 1 Filter \"a\tb\" a b true false 0 0 0", "op1_arg is 'a?b', which contains a control character; expected printable text." },
        { $"RainStorm 1 1 Filter {new string('p', 1025)} a b true false 0 0 0", "op1_arg is 1025 characters long; expected at most 1024." },
        { "RainStorm 1 1 Filter x /etc/passwd out true false 0 0 0", "hydfs_src is '/etc/passwd'; expected a HyDFS file name that is relative, not an absolute path." },
        { "RainStorm 1 1 Filter x in ../out.txt true false 0 0 0", "hydfs_dest is '../out.txt'; expected a HyDFS file name that is free of '..'." },
        { "RainStorm 1 1 Filter x in \"\" true false 0 0 0", "hydfs_dest is ''; expected a HyDFS file name that is non-empty." },
        { "RainStorm 1 1 Filter x \"in\u0001\" out true false 0 0 0", "hydfs_src is 'in?'; expected a HyDFS file name that is free of control characters." },
        { "RainStorm 1 1 Filter x in\\\\x out true false 0 0 0", "hydfs_src is 'in\\x'; expected a HyDFS file name that is free of backslashes." },
        { "RainStorm 1 1 Filter x dir//in out true false 0 0 0", "hydfs_src is 'dir//in'; expected a HyDFS file name that is free of empty path segments." },
        { $"RainStorm 1 1 Filter x in {new string('o', 256)} true false 0 0 0", $"hydfs_dest is '{new string('o', 60)}...'; expected a HyDFS file name that is at most 255 characters long." },
        { "RainStorm 1 1 Filter x ./in out true false 0 0 0", "hydfs_src is './in'; expected a HyDFS file name that is free of '.' path segments." },
        { "RainStorm 1 1 Filter x in \"out \" true false 0 0 0", "hydfs_dest is 'out '; expected a HyDFS file name that is free of leading and trailing white space." },
        { "RainStorm 1 1 Filter x same same true false 0 0 0", "hydfs_dest is 'same', the same file as hydfs_src; expected a different file for the output." },
        { "RainStorm 1 1 Filter x a b yes false 0 0 0", "exactly_once is 'yes'; expected true, false, 1 or 0." },
        { "RainStorm 1 1 Filter x a b true 2 0 0 0", "autoscale is '2'; expected true, false, 1 or 0." },
        { "RainStorm 1 1 Filter x a b true false -5 0 0", $"input_rate is '-5'; {SourceRate}" },
        { "RainStorm 1 1 Filter x a b true false fast 0 0", $"input_rate is 'fast'; {SourceRate}" },
        { "RainStorm 1 1 Filter x a b true false NaN 0 0", $"input_rate is 'NaN'; {SourceRate}" },
        { "RainStorm 1 1 Filter x a b true false 2e9 0 0", $"input_rate is '2e9'; {SourceRate}" },
        { "RainStorm 1 1 Filter x a b true false 0 low 0", $"low_wm is 'low'; {TaskRate}" },
        { "RainStorm 1 1 Filter x a b true false 0 0 -1", $"high_wm is '-1'; {TaskRate}" },
        { "RainStorm 1 1 Filter x a b true true 0 500 100", "low_wm is '500' but high_wm is '100'; expected low_wm <= high_wm when autoscale is on." },
        { "RainStorm 1 1 Filter x a b true 1 0 0 0", "high_wm is '0' while autoscale is on; expected a positive number (tuples per second per task, or a busy fraction up to 1)." },
        { "RainStorm 1 1 Filter x a b true true 0 0.8 0.2", "low_wm is '0.8' but high_wm is '0.2'; expected low_wm <= high_wm when autoscale is on." },
        { "RainStorm 1 1 Filter x a b true true 0 0.5 500", MixedUnits("0.5", "500") },
        { "RainStorm 1 1 Filter x a b true true 0 0.25 1.5", MixedUnits("0.25", "1.5") },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void A_bad_job_line_gets_one_sentence_naming_the_field_value_and_expectation(string line, string message)
    {
        var e = Assert.Throws<JobCommandException>(() => JobCommandParser.Parse(line));
        Assert.Equal(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_table_of_bad_lines_has_at_least_25_distinct_cases() =>
        Assert.True(BadLines.Select(row => (string)row[1]).Distinct().Count() >= 25);

    [Fact]
    public void The_design_example_parses_to_its_plan()
    {
        var plan = JobCommandParser.Parse("RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 Traffic_Signs.csv out.txt true false 100000 0 0");
        AssertPlan(new JobPlan([new("Filter", "Punched Telespar"), new("AggregateByKey", "8")], 3, "Traffic_Signs.csv", "out.txt",
            ExactlyOnce: true, Autoscale: false, InputRate: 100000, LowWatermark: 0, HighWatermark: 0), plan);
    }

    [Fact]
    public void Numeric_booleans_decimal_rates_paths_and_autoscale_parse()
    {
        var plan = JobCommandParser.Parse("RainStorm 1 2 Transform 0,3,8 data/in.csv results/out.csv 0 1 2500.5 10 1e3");
        AssertPlan(new JobPlan([new("Transform", "0,3,8")], 2, "data/in.csv", "results/out.csv", false, true, 2500.5, 10, 1000), plan);
    }

    [Fact]
    public void User_operators_single_quotes_and_continued_lines_parse()
    {
        var plan = JobCommandParser.Parse("RainStorm 3 1 Filter 'No Parking' \\\n my_op.py \"--flag \\\"x\\\"\" AggregateByKey 3 \\\n a.csv b.csv TRUE False 0 0 0");
        AssertPlan(new JobPlan([new("Filter", "No Parking"), new("my_op.py", "--flag \"x\""), new("AggregateByKey", "3")], 1, "a.csv", "b.csv",
            true, false, 0, 0, 0), plan);
    }

    [Fact]
    public void Autoscale_off_does_not_constrain_the_watermarks_and_submit_is_an_alias()
    {
        var plan = JobCommandParser.Parse("submit 1 4 Transform anything in out false false 0 900 100");
        AssertPlan(new JobPlan([new("Transform", "anything")], 4, "in", "out", false, false, 0, 900, 100), plan);
    }

    private static string MixedUnits(string low, string high) =>
        $"low_wm is '{low}' (a busy fraction) but high_wm is '{high}' (tuples per second per task); expected both in tuples per second per task, or 0 < low_wm < high_wm <= 1 for busy fractions.";

    [Fact]
    public void The_original_readme_example_with_Count_and_busy_fraction_watermarks_parses()
    {
        var plan = JobCommandParser.Parse("RainStorm 2 3 Filter \"error\" Count \"0\" logs.csv output.txt true true 1000 0.2 0.8");
        AssertPlan(new JobPlan([new("Filter", "error"), new("AggregateByKey", "0")], 3, "logs.csv", "output.txt", true, true, 1000, 0.2, 0.8), plan);
        Assert.True(plan.BusyFractionWatermarks);
    }

    [Fact]
    public void Count_takes_AggregateByKey_s_column_argument_and_its_message()
    {
        var e = Assert.Throws<JobCommandException>(() => JobCommandParser.Parse("RainStorm 1 1 Count name a b false false 0 0 0"));
        Assert.Equal("op1_arg is 'name'; expected a 0-based column number from 0 to 9999 for AggregateByKey.", e.Message);
        Assert.Equal(new StageSpec("AggregateByKey", "7"), JobCommandParser.Parse("RainStorm 1 1 Count 7 a b false false 0 0 0").Stages[0]);
    }

    [Fact]
    public void Only_the_exact_name_Count_is_the_alias_so_other_spellings_stay_user_operators() =>
        Assert.Equal(["count", "Counter"], JobCommandParser.Parse("RainStorm 2 1 count 0 Counter 0 a b false false 0 0 0").Stages.Select(s => s.Op));

    [Theory]
    [InlineData("0.2 0.8", true)]
    [InlineData("0.5 1", true)]
    [InlineData("0.05 0.06", true)]
    [InlineData("100 500", false)]
    [InlineData("1 500", false)]
    [InlineData("0 0.8", false)]
    [InlineData("0 500", false)]
    [InlineData("0.5 0.5", false)]
    public void Watermarks_are_busy_fractions_exactly_when_0_lt_low_lt_high_le_1(string watermarks, bool busyFraction) =>
        Assert.Equal(busyFraction, JobCommandParser.Parse($"RainStorm 1 1 Filter x a b false true 0 {watermarks}").BusyFractionWatermarks);

    [Fact]
    public void Watermark_problems_are_the_autoscaler_s_to_refuse_and_a_job_without_it_keeps_any_pair()
    {
        Assert.False(JobCommandParser.Parse("RainStorm 1 1 Filter x a b false false 0 0.5 500").Autoscale);
        Assert.Null(WatermarkRules.Problem(0.2, 0.8));
        Assert.Null(WatermarkRules.Problem(100, 500));
        Assert.NotNull(WatermarkRules.Problem(0.5, 500));
        Assert.NotNull(WatermarkRules.Problem(600, 500));
    }

    private static void AssertPlan(JobPlan expected, JobPlan actual)
    {
        Assert.Equal(expected.Stages, actual.Stages);
        Assert.Equal(expected, actual with { Stages = expected.Stages });
    }
}
