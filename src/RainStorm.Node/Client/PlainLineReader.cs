using RainStorm.Actors.Commands.Completion;

namespace RainStorm.Node.Client;

/// <summary>
/// Line reading for redirected input (scripts, tests). Each line is echoed after the prompt so a transcript
/// reads like a terminal session. A line ending in a Tab asks for completion: the candidates are printed
/// instead of running anything.
/// </summary>
public sealed class PlainLineReader(TextReader input, TextWriter output, CommandCompleter completer) : ILineReader
{
    public string? ReadLine(string prompt)
    {
        while (true)
        {
            output.Write(prompt);
            var line = input.ReadLine();
            if (line is null)
            {
                output.WriteLine();
                return null;
            }
            output.WriteLine(line);
            if (!line.EndsWith('\t')) return line;
            var completion = completer.Complete(line.TrimEnd('\t'));
            output.WriteLine(completion.Candidates.Count == 0 ? "(no completions)" : string.Join("  ", completion.Candidates));
        }
    }
}
