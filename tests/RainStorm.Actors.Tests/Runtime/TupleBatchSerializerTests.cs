using Akka.Serialization;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Serialization;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class TupleBatchSerializerTests() : TestKit(RuntimeTestConfig.Local())
{
    private static readonly Edge AnEdge = new("job-7", 1, 2, 0);

    [Fact]
    public void Batches_and_acks_are_bound_to_the_binary_serializer_by_the_shipped_configuration()
    {
        var serialization = Sys.Serialization;
        Assert.IsType<TupleBatchSerializer>(serialization.FindSerializerFor(new TupleBatch(AnEdge, 1, [])));
        Assert.IsType<TupleBatchSerializer>(serialization.FindSerializerFor(new BatchAck(AnEdge, 1)));
        Assert.IsType<TupleBatchSerializer>(serialization.FindSerializerFor(new BatchRefused(AnEdge, 1, 2)));
    }

    [Fact]
    public void A_batch_carries_its_routing_epoch_and_a_refusal_round_trips()
    {
        var batch = RoundTrip(new TupleBatch(AnEdge, 3, [new("k", "v")], Epoch: 17));
        Assert.Equal(17, batch.Epoch);
        Assert.Equal([new StreamTuple("k", "v")], batch.Tuples);

        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new BatchRefused(AnEdge, 1, 2));
        var refused = new BatchRefused(AnEdge, 12, 5);
        Assert.Equal(refused, serializer.FromBinary(serializer.ToBinary(refused), serializer.Manifest(refused)));
    }

    [Fact]
    public void A_batch_in_the_layout_before_epochs_is_read_as_epoch_0()
    {
        // Layout "B" as written before epochs: edge | seq | endOfStream | count | lengths | text.
        var job = "job-7"u8.ToArray();
        var text = "kv"u8.ToArray();
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes(job.Length));
        bytes.AddRange(job);
        bytes.AddRange(BitConverter.GetBytes(1)); // from stage
        bytes.AddRange(BitConverter.GetBytes(2)); // from task
        bytes.AddRange(BitConverter.GetBytes(0)); // to task
        bytes.AddRange(BitConverter.GetBytes(4L)); // seq
        bytes.Add(0);                             // not the end of stream
        bytes.AddRange(BitConverter.GetBytes(1)); // one tuple
        bytes.AddRange(BitConverter.GetBytes(1)); // key bytes
        bytes.AddRange(BitConverter.GetBytes(1)); // value bytes
        bytes.AddRange(text);

        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new TupleBatch(AnEdge, 1, []));
        var batch = (TupleBatch)serializer.FromBinary(bytes.ToArray(), "B");

        Assert.Equal(new TupleBatch(AnEdge, 4, batch.Tuples), batch);
        Assert.Equal([new StreamTuple("k", "v")], batch.Tuples);
        Assert.Equal(0, batch.Epoch);
    }

    [Fact]
    public void A_batch_survives_a_round_trip_with_unicode_commas_quotes_and_empty_strings()
    {
        StreamTuple[] tuples =
        [
            new("Traffic_Signs.csv:1", "\uFEFFX,Y,\"16\"\" X 42\"\"\",Punched Telespar"),
            new("k", ""),
            new("", "Zürich — 東京 🚦"),
            new("file:99999999", new string('x', 5000)),
        ];
        var batch = new TupleBatch(AnEdge, 42, tuples);

        var copy = RoundTrip(batch);

        Assert.Equal(AnEdge, copy.Edge);
        Assert.Equal(42, copy.Seq);
        Assert.False(copy.EndOfStream);
        Assert.Equal(tuples, copy.Tuples);
    }

    [Fact]
    public void End_of_stream_and_acks_round_trip()
    {
        var end = RoundTrip(new TupleBatch(AnEdge, 9, [], EndOfStream: true));
        Assert.True(end.EndOfStream);
        Assert.Empty(end.Tuples);
        Assert.Equal(9, end.Seq);

        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new BatchAck(AnEdge, 5));
        var ack = new BatchAck(AnEdge, long.MaxValue - 1);
        Assert.Equal(ack, serializer.FromBinary(serializer.ToBinary(ack), serializer.Manifest(ack)));
    }

    [Fact]
    public void The_binary_form_is_the_packed_text_plus_eight_bytes_per_tuple()
    {
        var tuples = Enumerable.Range(0, 1000).Select(i => new StreamTuple($"f:{i}", "abcdefghij")).ToArray();
        var batch = new TupleBatch(AnEdge, 1, tuples);
        var bytes = Sys.Serialization.FindSerializerFor(batch).ToBinary(batch);
        var textBytes = tuples.Sum(t => t.Key.Length + t.Value.Length);
        Assert.InRange(bytes.Length, textBytes + tuples.Length * 8, textBytes + tuples.Length * 8 + 64);
    }

    private TupleBatch RoundTrip(TupleBatch batch)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(batch);
        return (TupleBatch)serializer.FromBinary(serializer.ToBinary(batch), serializer.Manifest(batch));
    }
}
