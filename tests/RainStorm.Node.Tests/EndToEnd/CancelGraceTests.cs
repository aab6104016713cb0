using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RainStorm.Node.Client;
using RainStorm.Node.CommandHost.Wire;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>Ctrl+C must give the terminal back even when the host never confirms the cancel (a stuck or overloaded
/// node): a real TCP endpoint speaking the frame protocol plays that host.</summary>
public sealed class CancelGraceTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_cancel_the_host_never_confirms_returns_130_after_the_grace_and_the_connection_stays_in_step()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var cancelSeen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseLateDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = Task.Run(async () =>
        {
            using var tcp = await listener.AcceptTcpClientAsync();
            var stream = tcp.GetStream();
            await stream.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Welcome, Node = "silent-host", Palettes = [] }));
            var run = await FrameCodec.ReadAsync(stream, CancellationToken.None);
            var cancel = await FrameCodec.ReadAsync(stream, CancellationToken.None);
            cancelSeen.SetResult(cancel!.Type == FrameTypes.Cancel && cancel.Id == run!.Id ? cancel.Id : -1);
            await releaseLateDone.Task;
            // The late confirmation of the first request, then the answer to the second.
            await stream.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Done, Id = run!.Id, Exit = 130, Error = "cancelled." }));
            var second = await FrameCodec.ReadAsync(stream, CancellationToken.None);
            await stream.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Out, Id = second!.Id, Text = "second ran" }));
            await stream.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Done, Id = second.Id, Exit = 0 }));
            await FrameCodec.ReadAsync(stream, CancellationToken.None); // until the client hangs up
        });

        await using var client = await CommandClient.ConnectAsync("127.0.0.1", port);
        client.CancelGrace = TimeSpan.FromSeconds(1);
        using var ctrlC = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        var first = client.RunAsync(["cluster", "tail"], output, error, ctrlC.Token);
        ctrlC.Cancel();

        Assert.True(await cancelSeen.Task.WaitAsync(Generous) > 0, "the host got a cancel frame for the running request");
        var clock = Stopwatch.StartNew();
        var exit = await first.WaitAsync(Generous);
        Assert.Equal(130, exit);
        Assert.Equal("error: cancelled (127.0.0.1:" + port + " did not confirm within 1 s).", error.ToString().Trim());

        releaseLateDone.SetResult();
        var secondOutput = new StringWriter();
        var secondExit = await client.RunAsync(["jobs"], secondOutput, new StringWriter()).WaitAsync(Generous);
        Assert.Equal(0, secondExit);
        Assert.Equal("second ran", secondOutput.ToString().Trim());
        await client.DisposeAsync();
        await host.WaitAsync(Generous);
    }
}
