using RainStorm.Actors.Hosting;

namespace RainStorm.Node.Client;

/// <summary>
/// <c>rainstorm [--token T] [host:port] [command …]</c>: one-shot when a command is given (exit code = the command's),
/// the interactive prompt otherwise. The token (for endpoints that require one) may also come from RAINSTORM_TOKEN.
/// </summary>
public static class ClientCommand
{
    public const string DefaultEndpoint = "127.0.0.1:9110";

    public const string TokenVariable = "RAINSTORM_TOKEN";

    public static Task<int> RunAsync(string[] args)
    {
        var interactive = !Console.IsInputRedirected;
        return RunAsync(args, Console.In, Console.Out, Console.Error, Interrupts.FromConsole(), interactive,
            Environment.GetEnvironmentVariable(TokenVariable), progress: Console.IsErrorRedirected ? null : Console.Error);
    }

    /// <summary>The client with its console abstracted (tests drive it with readers and writers).</summary>
    /// <param name="environmentToken">The token from RAINSTORM_TOKEN; <c>--token</c> overrides it.</param>
    /// <param name="progress">Where file moves show their progress (the terminal), or null for none.</param>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error,
        Interrupts interrupts, bool terminal, string? environmentToken = null, TextWriter? progress = null)
    {
        string? token;
        try
        {
            (token, args) = TakeToken(args, environmentToken);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        var (endpoint, command) = SplitEndpoint(args);
        string host;
        int port;
        try
        {
            (host, port) = RainStormOptions.ParseHostPort(endpoint, "endpoint");
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        try
        {
            await using var client = await CommandClient.ConnectAsync(host, port, token);
            client.ProgressTerminal = progress;
            if (command.Length > 0 && InteractiveSession.IsHelp(command[0]))
                return await InteractiveSession.HelpAsync(client, command[1..], output, error);
            if (command.Length > 0)
            {
                using var cancel = new CancellationTokenSource();
                using var subscription = interrupts.Subscribe(cancel.Cancel);
                return await client.RunAsync(command, output, error, cancel.Token);
            }
            var session = new InteractiveSession(client, output, error, interrupts);
            ILineReader reader = terminal
                ? new ConsoleLineEditor(session.Completer, session.History)
                : new PlainLineReader(input, output, session.Completer);
            return await session.RunAsync(reader);
        }
        catch (ClientException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary><c>--token T</c> before the endpoint or right after it (commands' own options come later).</summary>
    private static (string? Token, string[] Remaining) TakeToken(string[] args, string? environmentToken)
    {
        var at = args.Length > 0 && args[0] == "--token" ? 0
            : args.Length > 1 && args[1] == "--token" && LooksLikeEndpoint(args[0]) ? 1 : -1;
        if (at < 0) return (environmentToken, args);
        if (at + 1 >= args.Length || args[at + 1].Length == 0)
            throw new ArgumentException("--token needs a value.");
        return (args[at + 1], [.. args[..at], .. args[(at + 2)..]]);
    }

    /// <summary>The endpoint (the first argument when it looks like one, else <see cref="DefaultEndpoint"/>) and the command.</summary>
    public static (string Endpoint, string[] Command) SplitEndpoint(string[] args) =>
        args.Length > 0 && LooksLikeEndpoint(args[0]) ? (args[0], args[1..]) : (DefaultEndpoint, args);

    /// <summary>Command names never hold a ':' nor look like an address, so such a first argument is meant as the
    /// endpoint (and a malformed one is reported as such instead of being run as a command).</summary>
    private static bool LooksLikeEndpoint(string arg) => arg.Contains(':') || System.Net.IPAddress.TryParse(arg, out _);
}
