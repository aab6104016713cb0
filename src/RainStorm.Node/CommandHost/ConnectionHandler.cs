using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Node.CommandHost.Wire;
using static RainStorm.Node.CommandHost.CommandProtocol;
using RainStorm.Actors.Hosting;

namespace RainStorm.Node.CommandHost;

/// <summary>
/// One client connection: greets it with the palettes, runs its requests concurrently (each with its own
/// cancellation), routes file chunks to the request that asked for them, and cancels everything when the
/// client disconnects.
/// </summary>
public sealed class ConnectionHandler : ReceiveActor
{
    private sealed record Running(CancellationTokenSource Cancel, TcpCommandConsole Console);

    /// <summary>How long a client of an endpoint with a token may take to present it.</summary>
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _client;
    private readonly CommandToken? _token;
    private readonly NetworkStream _stream;
    private readonly FrameWriter _writer;
    private readonly CommandExecutor _executor;
    private readonly CommandSettings _settings;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Dictionary<long, Running> _running = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public static Props Props(TcpClient client, CommandToken? token) => Akka.Actor.Props.Create(() => new ConnectionHandler(client, token));

    public ConnectionHandler(TcpClient client, CommandToken? token)
    {
        _client = client;
        _token = token;
        _stream = client.GetStream();
        _writer = new FrameWriter(_stream);
        _executor = new CommandExecutor(Context.System);
        _settings = CommandSettings.Create(Context.System);

        Receive<FrameReceived>(m => OnFrame(m.Frame));
        Receive<RequestFinished>(m =>
        {
            if (_running.Remove(m.Id, out var r)) r.Cancel.Dispose();
        });
        Receive<ConnectionClosed>(m =>
        {
            _log.Debug("command connection from {0} closed: {1}", _client.Client.RemoteEndPoint, m.Reason);
            Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        var self = Self;
        var welcome = new Frame
        {
            Type = FrameTypes.Welcome,
            Node = NodeName.Of(Cluster.Get(Context.System).SelfAddress),
            Palettes = CommandRegistry.Get(Context.System).Infos,
        };
        _ = ReadLoopAsync(self, welcome, _lifetime.Token);
    }

    protected override void PostStop()
    {
        _lifetime.Cancel();
        foreach (var r in _running.Values)
        {
            r.Cancel.Cancel();
            r.Console.Complete();
        }
        _client.Dispose();
        _lifetime.Dispose();
    }

    private async Task ReadLoopAsync(IActorRef self, Frame welcome, CancellationToken ct)
    {
        string reason;
        try
        {
            if (_token is not null && await RefusalAsync(ct) is { } refusal)
            {
                await _writer.WriteAsync(new Frame { Type = FrameTypes.Fail, Error = refusal }, ct);
                _log.Warning("command connection from {0} refused: {1}", _client.Client.RemoteEndPoint, refusal);
                self.Tell(new ConnectionClosed(refusal));
                return;
            }
            await _writer.WriteAsync(welcome, ct);
            while (await FrameCodec.ReadAsync(_stream, ct) is { } frame)
                await self.Ask<FrameHandled>(new FrameReceived(frame), null, ct);
            reason = "client closed the connection";
        }
        catch (Exception e) when (BrokenFrame(e) is { } broken)
        {
            reason = broken;
            await TellBrokenAsync(broken);
        }
        catch (Exception e)
        {
            reason = e.Message;
        }
        self.Tell(new ConnectionClosed(reason));
    }

    /// <summary>Asks for the token and reads the client's answer: null when it matches, else why the connection is refused.</summary>
    private async Task<string?> RefusalAsync(CancellationToken ct)
    {
        await _writer.WriteAsync(new Frame { Type = FrameTypes.Auth }, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AuthTimeout);
        Frame? answer;
        try
        {
            answer = await FrameCodec.ReadAsync(_stream, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no token presented within {AuthTimeout.TotalSeconds:0} s.";
        }
        if (answer?.Type != FrameTypes.Auth || string.IsNullOrEmpty(answer.Text))
            return "this endpoint requires a token (--token or RAINSTORM_TOKEN).";
        return _token!.Matches(answer.Text) ? null : "the token is wrong.";
    }

    /// <summary>What was wrong with the bytes the client sent, or null when the failure is not the client's input.</summary>
    private static string? BrokenFrame(Exception e) => e switch
    {
        InvalidDataException => e.Message,
        System.Text.Json.JsonException => "a frame is not a JSON object of the command protocol.",
        EndOfStreamException => e.Message,
        _ => null,
    };

    /// <summary>One last frame naming the problem (request id 0: it belongs to no request); the connection then closes,
    /// since after a broken frame the stream cannot be read in step any more.</summary>
    private async Task TellBrokenAsync(string problem)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _writer.WriteAsync(new Frame
            {
                Type = FrameTypes.Done, Id = 0, Exit = CommandOutcome.BadUsage,
                Error = $"broken frame: {problem.TrimEnd('.')}; closing the connection.",
            }, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone already (a truncated frame is usually a closed connection).
        }
    }

    private void OnFrame(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameTypes.Run:
                Start(frame);
                break;
            case FrameTypes.Cancel:
                if (_running.TryGetValue(frame.Id, out var toCancel)) toCancel.Cancel.Cancel();
                break;
            case FrameTypes.Data or FrameTypes.Close or FrameTypes.Fail when _running.TryGetValue(frame.Id, out var target):
                target.Console.AcceptUploadAsync(frame).ContinueWith(_ => FrameHandled.Instance, TaskScheduler.Default).PipeTo(Sender);
                return;
            case FrameTypes.Data or FrameTypes.Close or FrameTypes.Fail:
                break; // chunks of a request that already ended
            default:
                _ = _writer.WriteAsync(new Frame { Type = FrameTypes.Done, Id = frame.Id, Exit = CommandOutcome.BadUsage, Error = $"unknown frame type '{frame.Type}'." });
                break;
        }
        Sender.Tell(FrameHandled.Instance);
    }

    private void Start(Frame frame)
    {
        var id = frame.Id;
        if (_running.ContainsKey(id))
        {
            _ = _writer.WriteAsync(new Frame { Type = FrameTypes.Done, Id = id, Exit = CommandOutcome.BadUsage, Error = $"request {id} is already running." });
            return;
        }
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        var console = new TcpCommandConsole(id, _writer, _settings.ChunkBytes);
        _running[id] = new Running(cancel, console);
        var self = Self;
        RunAsync(id, frame.Args ?? [], console, cancel.Token).PipeTo(self, success: () => new RequestFinished(id),
            failure: _ => new RequestFinished(id));
    }

    private async Task RunAsync(long id, IReadOnlyList<string> args, TcpCommandConsole console, CancellationToken ct)
    {
        CommandOutcome outcome;
        try
        {
            outcome = await _executor.ExecuteAsync(args, console, ct);
        }
        finally
        {
            console.Complete();
        }
        await _writer.WriteAsync(new Frame { Type = FrameTypes.Done, Id = id, Exit = outcome.ExitCode, Error = outcome.Error }, _lifetime.Token);
    }
}
