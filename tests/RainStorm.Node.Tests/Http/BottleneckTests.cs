using RainStorm.Node.Http.History;

namespace RainStorm.Node.Tests.Http;

public sealed class BottleneckTests
{
    private static StageLoad Stage(int stage, double busy, double backpressured = 0, string level = "OK") =>
        new(stage, $"op{stage}", busy, backpressured, level);

    [Fact]
    public void The_busiest_stage_that_is_not_backpressured_limits_the_job()
    {
        // The source and stage 1 are busier but wait for stage 2 (backpressured): stage 2 is the bottleneck.
        var stages = new[] { Stage(0, 0.95, 0.8, "HIGH"), Stage(1, 0.9, 0.6, "LOW"), Stage(2, 0.7) };
        Assert.Equal(2, Bottleneck.Find(stages)!.Stage);
        Assert.Equal("Bottleneck: stage 2 (op2), busy 70%, not backpressured.", Bottleneck.Describe(stages));
    }

    [Fact]
    public void A_high_backpressure_level_excludes_a_stage_even_with_a_low_share()
    {
        var stages = new[] { Stage(0, 0.9, 0.1, "HIGH"), Stage(1, 0.4) };
        Assert.Equal(1, Bottleneck.Find(stages)!.Stage);
    }

    [Fact]
    public void Idle_stages_are_no_bottleneck()
    {
        var stages = new[] { Stage(0, 0.01), Stage(1, 0.02) };
        Assert.Null(Bottleneck.Find(stages));
        Assert.StartsWith("Bottleneck: none, every stage is idle", Bottleneck.Describe(stages));
        Assert.StartsWith("Bottleneck: not known yet", Bottleneck.Describe([]));
    }

    [Fact]
    public void When_every_busy_stage_is_backpressured_none_is_named()
    {
        var stages = new[] { Stage(0, 0.9, 0.9), Stage(1, 0.8, 0.7) };
        Assert.Null(Bottleneck.Find(stages));
        Assert.Equal("Bottleneck: none found, every busy stage is backpressured.", Bottleneck.Describe(stages));
    }
}
