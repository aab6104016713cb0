using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Actors.Commands.Execution;

/// <summary>
/// Parses a tokenized command against the registered palettes and runs it. Every failure becomes a
/// <see cref="CommandOutcome"/> with a one-line message; stack traces go to the node's log only.
/// </summary>
public sealed class CommandExecutor(ActorSystem system)
{
    private readonly CommandRegistry _registry = CommandRegistry.Get(system);
    private readonly CommandSettings _settings = CommandSettings.Create(system);
    private readonly ILoggingAdapter _log = Akka.Event.Logging.GetLogger(system, typeof(CommandExecutor));

    public async Task<CommandOutcome> ExecuteAsync(IReadOnlyList<string> tokens, ICommandConsole console, CancellationToken ct)
    {
        ParsedCommand parsed;
        try
        {
            parsed = CommandParser.Parse(_registry.Specs, tokens);
        }
        catch (CommandSyntaxException e)
        {
            return new CommandOutcome(CommandOutcome.BadUsage, e.Message);
        }
        var command = _registry.Find(parsed.Spec)!;
        if (NotJoined(parsed.Spec) is { } notJoined) return new CommandOutcome(CommandOutcome.Failed, notJoined);
        try
        {
            var exit = await command.Handler(new CommandCall(system, parsed.Spec, parsed.Arguments, console, _settings, ct));
            return new CommandOutcome(exit);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new CommandOutcome(CommandOutcome.Cancelled, "cancelled.");
        }
        catch (CommandFailedException e)
        {
            return new CommandOutcome(CommandOutcome.Failed, e.Message);
        }
        catch (CommandSyntaxException e)
        {
            return new CommandOutcome(CommandOutcome.BadUsage, e.Message);
        }
        catch (Exception e)
        {
            _log.Error(e, "command '{0}' failed", parsed.Spec.Name);
            return new CommandOutcome(CommandOutcome.Failed, $"{parsed.Spec.Name} failed: {OneLine(e)}");
        }
    }

    /// <summary>Commands of these modules need the cluster (its leader, its HyDFS ring); before the node has joined
    /// they would wait out their timeouts in silence.</summary>
    private static readonly HashSet<string> ClusterModules = [Palettes.RainStormPalette.Module, Palettes.HyDfsPalette.Module];

    private string? NotJoined(Model.CommandSpec spec)
    {
        if (!ClusterModules.Contains(_registry.ModuleOf(spec) ?? "")) return null;
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (cluster.SelfMember.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp) return null;
        var seeds = string.Join(", ", cluster.Settings.SeedNodes.Select(a => $"{a.Host}:{a.Port}"));
        return $"this node has not joined a cluster yet (it is waiting to join {(seeds.Length > 0 ? seeds : "its seeds")}); " +
               "start the seed node or check its address, then try again.";
    }

    private static string OneLine(Exception e)
    {
        var inner = e is AggregateException { InnerException: { } i } ? i : e;
        return inner.Message.ReplaceLineEndings(" ");
    }
}
