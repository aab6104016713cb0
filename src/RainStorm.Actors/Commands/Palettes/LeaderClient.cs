using Akka.Actor;
using Akka.Hosting;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Runtime.Protocol;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>Asks the leader singleton (through its proxy) and turns every way that can fail into one clear line.
/// The command palettes and the HTTP API ask through here alike.</summary>
public static class LeaderClient
{
    public static IActorRef Proxy(CommandCall call) => Proxy(call.System);

    public static IActorRef Proxy(ActorSystem system) =>
        ActorRegistry.For(system).TryGet<JobCommands.LeaderProxyKey>(out var proxy)
            ? proxy
            : throw new CommandFailedException("the leader is not available: this node has no leader proxy (is the RainStorm runtime started on it?).");

    public static Task<T> AskAsync<T>(CommandCall call, object request) =>
        AskAsync<T>(call.System, request, call.Settings.AskTimeout, call.Cancellation);

    public static async Task<T> AskAsync<T>(ActorSystem system, object request, TimeSpan timeout, CancellationToken cancellation)
    {
        var proxy = Proxy(system);
        object reply;
        try
        {
            reply = await proxy.Ask<object>(request, timeout, cancellation);
        }
        catch (AskTimeoutException)
        {
            throw NotAvailable(timeout);
        }
        return reply switch
        {
            T expected => expected,
            JobCommands.CommandFailed failed => throw new CommandFailedException(failed.Message),
            Status.Failure f => throw new CommandFailedException($"the leader failed: {f.Cause?.Message}"),
            _ => throw new CommandFailedException($"the leader answered {reply.GetType().Name}, expected {typeof(T).Name}."),
        };
    }

    public static CommandFailedException NotAvailable(CommandCall call) => NotAvailable(call.Settings.AskTimeout);

    private static CommandFailedException NotAvailable(TimeSpan timeout) =>
        new($"the leader is not available yet (no reply within {timeout.TotalSeconds:0.#} s): " +
            "is a node with role 'leader' up and part of the cluster? See 'cluster show'.");
}
