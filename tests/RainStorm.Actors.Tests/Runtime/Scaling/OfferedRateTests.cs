using RainStorm.Actors.Runtime.Scaling;
using static RainStorm.Actors.Runtime.Scaling.OfferedRate;

namespace RainStorm.Actors.Tests.Runtime.Scaling;

public sealed class OfferedRateTests
{
    [Fact]
    public void A_stage_that_keeps_up_is_offered_what_reaches_it_plus_its_backlog_growth()
    {
        var offered = PerStage(0, [new StageFlow(Routed: 900, BacklogGrowth: 100, InPerSecond: 900, OutPerSecond: 450)]);
        Assert.Equal([1000.0], offered);
    }

    [Fact]
    public void A_saturated_stage_holding_a_paced_source_back_is_still_offered_the_pace()
    {
        // The source wants 600/s; the stage manages 200/s, so that is all the source sends it.
        var offered = PerStage(600, [new StageFlow(Routed: 200, BacklogGrowth: 0, InPerSecond: 200, OutPerSecond: 200)]);
        Assert.Equal([600.0], offered);
    }

    [Fact]
    public void The_demand_is_carried_forward_through_each_stages_selectivity()
    {
        // Stage 1 (a filter passing a quarter) saturated at 200/s of a 600/s pace; stage 2 sees only 50/s of the 150/s
        // it would get if stage 1 kept up.
        var offered = PerStage(600,
        [
            new StageFlow(Routed: 200, BacklogGrowth: 0, InPerSecond: 200, OutPerSecond: 50),
            new StageFlow(Routed: 50, BacklogGrowth: 0, InPerSecond: 50, OutPerSecond: 50),
        ]);
        Assert.Equal([600.0, 150.0], offered);
    }

    [Fact]
    public void An_unpaced_or_finished_source_adds_no_demand_and_a_stage_without_input_passes_none_on()
    {
        var offered = PerStage(0,
        [
            new StageFlow(Routed: 0, BacklogGrowth: -30, InPerSecond: 0, OutPerSecond: 0),
            new StageFlow(Routed: 10, BacklogGrowth: 0, InPerSecond: 10, OutPerSecond: 10),
        ]);
        Assert.Equal([0.0, 10.0], offered);
    }
}
