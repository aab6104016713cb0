using RainStorm.Actors.Runtime.Scaling;
using static RainStorm.Actors.Tests.Runtime.Scaling.StageSimulation;

namespace RainStorm.Actors.Tests.Runtime.Scaling;

public sealed class ScalingPolicyTests
{
    private const double Low = 100, High = 500;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void A_stage_at_three_times_high_wm_is_inside_the_band_after_at_most_two_decisions(int width)
    {
        var stage = new StageSimulation(Policy(Low, High), width, _ => 3 * High * width).Run(60);

        Assert.InRange(stage.Decisions.Count, 1, 2);
        Assert.InRange(stage.PerTask, Low, High);
        Assert.All(stage.Decisions, d => Assert.True(d.Grows));
        Assert.True(stage.Decisions[0].To >= width * 3, "it jumps, not +1: " + stage.Decisions[0]);
    }

    [Fact]
    public void A_tripled_input_rate_is_back_inside_the_band_after_at_most_two_decisions()
    {
        var stage = new StageSimulation(Policy(Low, High), 3, t => t < 30 ? 900 : 2700).Run(30);
        Assert.Empty(stage.Decisions);

        stage.Run(60);

        Assert.InRange(stage.Decisions.Count, 1, 2);
        Assert.InRange(stage.PerTask, Low, High);
    }

    [Fact]
    public void The_first_decision_comes_one_window_after_the_first_report()
    {
        var stage = new StageSimulation(Policy(Low, High), 1, _ => 1500).Run(10);

        Assert.Equal(Start + TimeSpan.FromSeconds(3), stage.Decisions[0].At);
        Assert.Equal(5, stage.Decisions[0].To);
    }

    [Fact]
    public void A_steady_rate_inside_the_band_makes_no_decision_in_60_seconds_even_with_noise()
    {
        var stage = new StageSimulation(Policy(Low, High), 4, _ => 4 * 300) { Noise = 0.3 }.Run(60);

        Assert.Empty(stage.Decisions);
    }

    [Fact]
    public void A_sustained_rate_below_low_wm_shrinks_into_the_band_after_the_scale_down_window()
    {
        var stage = new StageSimulation(Policy(Low, High), 8, t => t <= 20 ? 8 * 300 : 8 * 40).Run(20);
        Assert.Empty(stage.Decisions);

        stage.Run(40);

        var decision = Assert.Single(stage.Decisions);
        Assert.Equal(2, decision.To); // 320 tuples/s: ceil(320 / 300)
        Assert.InRange(stage.PerTask, Low, High);
        Assert.True(decision.At - (Start + TimeSpan.FromSeconds(20)) >= new ScalingSettings().ScaleDownWindow, decision.At.ToString());
        Assert.StartsWith("40 tuples/s per task < low_wm 100 for ", decision.Reason);
    }

    [Fact]
    public void Dips_below_low_wm_shorter_than_the_scale_down_window_do_not_shrink()
    {
        var stage = new StageSimulation(Policy(Low, High), 4, t => t % 8 < 4 ? 4 * 40 : 4 * 300).Run(60);

        Assert.Empty(stage.Decisions);
    }

    [Fact]
    public void An_idle_stage_shrinks_to_one_task_and_never_below()
    {
        var stage = new StageSimulation(Policy(Low, High), 6, _ => 0).Run(120);

        var decision = Assert.Single(stage.Decisions);
        Assert.Equal(1, decision.To);
        Assert.Equal(1, stage.Width);
    }

    [Fact]
    public void A_stage_never_grows_past_the_workers_capacity_and_says_so()
    {
        var stage = new StageSimulation(Policy(Low, High), 2, _ => 100_000) { Capacity = 6 }.Run(60);

        var decision = Assert.Single(stage.Decisions);
        Assert.Equal(6, decision.To);
        Assert.EndsWith("; capped at 6 (the workers' free slots)", decision.Reason);
    }

    [Fact]
    public void A_stage_never_grows_past_max_tasks_per_stage_and_at_the_bound_makes_no_decision()
    {
        var stage = new StageSimulation(Policy(Low, High, new ScalingSettings { MaxTasksPerStage = 4 }), 1, _ => 100_000) { Capacity = 10 }.Run(60);

        var decision = Assert.Single(stage.Decisions);
        Assert.Equal(4, decision.To);
        Assert.EndsWith("; capped at 4 (rainstorm.scaling.max-tasks-per-stage)", decision.Reason);
    }

    [Fact]
    public void After_a_rescale_the_stage_cools_down_before_the_next_decision()
    {
        var policy = Policy(Low, High);
        var first = Feed(policy, 1, 1500, from: 1, to: 3);
        Assert.Equal(5, first!.To);

        policy.Rescaled(2, At(3.5));
        // 5 tasks now, and the rate doubled: still no decision until 5 s of cool-down and a 2 s window have passed.
        for (var t = 4; t <= 10; t++) Assert.Null(policy.Observe(Sample(5, 6000), At(t)));
        var second = policy.Observe(Sample(5, 6000), At(11));

        Assert.NotNull(second);
        Assert.Equal(20, second.To);
    }

    [Fact]
    public void A_decided_rescale_that_has_not_happened_yet_is_not_decided_again()
    {
        var policy = Policy(Low, High);
        Assert.NotNull(Feed(policy, 1, 1500, from: 1, to: 3));

        for (var t = 4; t <= 30; t++) Assert.Null(policy.Observe(Sample(1, 1500), At(t)));

        // The width changed without Rescaled being called: the stage cools down from the first sample that shows it.
        for (var t = 31; t <= 37; t++) Assert.Null(policy.Observe(Sample(5, 6000), At(t)));
        Assert.Equal(20, policy.Observe(Sample(5, 6000), At(38))?.To);
    }

    [Theory]
    [InlineData(4, High, 0.97)]
    [InlineData(4, High, 1.03)]
    [InlineData(10, Low, 0.97)]
    [InlineData(10, Low, 1.03)]
    public void A_noisy_rate_at_a_band_edge_rescales_at_most_once_and_never_back(int width, double edge, double factor)
    {
        var stage = new StageSimulation(Policy(Low, High), width, _ => width * edge * factor) { Noise = 0.08 }.Run(180);

        Assert.InRange(stage.Decisions.Count, 0, 1);
        Assert.InRange(stage.PerTask, Low * 0.97, High); // inside the band, or where it started just below low_wm
    }

    [Fact]
    public void A_band_too_narrow_for_the_rate_settles_below_it_instead_of_flapping()
    {
        // 1,100 tuples/s with a 400..500 band: 2 tasks get 550 (above), 3 get 367 (below); no width is inside.
        var stage = new StageSimulation(Policy(400, 500), 2, _ => 1100) { Noise = 0.02 }.Run(300);

        var decision = Assert.Single(stage.Decisions);
        Assert.Equal(3, decision.To);
        Assert.EndsWith("; no width puts it inside 400..500", decision.Reason);
    }

    [Fact]
    public void A_saturated_stage_grows_on_busy_fraction_although_its_processed_rate_is_flat()
    {
        // Each task processes at most 200 tuples/s and 2,000 are offered: the processed rate it reports is flat at
        // 200 per task, but every task is busy all the time.
        var stage = new StageSimulation(Policy(0.2, 0.8), 1, _ => 2000) { TaskCapacity = 200, ReportProcessedRate = true }.Run(120);

        Assert.NotEmpty(stage.Decisions);
        Assert.All(stage.Decisions, d => Assert.True(d.Grows, d.ToString()));
        Assert.InRange(stage.Busy, 0.2, 0.8);
        Assert.StartsWith("busy 1.00 per task > high_wm 0.8", stage.Decisions[0].Reason);
    }

    [Fact]
    public void A_saturated_stage_grows_even_when_high_wm_is_1()
    {
        var stage = new StageSimulation(Policy(0.5, 1), 2, _ => 1000) { TaskCapacity = 100, ReportProcessedRate = true }.Run(120);

        Assert.NotEmpty(stage.Decisions);
        Assert.InRange(stage.Busy, 0.5, ScalingPolicy.SaturatedBusy);
    }

    [Fact]
    public void Busy_fraction_width_is_ceil_of_width_times_busy_over_the_band_middle()
    {
        var policy = Policy(0.2, 0.8);
        ScalingDecision? decision = null;
        for (var t = 1; t <= 3; t++) decision = policy.Observe(new StageSample(1, "Filter", 2, 0, 0.9, 100, false), At(t));

        Assert.NotNull(decision);
        Assert.Equal(4, decision.To); // ceil(2 * 0.9 / 0.5)
        Assert.Equal(0.9, decision.PerTaskRate, 6);
    }

    [Fact]
    public void No_stage_shrinks_during_the_startup_grace()
    {
        var stage = new StageSimulation(Policy(Low, High, new ScalingSettings { StartupGrace = TimeSpan.FromSeconds(30) }), 8, _ => 80).Run(39);
        Assert.Empty(stage.Decisions);

        stage.Run(10);

        var decision = Assert.Single(stage.Decisions);
        Assert.True(decision.At >= Start + TimeSpan.FromSeconds(40), "the scale-down window counts from the end of the grace: " + decision.At);
    }

    [Fact]
    public void A_draining_stage_never_shrinks_but_may_still_grow()
    {
        var idle = new StageSimulation(Policy(Low, High), 8, _ => 10) { Draining = _ => true }.Run(120);
        Assert.Empty(idle.Decisions);

        var busy = new StageSimulation(Policy(Low, High), 1, _ => 1500) { Draining = _ => true }.Run(10);
        Assert.Single(busy.Decisions);
    }

    [Fact]
    public void Stages_are_observed_separately()
    {
        var policy = Policy(Low, High);
        ScalingDecision? hot = null, calm = null;
        for (var t = 1; t <= 3; t++)
        {
            hot = policy.Observe(new StageSample(1, "Filter", 1, 1500, 0, 100, false), At(t)) ?? hot;
            calm = policy.Observe(new StageSample(2, "Transform", 2, 600, 0, 100, false), At(t)) ?? calm;
        }

        Assert.Equal(1, hot?.Stage);
        Assert.Null(calm);
    }

    [Fact]
    public void The_reason_and_the_leader_s_log_line_read_as_the_issue_shows()
    {
        var policy = Policy(Low, High);
        var decision = Feed(policy, 2, 2840, from: 1, to: 3);

        Assert.Equal("1,420 tuples/s per task > high_wm 500", decision!.Reason);
        Assert.Equal("Job job-3: stage 2 (AggregateByKey) 2 -> 10 tasks: 1,420 tuples/s per task > high_wm 500", decision.LogLine("job-3"));
        Assert.Equal(1420, decision.PerTaskRate, 6);
        Assert.Equal("Job job-1: stage 1 (Filter) 4 -> 1 task: idle", new ScalingDecision(1, "Filter", 4, 1, 0, "idle", Start).LogLine("job-1"));
    }

    [Fact]
    public void Watermarks_from_0_2_and_0_8_are_busy_fractions_and_from_100_and_500_tuples_per_second()
    {
        Assert.Equal(new Watermarks(0.2, 0.8, WatermarkUnit.BusyFraction), Watermarks.From(0.2, 0.8));
        Assert.Equal(new Watermarks(100, 500, WatermarkUnit.TuplesPerSecond), Watermarks.From(100, 500));
        Assert.Equal(WatermarkUnit.TuplesPerSecond, Watermarks.From(0, 0.8).Unit);
        Assert.Equal(300, Watermarks.From(100, 500).Target);
    }

    private static ScalingDecision? Feed(ScalingPolicy policy, int width, double offered, int from, int to)
    {
        ScalingDecision? decision = null;
        for (var t = from; t <= to; t++)
        {
            Assert.Null(decision);
            decision = policy.Observe(Sample(width, offered), At(t));
        }
        return decision;
    }

    private static StageSample Sample(int width, double offered) => new(2, "AggregateByKey", width, offered, 0.5, 100, false);

    private static DateTimeOffset At(double seconds) => Start + TimeSpan.FromSeconds(seconds);
}
