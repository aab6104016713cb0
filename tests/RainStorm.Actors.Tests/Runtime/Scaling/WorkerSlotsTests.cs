using RainStorm.Actors.Runtime.Scaling;

namespace RainStorm.Actors.Tests.Runtime.Scaling;

public sealed class WorkerSlotsTests
{
    [Fact]
    public void A_stage_may_grow_by_every_workers_free_slots()
    {
        // 8 slots each: 3 + 5 + 8 free.
        Assert.Equal(4 + 16, WorkerSlots.WidestStage(4, [5, 3, 0], slotsPerWorker: 8));
    }

    [Fact]
    public void A_worker_over_its_slots_adds_nothing_and_takes_nothing_away()
    {
        // Tasks placed before the bound was lowered, or while a worker was away, can leave a worker over its slots.
        Assert.Equal(3 + 2, WorkerSlots.WidestStage(3, [12, 6], slotsPerWorker: 8));
    }

    [Fact]
    public void Full_workers_keep_the_stage_at_its_width()
    {
        Assert.Equal(2, WorkerSlots.WidestStage(2, [8, 8, 8], slotsPerWorker: 8));
        Assert.Equal(2, WorkerSlots.WidestStage(2, [], slotsPerWorker: 8));
    }
}
