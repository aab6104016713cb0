using System.Net.Sockets;
using RainStorm.Node.CommandHost.Wire;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>The frame protocol spoken directly over a socket: what any tool (not only our client) can rely on.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProtocolTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task<(TcpClient Tcp, NetworkStream Stream, Frame Welcome)> ConnectAsync()
    {
        var endpoint = cluster.Nodes[2].CmdEndpoint.Split(':');
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint[0], int.Parse(endpoint[1]));
        var stream = tcp.GetStream();
        var welcome = await FrameCodec.ReadAsync(stream, CancellationToken.None).WaitAsync(Patience);
        return (tcp, stream, welcome!);
    }

    private static async Task<Frame> NextAsync(NetworkStream stream) =>
        (await FrameCodec.ReadAsync(stream, CancellationToken.None).WaitAsync(Patience))!;

    private static Task SendAsync(NetworkStream stream, Frame frame) => stream.WriteAsync(FrameCodec.Encode(frame)).AsTask();

    [Fact]
    public async Task The_welcome_carries_the_node_and_the_four_palettes()
    {
        var (tcp, _, welcome) = await ConnectAsync();
        using (tcp)
        {
            Assert.Equal(FrameTypes.Welcome, welcome.Type);
            Assert.Equal(cluster.Nodes[2].Address, welcome.Node);
            Assert.Equal(["actor", "cluster", "hydfs", "rainstorm"], welcome.Palettes!.Select(p => p.Module).Order());
            Assert.Contains(welcome.Palettes!.SelectMany(p => p.Commands), c => c.Name == "hydfs multiappend");
        }
    }

    [Fact]
    public async Task Requests_on_one_connection_run_concurrently_and_each_can_be_cancelled()
    {
        var (tcp, stream, _) = await ConnectAsync();
        using (tcp)
        {
            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 1, Args = ["cluster", "tail"] });
            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 2, Args = ["cluster", "show", "-o", "json"] });
            var frames = new List<Frame>();
            while (!frames.Any(f => f is { Id: 2, Type: FrameTypes.Done }) || !frames.Any(f => f is { Id: 1, Type: FrameTypes.Out }))
                frames.Add(await NextAsync(stream));
            Assert.Equal(0, frames.Single(f => f is { Id: 2, Type: FrameTypes.Done }).Exit);
            Assert.StartsWith("[{\"address\":", frames.Single(f => f is { Id: 2, Type: FrameTypes.Out }).Text);
            Assert.DoesNotContain(frames, f => f is { Id: 1, Type: FrameTypes.Done });

            await SendAsync(stream, new Frame { Type = FrameTypes.Cancel, Id = 1 });
            Frame done;
            while ((done = await NextAsync(stream)).Type != FrameTypes.Done) Assert.Equal(1, done.Id);
            Assert.Equal(1, done.Id);
            Assert.Equal(130, done.Exit);
            Assert.Equal("cancelled.", done.Error);

            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 3, Args = ["nope"] });
            var unknown = await NextAsync(stream);
            Assert.Equal((3L, FrameTypes.Done, 2), (unknown.Id, unknown.Type, unknown.Exit));
        }
    }

    [Fact]
    public async Task Protocol_mistakes_end_that_request_with_exit_2_and_the_connection_lives_on()
    {
        var (tcp, stream, _) = await ConnectAsync();
        using (tcp)
        {
            await SendAsync(stream, new Frame { Type = "bogus", Id = 9 });
            var bogus = await NextAsync(stream);
            Assert.Equal((9L, FrameTypes.Done, 2, "unknown frame type 'bogus'."), (bogus.Id, bogus.Type, bogus.Exit, bogus.Error));

            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 4, Args = ["cluster", "tail"] });
            Assert.Equal((4L, FrameTypes.Out), await NextAsync(stream) is var first ? (first.Id, first.Type) : default);
            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 4, Args = ["jobs"] });
            Frame again;
            while ((again = await NextAsync(stream)).Type != FrameTypes.Done) { }
            Assert.Equal((4L, 2, "request 4 is already running."), (again.Id, again.Exit, again.Error));

            await SendAsync(stream, new Frame { Type = FrameTypes.Cancel, Id = 4 });
            while ((again = await NextAsync(stream)).Type != FrameTypes.Done) { }
            Assert.Equal((4L, 130), (again.Id, again.Exit));
            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 5, Args = ["cluster", "show", "-o", "json"] });
            Assert.StartsWith("[{\"address\":", (await NextAsync(stream)).Text);
        }
    }

    [Fact]
    public async Task Closing_the_connection_cancels_its_streams()
    {
        var (tcp, stream, _) = await ConnectAsync();
        using (tcp)
        {
            await SendAsync(stream, new Frame { Type = FrameTypes.Run, Id = 1, Args = ["cluster", "tail"] });
            Assert.Equal(FrameTypes.Out, (await NextAsync(stream)).Type);
            var during = await ClientRun.RunAsync(cluster.Nodes[2].CmdEndpoint, "actor", "hierarchy", "-d", "1");
            Assert.Contains("command-inbox-", during.Out);
        }
        await Poll.AssertAsync(async () =>
        {
            var after = await ClientRun.RunAsync(cluster.Nodes[2].CmdEndpoint, "actor", "hierarchy", "-d", "1");
            Assert.DoesNotContain("command-inbox-", after.Out);
        });
    }

}
