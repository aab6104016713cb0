using RainStorm.Actors.Runtime.Checkpoints;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Tests.Runtime.Checkpoints;

public sealed class CheckpointRunTests
{
    private static readonly TaskId Source = new("job-1", 0, 0, 2);
    private static readonly TaskId Sink = new("job-1", 1, 0, 2);
    private static readonly TaskCheckpoint Part = new(10, new Dictionary<int, byte[]>(), null, 10, 10);

    [Fact]
    public void A_checkpoint_completes_once_every_task_waited_for_acknowledged_it_and_ignores_other_acks()
    {
        var run = new CheckpointRun(7, [Source, Sink]);
        Assert.False(run.Acknowledged(new CheckpointAck(Source, 6, Part, null)));
        Assert.False(run.Acknowledged(new CheckpointAck(Source with { Attempt = 1 }, 7, Part, null)));
        Assert.True(run.Acknowledged(new CheckpointAck(Source, 7, Part, null)));
        Assert.False(run.Complete);
        Assert.True(run.Acknowledged(new CheckpointAck(Sink, 7, null, "file")));
        Assert.True(run.Complete);
        run.Writing = true;
        Assert.False(run.Complete);
    }

    [Fact]
    public void A_task_that_completes_is_not_waited_for_and_keeps_its_last_part_while_a_task_that_left_loses_it()
    {
        var previous = new CheckpointManifest("job-1", 6,
            [new CheckpointEntry(0, 0, Part, null), new CheckpointEntry(1, 0, null, "old-sink"), new CheckpointEntry(1, 3, null, "left")]);
        var run = new CheckpointRun(7, [Source, Sink]);
        run.Acknowledged(new CheckpointAck(Source, 7, Part with { SourceLines = 20 }, null));
        run.Finished(Sink);
        Assert.True(run.Complete);
        var manifest = run.Manifest("job-1", previous, e => e.Index != 3);
        Assert.Equal(7, manifest.Id);
        Assert.Equal([(0, 0), (1, 0)], manifest.Entries.Select(e => (e.Stage, e.Index)));
        Assert.Equal(20, manifest.Entries[0].State!.SourceLines);
        Assert.Equal("old-sink", manifest.Entries[1].File);
    }
}
