using Akka.Actor;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Actors.Commands.Execution;

/// <summary>Everything a handler needs for one run of one command.</summary>
public sealed class CommandCall(
    ActorSystem system, CommandSpec spec, ParsedArguments arguments, ICommandConsole console, CommandSettings settings,
    CancellationToken cancellation)
{
    public ActorSystem System => system;
    public CommandSpec Spec => spec;
    public ParsedArguments Args => arguments;
    public ICommandConsole Console => console;
    public CommandSettings Settings => settings;

    /// <summary>Cancelled when the user cancels (Ctrl+C) or the connection closes.</summary>
    public CancellationToken Cancellation => cancellation;

    public Task WriteLineAsync(string line) => console.WriteLineAsync(line, cancellation);

    public Task WriteNoteAsync(string line) => console.WriteNoteAsync(line, cancellation);

    public async Task WriteLinesAsync(IEnumerable<string> lines)
    {
        foreach (var line in lines) await console.WriteLineAsync(line, cancellation);
    }
}
