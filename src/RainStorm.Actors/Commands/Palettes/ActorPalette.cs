using Akka.Actor;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary><c>actor hierarchy [-d N]</c>: this node's actor tree under /user and /system.</summary>
public static class ActorPalette
{
    public const string Module = "actor";
    private const string Depth = "--depth";

    public static CommandPalette Create() => new(Module, "actors of the connected node", [
        new(new CommandSpec("actor hierarchy", "print this node's actor tree (/user and /system) down to a depth",
            [Arg.Option(Depth, "N", "how many levels below /user and /system to show (default 3)", ValueKind.Count, aliases: ["-d"])],
            "actor hierarchy -d 2"), HierarchyAsync),
    ]);

    private static async Task<int> HierarchyAsync(CommandCall call)
    {
        var depth = call.Args.Count(Depth) ?? 3;
        var system = (ExtendedActorSystem)call.System;
        var lines = new List<string>();
        Walk(system.Guardian, 0, depth, lines);
        Walk(system.SystemGuardian, 0, depth, lines);
        await call.WriteLinesAsync(lines);
        return 0;
    }

    private static void Walk(IActorRef actor, int level, int maxDepth, List<string> lines)
    {
        lines.Add(level == 0 ? actor.Path.ToStringWithoutAddress() : new string(' ', level * 2) + actor.Path.Name);
        if (level >= maxDepth || actor is not ActorRefWithCell withCell) return;
        foreach (var child in withCell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal))
            Walk(child, level + 1, maxDepth, lines);
    }
}
