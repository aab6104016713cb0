using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using CsCheck;
using RainStorm.Node.CommandHost.Wire;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>Random bytes, truncated frames and oversized lengths on the command port: the node never goes down, the
/// sender gets one error frame and its connection closes, and another client's stream goes on throughout.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProtocolFuzzTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>What a broken peer may send: noise, a valid length with a cut or non-JSON body, a length out of range.</summary>
    private static readonly Gen<byte[]> Garbage = Gen.OneOf(
        Gen.Byte.Array[1, 300].Where(b => b.Length < 4 || BinaryPrimitives.ReadInt32BigEndian(b) is <= 0 or > FrameCodec.MaxFrameBytes),
        Gen.Int[1, 5000].SelectMany(length => Gen.Byte.Array[0, Math.Min(length - 1, 200)].Select(body => Framed(length, body))),
        Gen.String[Gen.Char["{}\":,[]ab01 \\"], 1, 60].Select(json => Framed(Encoding.UTF8.GetByteCount(json), Encoding.UTF8.GetBytes(json))),
        Gen.Int[FrameCodec.MaxFrameBytes + 1, int.MaxValue].Select(length => Framed(length, [(byte)'{'])),
        Gen.Int[int.MinValue, 0].Select(length => Framed(length, [])));

    private static byte[] Framed(int length, byte[] body)
    {
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        body.CopyTo(bytes, 4);
        return bytes;
    }

    [Fact]
    public async Task Garbage_on_the_command_port_gets_an_error_and_a_closed_connection_and_harms_no_other_client()
    {
        using var watcher = await ConnectAsync();
        var watched = watcher.GetStream();
        await watched.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Run, Id = 1, Args = ["cluster", "tail"] }));
        Assert.Equal(FrameTypes.Out, (await FrameCodec.ReadAsync(watched, CancellationToken.None).WaitAsync(Patience))!.Type);

        var cases = 0;
        await Garbage.SampleAsync(async bytes =>
        {
            cases++;
            using var tcp = await ConnectAsync();
            var stream = tcp.GetStream();
            await stream.WriteAsync(bytes);
            tcp.Client.Shutdown(SocketShutdown.Send); // what was sent is all there is: a cut frame stays cut
            var answer = await ReadUntilClosedAsync(stream);
            // The one error frame (unless the host's reset beat it to us), then the end of the connection.
            Assert.All(answer, f => Assert.Equal((FrameTypes.Done, 0L, 2), (f.Type, f.Id, f.Exit)));
            Assert.All(answer, f => Assert.StartsWith("broken frame: ", f.Error));
        }, iter: 60, threads: 1);

        // The other client's stream went on, and a new client is served.
        Assert.Equal(FrameTypes.Out, (await FrameCodec.ReadAsync(watched, CancellationToken.None).WaitAsync(Patience))!.Type);
        var after = await ClientRun.RunAsync(cluster.Nodes[1].CmdEndpoint, "cluster", "show");
        Assert.Equal(0, after.Exit);
        Assert.Equal(60, cases);
    }

    [Fact]
    public async Task A_broken_frame_is_answered_with_one_sentence_before_the_host_hangs_up()
    {
        using var tcp = await ConnectAsync();
        var stream = tcp.GetStream();
        await stream.WriteAsync(Framed(FrameCodec.MaxFrameBytes + 1, []));
        var answer = await ReadUntilClosedAsync(stream);
        var error = Assert.Single(answer);
        Assert.Equal($"broken frame: frame length {FrameCodec.MaxFrameBytes + 1} is out of range (1..{FrameCodec.MaxFrameBytes}); closing the connection.", error.Error);
    }

    /// <summary>A connection to node 1's command endpoint, past its welcome.</summary>
    private async Task<TcpClient> ConnectAsync()
    {
        var endpoint = cluster.Nodes[1].CmdEndpoint.Split(':');
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint[0], int.Parse(endpoint[1]));
        Assert.Equal(FrameTypes.Welcome, (await FrameCodec.ReadAsync(tcp.GetStream(), CancellationToken.None).WaitAsync(Patience))!.Type);
        return tcp;
    }

    /// <summary>Every frame until the host closes (a clean end or a reset).</summary>
    private static async Task<List<Frame>> ReadUntilClosedAsync(NetworkStream stream)
    {
        var frames = new List<Frame>();
        try
        {
            while (await FrameCodec.ReadAsync(stream, CancellationToken.None).WaitAsync(Patience) is { } frame) frames.Add(frame);
        }
        catch (IOException)
        {
            // reset by the host: closed
        }
        return frames;
    }
}
