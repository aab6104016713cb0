using System.Net.Sockets;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Node.CommandHost.Wire;

namespace RainStorm.Node.Client;

/// <summary>
/// A connection to a node's command endpoint: downloads the palettes on connect, runs commands, prints their
/// streamed output, and moves the client's files when the host asks for them.
/// </summary>
public sealed class CommandClient : IAsyncDisposable
{
    /// <summary>How long connecting plus the host's greeting may take (the user hears back within 3 s).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    /// <summary>How long the host may take to accept or refuse the token once it asked for it.</summary>
    public static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);
    /// <summary>How long the host may take to confirm a cancelled command before the client gives up waiting.</summary>
    public static readonly TimeSpan DefaultCancelGrace = TimeSpan.FromSeconds(5);
    private const int ChunkBytes = 256 * 1024;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly FrameWriter _writer;
    private long _nextId;
    // A read the client stopped waiting for (a cancelled command the host never confirmed) is kept and awaited by
    // the next command, so no frame is ever read halfway and the stream stays in step.
    private Task<Frame>? _pendingRead;

    private CommandClient(string endpoint, TcpClient tcp, Frame welcome)
    {
        Endpoint = endpoint;
        _tcp = tcp;
        _stream = tcp.GetStream();
        _writer = new FrameWriter(_stream);
        Node = welcome.Node ?? endpoint;
        Palettes = welcome.Palettes ?? [];
    }

    public string Endpoint { get; }
    public string Node { get; }
    public IReadOnlyList<PaletteInfo> Palettes { get; }
    public IReadOnlyList<CommandSpec> Specs => Palettes.SelectMany(p => p.Commands).ToList();

    /// <summary>Where file moves draw their progress (a terminal); null = quiet. JSON output is always quiet.</summary>
    public TextWriter? ProgressTerminal { get; set; }

    /// <summary>After Ctrl+C, how long to wait for the host's "cancelled" before returning 130 anyway: a busy or
    /// stuck host must not keep the user's terminal.</summary>
    public TimeSpan CancelGrace { get; set; } = DefaultCancelGrace;

    /// <summary>True when <paramref name="host"/>:<paramref name="port"/> greets like a command endpoint within
    /// <paramref name="within"/>; false when it is down, silent or says something else.</summary>
    public static async Task<bool> GreetsAsync(string host, int port, TimeSpan within)
    {
        using var tcp = new TcpClient { NoDelay = true };
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await tcp.ConnectAsync(host, port, timeout.Token);
            return (await FrameCodec.ReadAsync(tcp.GetStream(), timeout.Token))?.Type == FrameTypes.Welcome;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <param name="token">Presented when the endpoint asks for one (<c>--token</c> / RAINSTORM_TOKEN); null = none.</param>
    public static async Task<CommandClient> ConnectAsync(string host, int port, string? token = null)
    {
        var endpoint = $"{host}:{port}";
        var tcp = new TcpClient { NoDelay = true };
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await tcp.ConnectAsync(host, port, timeout.Token);
            var welcome = await FrameCodec.ReadAsync(tcp.GetStream(), timeout.Token);
            if (welcome?.Type == FrameTypes.Auth) welcome = await AuthenticateAsync(endpoint, tcp.GetStream(), token);
            if (welcome?.Type != FrameTypes.Welcome)
                throw new ClientException($"{endpoint} is not a RainStorm command endpoint.");
            var client = new CommandClient(endpoint, tcp, welcome);
            tcp = null!;
            return client;
        }
        catch (OperationCanceledException)
        {
            throw new ClientException($"{endpoint} accepted the connection but sent no greeting within {ConnectTimeout.TotalSeconds:0.#} s, " +
                "so it is not a RainStorm command port: a node's remoting port (--port) is silent like this, or the node is overloaded; " +
                "commands go to the node's --cmd-port (default 9110).");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw new ClientException($"cannot reach {endpoint}: nothing is listening there (is the node up, and is its --cmd-port {port}?).");
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ClientException($"cannot reach {endpoint}: {e.Message}");
        }
        finally
        {
            tcp?.Dispose();
        }
    }

    /// <summary>Answers the host's request for a token; returns the frame that follows (welcome when it was accepted).
    /// The host has answered already, so this exchange gets its own, longer limit (a cold client on a loaded machine
    /// can spend the connect limit on its first frames alone).</summary>
    private static async Task<Frame?> AuthenticateAsync(string endpoint, Stream stream, string? token)
    {
        if (string.IsNullOrEmpty(token))
            throw new ClientException($"{endpoint} requires a token: pass --token <token> or set RAINSTORM_TOKEN.");
        using var timeout = new CancellationTokenSource(AuthTimeout);
        Frame? answer;
        try
        {
            await stream.WriteAsync(FrameCodec.Encode(new Frame { Type = FrameTypes.Auth, Text = token }), timeout.Token);
            answer = await FrameCodec.ReadAsync(stream, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new ClientException($"{endpoint} asked for a token and did not answer it within {AuthTimeout.TotalSeconds:0} s.");
        }
        if (answer?.Type == FrameTypes.Fail)
            throw new ClientException($"{endpoint} refused the connection: {answer.Error ?? "the token is wrong."} (check --token or RAINSTORM_TOKEN)");
        return answer;
    }

    /// <summary>Runs one command; output lines go to <paramref name="output"/>, the error line to <paramref name="error"/>.
    /// Cancelling <paramref name="cancel"/> asks the host to stop the command. Returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> tokens, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var json = tokens.Zip(tokens.Skip(1)).Any(p => p.First is "-o" or "--output" && p.Second == "json");
        var transfer = new ClientFileTransfer(id, _writer, ChunkBytes, json ? null : ProgressTerminal);
        try
        {
            await Send(new Frame { Type = FrameTypes.Run, Id = id, Args = tokens });
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var onCancel = cancel.Register(() =>
            {
                _ = SendQuietly(new Frame { Type = FrameTypes.Cancel, Id = id });
                cancelled.TrySetResult();
            });
            var giveUp = cancelled.Task.ContinueWith(_ => Task.Delay(CancelGrace), TaskScheduler.Default).Unwrap();
            while (true)
            {
                var read = _pendingRead ??= Receive();
                if (await Task.WhenAny(read, giveUp) != read)
                {
                    await error.WriteLineAsync($"error: cancelled ({Endpoint} did not confirm within {CancelGrace.TotalSeconds:0.#} s).");
                    return CommandOutcome.Cancelled;
                }
                _pendingRead = null;
                var frame = await read;
                if (frame.Id != id) continue; // late frames of an earlier, cancelled request
                switch (frame.Type)
                {
                    case FrameTypes.Out when transfer.Failed:
                        break; // the host has not heard of the local failure yet: its "got …" line would be false
                    case FrameTypes.Out:
                        await output.WriteLineAsync(frame.Text);
                        await output.FlushAsync();
                        break;
                    case FrameTypes.Note:
                        await error.WriteLineAsync(frame.Text);
                        await error.FlushAsync();
                        break;
                    case FrameTypes.Read:
                        transfer.StartUpload(frame.Path!);
                        break;
                    case FrameTypes.Write:
                    case FrameTypes.Data:
                    case FrameTypes.Close:
                        if (!transfer.Download(frame)) await SendQuietly(new Frame { Type = FrameTypes.Cancel, Id = id });
                        break;
                    case FrameTypes.Done:
                        var localError = await transfer.FinishAsync(frame.Exit == 0);
                        if (localError is not null)
                        {
                            await error.WriteLineAsync($"error: {localError}");
                            return CommandOutcome.Failed;
                        }
                        if (frame.Error is { } message) await error.WriteLineAsync($"error: {message}");
                        return frame.Exit;
                }
            }
        }
        finally
        {
            await transfer.DisposeAsync();
        }
    }

    private async Task Send(Frame frame)
    {
        try
        {
            await _writer.WriteAsync(frame);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new ClientException($"lost the connection to {Endpoint}: {e.Message}");
        }
    }

    private async Task SendQuietly(Frame frame)
    {
        try
        {
            await _writer.WriteAsync(frame);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The read loop reports the lost connection.
        }
    }

    private async Task<Frame> Receive()
    {
        try
        {
            return await FrameCodec.ReadAsync(_stream, CancellationToken.None)
                   ?? throw new ClientException($"{Endpoint} closed the connection (did the node stop?).");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ClientException($"lost the connection to {Endpoint}: {e.Message}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
