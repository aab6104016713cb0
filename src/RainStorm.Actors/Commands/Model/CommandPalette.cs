namespace RainStorm.Actors.Commands.Model;

/// <summary>Runs one parsed command. Returns the exit code (0 = success); throws
/// <see cref="Execution.CommandFailedException"/> for a user-facing error.</summary>
public delegate Task<int> CommandHandler(Execution.CommandCall call);

/// <summary>A command with the code that runs it (the code stays in the node; only the spec travels).</summary>
public sealed record PaletteCommand(CommandSpec Spec, CommandHandler Handler);

/// <summary>The commands one module contributes (cluster, actor, rainstorm, hydfs, …).</summary>
public sealed record CommandPalette(string Module, string Description, IReadOnlyList<PaletteCommand> Commands)
{
    public PaletteInfo Info => new(Module, Description, Commands.Select(c => c.Spec).ToList());
}

/// <summary>The wire form of a palette: specs only.</summary>
public sealed record PaletteInfo(string Module, string Description, IReadOnlyList<CommandSpec> Commands);
