using System.Collections.Concurrent;
using Akka.Actor;
using RainStorm.Actors.Runtime;
using RainStorm.Actors.Tests.Support;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>On a real two-node cluster: a message type without a codec never reaches the other node (the sender's
/// remoting refuses it and logs the type), while a protocol message sent the same way arrives.</summary>
public sealed class UnboundTypeAcrossNodesSpec
{
    private sealed class Inbox : ReceiveActor
    {
        public Inbox() => ReceiveAny(Received.Enqueue);
    }

    private static readonly ConcurrentQueue<object> Received = new();

    [Fact]
    public async Task A_type_without_a_codec_is_refused_by_the_sender_and_logged_by_name_while_protocol_messages_arrive()
    {
        await using var cluster = await TestCluster.StartAsync(2, roles: ["worker"]);
        var inbox = cluster[1].System.ActorOf(Props.Create(() => new Inbox()), "inbox");
        var remote = await cluster[0].System.ActorSelection(inbox.Path.ToStringWithAddress(Akka.Cluster.Cluster.Get(cluster[1].System).SelfAddress))
            .ResolveOne(TimeSpan.FromSeconds(10));

        remote.Tell(new ProtocolCodecSpec.NotInAnyProtocol("must not arrive"));
        remote.Tell(new JobSubmitted("job-1"));

        await Poll(() => Received.OfType<JobSubmitted>().Any(), "the protocol message never arrived");
        Assert.Empty(Received.OfType<ProtocolCodecSpec.NotInAnyProtocol>());
        var log = RuntimeHostingExtensions.LogFile(cluster[0].Options);
        await Poll(() => ReadShared(log).Any(l => l.Contains(nameof(ProtocolCodecSpec.NotInAnyProtocol)) && l.Contains("has no serializer")),
            "the sender never logged the refused type");
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd().Split('\n');
    }

    private static async Task Poll(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(failure);
            await Task.Delay(100);
        }
    }
}
