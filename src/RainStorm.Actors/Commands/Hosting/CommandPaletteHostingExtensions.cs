using Akka.Hosting;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Palettes;

namespace RainStorm.Actors.Commands.Hosting;

/// <summary>Registers command palettes when the actor system starts.</summary>
public static class CommandPaletteHostingExtensions
{
    /// <summary>Adds any module's palette: <c>builder.WithCommandPalette(MyPalette.Create)</c>.</summary>
    public static AkkaConfigurationBuilder WithCommandPalette(this AkkaConfigurationBuilder builder, Func<CommandPalette> palette) =>
        builder.AddStartup((system, _) => CommandRegistry.Get(system).Register(palette()));

    /// <summary>The palettes every RainStorm node serves: cluster, actor, rainstorm and hydfs.</summary>
    public static AkkaConfigurationBuilder WithRainStormCommandPalettes(this AkkaConfigurationBuilder builder) =>
        builder
            .WithCommandPalette(ClusterPalette.Create)
            .WithCommandPalette(ActorPalette.Create)
            .WithCommandPalette(RainStormPalette.Create)
            .WithCommandPalette(HyDfsPalette.Create);
}
