using RainStorm.Actors.Commands.Completion;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Help;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Node.Client;

/// <summary>
/// The interactive prompt: <c>[host:port] rainstorm&gt;</c>, commands from the host's palettes, <c>help</c>,
/// <c>history</c>, <c>exit</c>; Ctrl+C cancels the running command.
/// </summary>
public sealed class InteractiveSession(CommandClient client, TextWriter output, TextWriter error, Interrupts interrupts)
{
    public static readonly IReadOnlyList<(string Name, string Description)> BuiltIns =
    [
        ("help [<command>]", "list the commands, or show one command's arguments and an example"),
        ("history", "list the lines entered in this session"),
        ("exit", "leave the prompt (also: quit, Ctrl+D)"),
    ];

    public LineHistory History { get; } = new();

    public CommandCompleter Completer => new(client.Specs, ["help", "history", "exit", "quit"]);

    public string Prompt => $"[{client.Endpoint}] rainstorm> ";

    public async Task<int> RunAsync(ILineReader reader)
    {
        await output.WriteLineAsync($"connected to node {client.Node}: {client.Specs.Count} commands; 'help' lists them, Tab completes, Ctrl+C cancels a running command, 'exit' leaves.");
        while (await reader.ReadLineAsync(Prompt) is { } line)
        {
            IReadOnlyList<string> tokens;
            try
            {
                tokens = CommandLine.Split(line);
            }
            catch (CommandSyntaxException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                continue;
            }
            if (tokens.Count == 0) continue;
            History.Add(line.Trim());
            switch (tokens[0].ToLowerInvariant())
            {
                case "exit" or "quit":
                    return 0;
                case var word when IsHelp(word):
                    await HelpAsync(client, tokens.Skip(1).ToList(), output, error);
                    break;
                case "history":
                    for (var i = 0; i < History.Lines.Count; i++) await output.WriteLineAsync($"{i + 1,4}  {History.Lines[i]}");
                    break;
                default:
                    await RunCommandAsync(tokens);
                    break;
            }
        }
        return 0;
    }

    private async Task RunCommandAsync(IReadOnlyList<string> tokens)
    {
        using var cancel = new CancellationTokenSource();
        using var subscription = interrupts.Subscribe(() =>
        {
            output.WriteLine("^C (cancelling)");
            cancel.Cancel();
        });
        await client.RunAsync(tokens, output, error, cancel.Token);
    }

    public static bool IsHelp(string word) => word.ToLowerInvariant() is "help" or "--help" or "-h";

    /// <summary><c>help [command]</c> from the palettes the host served (also one-shot: <c>rainstorm help wait</c>).
    /// Returns the exit code: 2 when no command has that name.</summary>
    public static async Task<int> HelpAsync(CommandClient client, IReadOnlyList<string> words, TextWriter output, TextWriter error)
    {
        var lines = words.Count == 0
            ? HelpText.Overview(client.Palettes, BuiltIns)
            : HelpText.Command(client.Palettes, words);
        if (lines is null)
        {
            await error.WriteLineAsync($"error: no command '{string.Join(' ', words)}' (type 'help' for the list).");
            return CommandOutcome.BadUsage;
        }
        foreach (var line in lines) await output.WriteLineAsync(line);
        return 0;
    }
}
