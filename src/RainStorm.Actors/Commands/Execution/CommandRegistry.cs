using System.Collections.Immutable;
using Akka.Actor;
using RainStorm.Actors.Commands.Model;

namespace RainStorm.Actors.Commands.Execution;

/// <summary>
/// The palettes registered in one actor system. Modules register theirs at start-up
/// (<c>CommandRegistry.Get(system).Register(palette)</c>, or <c>builder.WithCommandPalette(...)</c>);
/// command hosts and consoles read them on every connection, so late registrations still show.
/// </summary>
public sealed class CommandRegistry : IExtension
{
    private ImmutableList<CommandPalette> _palettes = [];

    public static CommandRegistry Get(ActorSystem system) => system.WithExtension<CommandRegistry, CommandRegistryProvider>();

    public IReadOnlyList<CommandPalette> Palettes => _palettes;

    public IReadOnlyList<PaletteInfo> Infos => _palettes.Select(p => p.Info).ToList();

    public IReadOnlyList<CommandSpec> Specs => _palettes.SelectMany(p => p.Commands).Select(c => c.Spec).ToList();

    /// <summary>Adds (or replaces, by module name) a palette. Command names must be unique across palettes.</summary>
    public void Register(CommandPalette palette)
    {
        ImmutableInterlocked.Update(ref _palettes, list =>
        {
            var others = list.RemoveAll(p => p.Module == palette.Module);
            var taken = others.SelectMany(p => p.Commands).SelectMany(c => c.Spec.Names).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var clash = palette.Commands.SelectMany(c => c.Spec.Names).FirstOrDefault(taken.Contains);
            if (clash is not null)
                throw new ArgumentException($"command '{clash}' of palette '{palette.Module}' is already registered by another palette.");
            return others.Add(palette);
        });
    }

    /// <summary>The module of the palette that serves <paramref name="spec"/>.</summary>
    public string? ModuleOf(CommandSpec spec) =>
        _palettes.FirstOrDefault(p => p.Commands.Any(c => ReferenceEquals(c.Spec, spec)))?.Module;

    public PaletteCommand? Find(CommandSpec spec) =>
        _palettes.SelectMany(p => p.Commands).FirstOrDefault(c => ReferenceEquals(c.Spec, spec));
}

public sealed class CommandRegistryProvider : ExtensionIdProvider<CommandRegistry>
{
    public override CommandRegistry CreateExtension(ExtendedActorSystem system) => new();
}
