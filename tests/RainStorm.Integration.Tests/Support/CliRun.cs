using RainStorm.Node.Client;

namespace RainStorm.Integration.Tests.Support;

/// <summary>One run of the real command-line client (<c>rainstorm host:port command …</c>) in-process over real TCP,
/// whose output and error lines a test can read while it runs.</summary>
public sealed class CliRun
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly TextWriter _outWriter;
    private readonly TextWriter _errWriter;

    private CliRun(string endpoint, string[] command)
    {
        _outWriter = TextWriter.Synchronized(_out);
        _errWriter = TextWriter.Synchronized(_err);
        Exit = Task.Run(() => ClientCommand.RunAsync([endpoint, .. command], TextReader.Null, _outWriter, _errWriter, new Interrupts(), terminal: false));
    }

    public Task<int> Exit { get; }

    public static CliRun Start(string endpoint, params string[] command) => new(endpoint, command);

    public IReadOnlyList<string> OutLines => Lines(_outWriter, _out);
    public IReadOnlyList<string> ErrLines => Lines(_errWriter, _err);

    // TextWriter.Synchronized locks on the wrapper, so reading under the same lock never sees a half-written line.
    private static IReadOnlyList<string> Lines(TextWriter guard, StringWriter inner)
    {
        lock (guard) return inner.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }
}
