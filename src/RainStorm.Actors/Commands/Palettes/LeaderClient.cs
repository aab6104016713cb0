using Akka.Actor;
using Akka.Hosting;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Runtime.Protocol;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>
/// Asks the leader singleton (through its proxy) and turns every way that can fail into one clear line; the command
/// palettes and the HTTP API ask through here alike. While the leader does not answer (its node died and the
/// singleton is moving) a command asks again until its <c>--timeout</c> (or <c>rainstorm.command.leader-wait</c>),
/// telling the user once that it waits for a new leader.
/// </summary>
public static class LeaderClient
{
    public const string TimeoutOption = "--timeout";

    /// <summary>The <c>--timeout</c> every leader-bound command takes.</summary>
    public static ArgumentSpec TimeoutArg(string description) => Arg.Option(TimeoutOption, "s", description, ValueKind.Seconds);

    public static IActorRef Proxy(CommandCall call) => Proxy(call.System);

    public static IActorRef Proxy(ActorSystem system) =>
        ActorRegistry.For(system).TryGet<JobCommands.LeaderProxyKey>(out var proxy)
            ? proxy
            : throw new CommandFailedException("the leader is not available: this node has no leader proxy (is the RainStorm runtime started on it?).");

    /// <summary>How long the command keeps trying to reach a leader: its <c>--timeout</c>, else leader-wait.</summary>
    public static TimeSpan Patience(CommandCall call) => call.Args.Seconds(TimeoutOption) ?? call.Settings.LeaderWait;

    /// <summary>Asks until an answer comes or <paramref name="patience"/> (default <see cref="Patience"/>) is over.
    /// The request may reach the leader more than once (a retry, or the proxy delivering a buffered copy to the new
    /// leader): only idempotent requests, or ones made idempotent (a submit's key), go through here.</summary>
    public static Task<T> AskAsync<T>(CommandCall call, object request, TimeSpan? patience = null)
    {
        var waitFor = patience ?? Patience(call);
        return AskAsync<T>(call.System, request, waitFor, call.Settings.AskTimeout, call.Cancellation,
            silence => call.WriteNoteAsync(WaitingLine(silence, waitFor)));
    }

    /// <summary>One ask of at most <paramref name="timeout"/> (the HTTP API's way: a page asks again by itself).</summary>
    public static Task<T> AskAsync<T>(ActorSystem system, object request, TimeSpan timeout, CancellationToken cancellation) =>
        AskAsync<T>(system, request, timeout, timeout, cancellation, onWaiting: null);

    /// <summary>Asks until an answer comes or <paramref name="patience"/> is over, telling <paramref name="onWaiting"/>
    /// once when the leader stopped answering.</summary>
    public static async Task<T> AskAsync<T>(ActorSystem system, object request, TimeSpan patience, TimeSpan askTimeout,
        CancellationToken cancellation, Func<TimeSpan, Task>? onWaiting)
    {
        var proxy = Proxy(system);
        var started = DateTime.UtcNow;
        var announced = false;
        object reply;
        while (true)
        {
            var left = patience - (DateTime.UtcNow - started);
            try
            {
                reply = await proxy.Ask<object>(request, left < askTimeout ? left : askTimeout, cancellation);
                break;
            }
            catch (AskTimeoutException)
            {
                // Announced on the first silence whenever a retry was planned, even if a slow machine let that first
                // ask overrun the whole patience: the user sees the same two lines however late the timeout fired.
                if (!announced && onWaiting is not null && patience > askTimeout)
                {
                    announced = true;
                    await onWaiting(DateTime.UtcNow - started);
                }
                if (DateTime.UtcNow - started >= patience - TimeSpan.FromMilliseconds(50)) throw NotAvailable(patience);
            }
        }
        return reply switch
        {
            T expected => expected,
            JobCommands.CommandFailed failed => throw new CommandFailedException(failed.Message),
            Status.Failure f => throw new CommandFailedException($"the leader failed: {f.Cause?.Message}"),
            _ => throw new CommandFailedException($"the leader answered {reply.GetType().Name}, expected {typeof(T).Name}."),
        };
    }

    /// <summary>The one line a command prints when the leader stopped answering.</summary>
    public static string WaitingLine(TimeSpan silence, TimeSpan patience) =>
        $"waiting for a new leader (no answer for {silence.TotalSeconds:0} s; trying until {patience.TotalSeconds:0.#} s have passed, see --timeout)...";

    public static CommandFailedException NotAvailable(CommandCall call) => NotAvailable(Patience(call));

    public static CommandFailedException NotAvailable(TimeSpan waited) =>
        new($"the leader is not available (no answer within {waited.TotalSeconds:0.#} s): " +
            "is a node with role 'leader' up and part of the cluster? See 'cluster show'.");
}
