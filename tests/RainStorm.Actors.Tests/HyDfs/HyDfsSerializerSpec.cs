using Akka.Actor;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs.Protocol;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.Tests.HyDfs;

public sealed class HyDfsSerializerSpec : TestKit
{
    public static TheoryData<object> Messages()
    {
        var big = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var name = "dir/ünïcødé-名前-" + new string('x', 150);
        return
        [
            new Append(name, big, "client-é", 7, NoPrevious),
            new Append("a", [], "c", 1, 0),
            new AppendBatch(name, "client-é", [1, 2, 3], [NoPrevious, 1, 2], [[1], [], big]),
            new AppendAck(name, "client", 42),
            new ReplicaWrite(name, 1234, big, [new DedupEntry("ç1", 5), new DedupEntry(new string('z', 300), 6)], "127.0.0.1:4053"),
            new ReplicaProgress(name, "127.0.0.1:1", 99),
            new Chunk(name, 0, big, 500_000, null),
            new Chunk(name, 10, [], 10, [new DedupEntry("x", long.MaxValue)]),
            new Pull(name, 5, 1024),
            new Read(name, 5, 1024),
            new ReadResult(name, 5, big, 1_000_000),
            new ReadLocal(name, 0, 10),
        ];
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_hot_message_round_trips_through_the_binary_serializer(object message)
    {
        var serializer = new HyDfsSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(message);
        var back = serializer.FromBinary(bytes, serializer.Manifest(message));
        Assert.Equal(message.GetType(), back.GetType());
        // records compare arrays by reference, so compare a canonical dump instead
        Assert.Equal(Dump(message), Dump(back));
    }

    private static string Dump(object message) => message switch
    {
        AppendBatch b => $"{b.Name}|{b.ClientId}|{string.Join(",", b.Seqs)}|{string.Join(",", b.PrevSeqs)}|{string.Join(",", b.Data.Select(Convert.ToBase64String))}",
        _ => string.Join("|", message.GetType().GetProperties().Select(p => p.GetValue(message) switch
        {
            byte[] data => Convert.ToBase64String(data),
            DedupEntry[] entries => string.Join(",", entries.Select(e => $"{e.ClientId}={e.Seq}")),
            null => "null",
            var v => v.ToString(),
        })),
    };
}
