using RainStorm.Actors.Commands.Completion;

namespace RainStorm.Node.Client;

/// <summary>
/// Line reading for redirected input (scripts, tests). Each line is echoed after the prompt so a transcript
/// reads like a terminal session. A line ending in a Tab asks for completion: the candidates are printed
/// instead of running anything.
/// </summary>
public sealed class PlainLineReader(TextReader input, TextWriter output, CommandCompleter completer) : ILineReader
{
    public async Task<string?> ReadLineAsync(string prompt)
    {
        while (true)
        {
            await output.WriteAsync(prompt);
            var line = await input.ReadLineAsync();
            if (line is null)
            {
                await output.WriteLineAsync();
                return null;
            }
            await output.WriteLineAsync(line);
            if (!line.EndsWith('\t')) return line;
            var completion = completer.Complete(line.TrimEnd('\t'));
            await output.WriteLineAsync(completion.Candidates.Count == 0 ? "(no completions)" : string.Join("  ", completion.Candidates));
        }
    }
}
