using Akka.Serialization;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime.ExactlyOnce;

public sealed class RecoveryRecordSerializerTests() : TestKit(RuntimeTestConfig.Local())
{
    private static readonly Edge In = new("job-3", 0, 2, 1);
    private static readonly Edge Out = new("job-3", 1, 1, 0);

    private T RoundTrip<T>(T record) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(record);
        Assert.IsType<RecoveryRecordSerializer>(serializer); // bound by rainstorm.conf, never Hyperion
        var manifest = Serialization.ManifestFor(serializer, record);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(serializer.ToBinary(record), serializer.Identifier, manifest));
    }

    [Fact]
    public void A_task_round_keeps_its_input_marks_delta_and_outputs_in_order()
    {
        var round = new TaskRound([new InputMark(In, 7, false), new InputMark(In, 8, true)], [1, 2, 3],
            [new StreamTuple("k:1", "Stop,\"quoted, comma\""), new StreamTuple("ключ", "")], 42);

        var back = RoundTrip(round);

        Assert.Equal(round.Inputs, back.Inputs);
        Assert.Equal(round.Delta, back.Delta);
        Assert.Equal(round.Outputs, back.Outputs);
        Assert.Equal(42, back.TuplesIn);
        Assert.Null(RoundTrip(round with { Delta = null }).Delta);
    }

    [Fact]
    public void A_task_snapshot_keeps_marks_state_outstanding_batches_and_sink_appends()
    {
        var snapshot = new TaskSnapshot(
            [new EdgeMark(In, 10, [12, 15], false), new EdgeMark(In with { FromTask = 0 }, 3, [], true)],
            new Dictionary<int, byte[]> { [5] = [9, 9], [127] = [] },
            [new TupleBatch(Out, 4, [new StreamTuple("a", "b")]), new TupleBatch(Out, 5, [], EndOfStream: true)],
            [5, 0, 2], true, [new SinkAppend(3, "x\n"u8.ToArray())], 3, 100, 60);

        var back = RoundTrip(snapshot);

        Assert.Equal(2, back.Marks.Length);
        Assert.Equal(snapshot.Marks[0].DoneAbove, back.Marks[0].DoneAbove);
        Assert.Equal(snapshot.Marks[1] with { DoneAbove = back.Marks[1].DoneAbove }, back.Marks[1]);
        Assert.Equal(snapshot.State.Keys.Order(), back.State.Keys.Order());
        Assert.Equal(snapshot.State[5], back.State[5]);
        Assert.Equal(snapshot.Outstanding.Select(b => (b.Edge, b.Seq, b.EndOfStream)), back.Outstanding.Select(b => (b.Edge, b.Seq, b.EndOfStream)));
        Assert.Equal(snapshot.Outstanding[0].Tuples, back.Outstanding[0].Tuples);
        Assert.Equal(snapshot.NextSeqs, back.NextSeqs);
        Assert.True(back.Finishing);
        Assert.Equal(snapshot.Appends[0].Data, back.Appends[0].Data);
        Assert.Equal((3L, 100L, 60L), (back.SinkSeq, back.TuplesIn, back.TuplesOut));
    }

    [Fact]
    public void Source_rounds_and_snapshots_round_trip()
    {
        Assert.Equal(new SourceRound(8192), RoundTrip(new SourceRound(8192)));
        var snapshot = RoundTrip(new SourceSnapshot(12_345, [7, 8], [100, 4]));
        Assert.Equal(12_345, snapshot.SkipTuples);
        Assert.Equal([7L, 8L], snapshot.NextSeqs);
        Assert.Equal([100, 4], snapshot.PendingRounds);
    }

    [Fact]
    public void Hold_records_and_a_snapshot_taken_during_a_partial_hold_round_trip()
    {
        Assert.Equal([3, 64, 127], RoundTrip(new HoldStarted([3, 64, 127])).Groups);
        Assert.Same(HoldReleased.Instance, RoundTrip(HoldReleased.Instance));
        var snapshot = new TaskSnapshot([], new Dictionary<int, byte[]>(), [], [1, 1], false, [], 0, 5, 5,
            HeldGroups: [9, 11], KeptAside: [new StreamTuple("k", "v,1"), new StreamTuple("k", "v,2")]);

        var back = RoundTrip(snapshot);

        Assert.Equal([9, 11], back.HeldGroups!);
        Assert.Equal(snapshot.KeptAside, back.KeptAside);
        Assert.Null(RoundTrip(snapshot with { HeldGroups = null, KeptAside = null }).HeldGroups);
    }

    [Fact]
    public void A_snapshot_of_layout_version_1_reads_as_one_without_a_hold()
    {
        var snapshot = new TaskSnapshot([], new Dictionary<int, byte[]> { [1] = [7] }, [], [4], false, [], 0, 8, 6);
        var serializer = Sys.Serialization.FindSerializerFor(snapshot);
        var current = serializer.ToBinary(snapshot);
        Assert.Equal(RecoveryRecordSerializer.Version2, current[0]);
        // Version 1 is the same record without the trailing hold fields (here -1 and "no tuples kept aside": 5 bytes).
        var version1 = current[..^5];
        version1[0] = RecoveryRecordSerializer.Version1;

        var back = Assert.IsType<TaskSnapshot>(Sys.Serialization.Deserialize(version1, serializer.Identifier, "snapshot"));

        Assert.Null(back.HeldGroups);
        Assert.Null(back.KeptAside);
        Assert.Equal([4L], back.NextSeqs);
        Assert.Equal((8L, 6L), (back.TuplesIn, back.TuplesOut));
    }
}
