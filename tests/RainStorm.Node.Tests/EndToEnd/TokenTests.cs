using System.Net.Sockets;
using RainStorm.Node.Client;
using RainStorm.Node.CommandHost.Wire;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>The command endpoint's token: required before binding anywhere but loopback, and then asked of every
/// connection (the client sends <c>--token</c> or RAINSTORM_TOKEN).</summary>
public sealed class TokenTests
{
    private const string Token = "correct-horse-battery";

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void A_command_endpoint_on_a_non_loopback_address_without_a_token_is_refused_with_one_sentence(string host)
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-token-").FullName;
        try
        {
            var options = TestNode.NewOptions(root, seed: null);
            options.CmdHost = host;
            var refused = Assert.Throws<UsageException>(() => NodeHost.Build(options));
            Assert.Equal($"the command endpoint may bind to the non-loopback address {host} only with a token (--token or RAINSTORM_TOKEN): " +
                         "whoever reaches it can run jobs, which runs code on the cluster.", refused.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public Task With_a_token_every_connection_must_present_it_and_a_missing_or_wrong_one_gets_one_clear_line() => WithTokenNodeAsync(async node =>
    {
        var endpoint = node.CmdEndpoint;

        var missing = await ClientRun.RunAsync(endpoint, "cluster", "show");
        Assert.Equal((1, "", $"error: {endpoint} requires a token: pass --token <token> or set RAINSTORM_TOKEN."),
            (missing.Exit, missing.Out, missing.Err.Trim()));

        var wrong = await ClientRun.RunAsync("--token", "guess", endpoint, "cluster", "show");
        Assert.Equal((1, "", $"error: {endpoint} refused the connection: the token is wrong. (check --token or RAINSTORM_TOKEN)"),
            (wrong.Exit, wrong.Out, wrong.Err.Trim()));

        var right = await ClientRun.RunAsync(endpoint, "--token", Token, "cluster", "show");
        Assert.Equal((0, ""), (right.Exit, right.Err));
        Assert.Contains(right.OutLines, l => l.StartsWith(node.Address, StringComparison.Ordinal));
        Assert.Equal("1 member", right.OutLines[^1]);

        // The real binary takes the token from the environment.
        var fromEnvironment = await ProcessRun.RainstormAsync(TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { [ClientCommand.TokenVariable] = Token }, endpoint, "cluster", "show");
        Assert.Equal((0, ""), (fromEnvironment.Exit, fromEnvironment.Err));
        Assert.Contains(fromEnvironment.OutLines, l => l.StartsWith(node.Address, StringComparison.Ordinal));
    });

    [Fact]
    public Task A_raw_connection_that_skips_the_token_sees_no_palettes_runs_nothing_and_is_closed() => WithTokenNodeAsync(async node =>
    {
        var (host, port) = (node.CmdEndpoint.Split(':')[0], int.Parse(node.CmdEndpoint.Split(':')[1]));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port);
        var stream = tcp.GetStream();

        var first = await FrameCodec.ReadAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((FrameTypes.Auth, null), (first!.Type, first.Palettes));
        await stream.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Run, Id = 1, Args = ["cluster", "show"] }));

        var refusal = await FrameCodec.ReadAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((FrameTypes.Fail, "this endpoint requires a token (--token or RAINSTORM_TOKEN)."), (refusal!.Type, refusal.Error));
        Assert.Null(await FrameCodec.ReadAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
    });

    /// <summary>Runs <paramref name="test"/> against a single node on loopback whose endpoint requires <see cref="Token"/>.</summary>
    private static async Task WithTokenNodeAsync(Func<TestNode, Task> test)
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-token-").FullName;
        try
        {
            var options = TestNode.NewOptions(root, seed: null);
            options.Token = Token;
            await using var node = await TestNode.StartAsync(options);
            await node.WaitForUpMembersAsync(1);
            await test(node);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
