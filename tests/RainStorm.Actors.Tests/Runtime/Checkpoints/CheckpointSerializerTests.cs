using Akka.Serialization;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Serialization;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime.Checkpoints;

public sealed class CheckpointSerializerTests() : TestKit(RuntimeTestConfig.Local())
{
    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        return (T)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    [Fact]
    public void Acks_with_parts_and_manifests_round_trip_through_the_checkpoint_serializer()
    {
        var part = new TaskCheckpoint(42, new Dictionary<int, byte[]> { [3] = [1, 2, 3] },
            new SinkStaged("sink:job-1/2/0", 9, [new SinkAppend(8, [65, 10]), new SinkAppend(9, [66, 10])]), 100, 50);
        Assert.IsType<CheckpointSerializer>(Sys.Serialization.FindSerializerFor(part));
        var ack = RoundTrip(new CheckpointAck(new TaskId("job-1", 2, 0, 3, 5), 1234, part, null));
        Assert.Equal(new TaskId("job-1", 2, 0, 3, 5), ack.Task);
        Assert.Equal(42, ack.State!.SourceLines);
        Assert.Equal([1, 2, 3], ack.State.Groups[3]);
        Assert.Equal("sink:job-1/2/0", ack.State.Sink!.ClientId);
        Assert.Equal([8L, 9L], ack.State.Sink.Appends.Select(a => a.Seq));
        Assert.Equal([66, 10], ack.State.Sink.Appends[1].Data);

        var manifest = RoundTrip(new CheckpointManifest("job-1", 1234, [new CheckpointEntry(0, 1, part, null), new CheckpointEntry(2, 0, null, "f")]));
        Assert.Equal("f", manifest.Entries[1].File);
        Assert.Equal(100, manifest.Entries[0].State!.TuplesIn);
        Assert.Equal(77, RoundTrip(new TriggerCheckpoint(77)).Id);
        Assert.Equal(78, RoundTrip(new CommitCheckpoint(78)).Id);
    }

    [Fact]
    public void A_barrier_batch_keeps_its_checkpoint_and_a_task_spec_its_mode_and_manifest()
    {
        var barrier = RoundTrip(new TupleBatch(new Edge("job-1", 0, 1, 2), 9, [], Epoch: 3, Barrier: 1234));
        Assert.Equal(1234, barrier.Barrier);
        Assert.Equal(3, barrier.Epoch);
        var spec = new TaskSpec(new TaskId("job-1", 1, 0, 2), new RainStorm.Operators.Jobs.JobPlan([new("Filter", "x")], 1, "a", "b", true, false, 0, 0, 0),
            1, [0], "/ops", 4096, RainStorm.Actors.Runtime.Checkpoints.CheckpointMode.Aligned, "_rainstorm/checkpoints/job-1/7-manifest");
        var start = RoundTrip(new RainStorm.Actors.Runtime.Protocol.WorkerProtocol.StartTask(spec));
        Assert.Equal(RainStorm.Actors.Runtime.Checkpoints.CheckpointMode.Aligned, start.Spec.Checkpoints);
        Assert.Equal("_rainstorm/checkpoints/job-1/7-manifest", start.Spec.RestoreFrom);
    }
}
