using Akka.Actor;
using Akka.Hosting;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Runtime.Protocol;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>Asks the leader singleton (through its proxy) and turns every way that can fail into one clear line.</summary>
public static class LeaderClient
{
    public static IActorRef Proxy(CommandCall call) =>
        ActorRegistry.For(call.System).TryGet<JobCommands.LeaderProxyKey>(out var proxy)
            ? proxy
            : throw new CommandFailedException("the leader is not available: this node has no leader proxy (is the RainStorm runtime started on it?).");

    public static async Task<T> AskAsync<T>(CommandCall call, object request)
    {
        var proxy = Proxy(call);
        object reply;
        try
        {
            reply = await proxy.Ask<object>(request, call.Settings.AskTimeout, call.Cancellation);
        }
        catch (AskTimeoutException)
        {
            throw NotAvailable(call);
        }
        return reply switch
        {
            T expected => expected,
            JobCommands.CommandFailed failed => throw new CommandFailedException(failed.Message),
            Status.Failure f => throw new CommandFailedException($"the leader failed: {f.Cause?.Message}"),
            _ => throw new CommandFailedException($"the leader answered {reply.GetType().Name}, expected {typeof(T).Name}."),
        };
    }

    public static CommandFailedException NotAvailable(CommandCall call) =>
        new($"the leader is not available yet (no reply within {call.Settings.AskTimeout.TotalSeconds:0.#} s): " +
            "is a node with role 'leader' up and part of the cluster? See 'cluster show'.");
}
