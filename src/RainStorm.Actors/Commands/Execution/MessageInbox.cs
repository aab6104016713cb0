using System.Threading.Channels;
using Akka.Actor;

namespace RainStorm.Actors.Commands.Execution;

/// <summary>
/// A short-lived actor that turns the messages it receives into an async stream, so a command handler
/// can receive streamed replies (job output, cluster events) and be cancelled cleanly. Dispose stops it.
/// </summary>
public sealed class MessageInbox : IAsyncDisposable
{
    // Unbounded because the senders (leader, cluster events) have no credit protocol and an actor must not
    // block; the reader is a command writing to a socket, which keeps up with job output on loopback.
    private readonly Channel<object> _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ActorSystem _system;

    public MessageInbox(ActorSystem system)
    {
        _system = system;
        Ref = system.ActorOf(Props.Create(() => new InboxActor(_channel.Writer)), $"command-inbox-{Guid.NewGuid():N}");
    }

    public IActorRef Ref { get; }

    /// <summary>The next message; waits at most <paramref name="timeout"/> (null = until cancelled).</summary>
    public async Task<object?> ReceiveAsync(TimeSpan? timeout, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t) linked.CancelAfter(t);
        try
        {
            return await _channel.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _system.Stop(Ref);
        _channel.Writer.TryComplete();
        await Task.CompletedTask;
    }

    private sealed class InboxActor : UntypedActor
    {
        private readonly ChannelWriter<object> _writer;

        public InboxActor(ChannelWriter<object> writer) => _writer = writer;

        protected override void OnReceive(object message) => _writer.TryWrite(message);
    }
}
