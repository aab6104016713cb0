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
}
