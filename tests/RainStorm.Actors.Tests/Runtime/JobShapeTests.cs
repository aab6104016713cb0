using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>What a job master needs to roll a rescale back and a new leader to re-attach to a rescaled job: the stage's
/// shape before, and the journaled widths, tables, generations and epoch.</summary>
public sealed class JobShapeTests
{
    private static JobState Job()
    {
        var job = new JobState("job-7", "line", new JobPlan([new("Filter", "x"), new("AggregateByKey", "0")], 3, "src", "dst", true, false, 0, 0, 0),
            [false, true]);
        job.Place(["a", "b", "c"]);
        return job;
    }

    [Fact]
    public void A_rolled_back_rescale_puts_width_table_and_edge_modes_back_and_keeps_the_epoch()
    {
        var job = Job();
        var before = job.ShapeOf(2);
        var table = Placement.TableInto(job, 2);

        job.Rescaled(2, 5, KeyGroupMover.Rebalance(table, 5));
        Assert.Equal(5, job.Widths[2]);
        Assert.Equal(1, job.Epoch);

        job.Reshape(2, before);

        Assert.Equal(3, job.Widths[2]);
        Assert.Equal(table, Placement.TableInto(job, 2));
        Assert.False(job.Rebalanced[1]);
        Assert.Equal(1, job.Epoch);
    }

    [Fact]
    public void A_leader_taking_over_places_the_journaled_generations_and_continues_the_epoch()
    {
        var table = Enumerable.Range(0, KeyGroups.Count).Select(g => g % 4).ToArray();
        var job = new JobState("job-7", "line", new JobPlan([new("Filter", "x"), new("AggregateByKey", "0")], 3, "src", "dst", true, false, 0, 0, 0),
            [false, true]);

        job.RestoreRescaled([new JobJournal.StageRescaled("job-7", 2, 4, table, [0, 0, 0, 6], 6)]);
        job.PlaceRecovering();

        Assert.Equal(6, job.Epoch);
        Assert.Equal(table, Placement.TableInto(job, 2));
        Assert.Contains(new TaskId("job-7", 2, 3, Generation: 6), job.Tasks.Keys);
        Assert.Contains(new TaskId("job-7", 2, 0), job.Tasks.Keys);
        Assert.Equal([0, 0, 0, 6], job.GenerationsOf(2));
    }
}
