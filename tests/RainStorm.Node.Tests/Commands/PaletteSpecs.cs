using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Palettes;

namespace RainStorm.Node.Tests.Commands;

/// <summary>The specs of the palettes a node serves, without an actor system.</summary>
public static class PaletteSpecs
{
    public static IReadOnlyList<CommandPalette> Palettes { get; } =
        [ClusterPalette.Create(), ActorPalette.Create(), RainStormPalette.Create(), HyDfsPalette.Create()];

    public static IReadOnlyList<CommandSpec> All => Palettes.SelectMany(p => p.Commands).Select(c => c.Spec).ToList();
}
