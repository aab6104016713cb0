using System.Text;
using RainStorm.Actors.Commands.Completion;

namespace RainStorm.Node.Client;

/// <summary>
/// A small line editor on <see cref="Console.ReadKey(bool)"/>: cursor keys, Home/End, Backspace/Delete,
/// Up/Down through history, Tab completion (a second Tab lists the candidates), Ctrl+C clears the line,
/// Ctrl+D on an empty line ends the session.
/// </summary>
public sealed class ConsoleLineEditor(CommandCompleter completer, LineHistory history) : ILineReader
{
    private readonly StringBuilder _line = new();
    private int _cursor;
    private string _prompt = "";

    /// <summary>Console.ReadKey cannot be awaited: the terminal's prompt waits for keys on the calling thread (the
    /// client process's main thread, which has nothing else to do meanwhile).</summary>
    public Task<string?> ReadLineAsync(string prompt) => Task.FromResult(ReadLine(prompt));

    private string? ReadLine(string prompt)
    {
        _prompt = prompt;
        _line.Clear();
        _cursor = 0;
        var historyIndex = history.Lines.Count;
        var lastWasTab = false;
        Console.TreatControlCAsInput = true;
        try
        {
            Console.Write(prompt);
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                var tab = key.Key == ConsoleKey.Tab;
                var ctrl = key.Modifiers.HasFlag(ConsoleModifiers.Control);
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        Console.WriteLine();
                        return _line.ToString();
                    case ConsoleKey.C when ctrl:
                        Console.WriteLine("^C");
                        _line.Clear();
                        _cursor = 0;
                        Console.Write(prompt);
                        break;
                    case ConsoleKey.D when ctrl && _line.Length == 0:
                        Console.WriteLine();
                        return null;
                    case ConsoleKey.U when ctrl:
                        Replace("");
                        break;
                    case ConsoleKey.A when ctrl:
                    case ConsoleKey.Home:
                        _cursor = 0;
                        Redraw();
                        break;
                    case ConsoleKey.E when ctrl:
                    case ConsoleKey.End:
                        _cursor = _line.Length;
                        Redraw();
                        break;
                    case ConsoleKey.LeftArrow when _cursor > 0:
                        _cursor--;
                        Redraw();
                        break;
                    case ConsoleKey.RightArrow when _cursor < _line.Length:
                        _cursor++;
                        Redraw();
                        break;
                    case ConsoleKey.Backspace when _cursor > 0:
                        _line.Remove(--_cursor, 1);
                        Redraw();
                        break;
                    case ConsoleKey.Delete when _cursor < _line.Length:
                        _line.Remove(_cursor, 1);
                        Redraw();
                        break;
                    case ConsoleKey.UpArrow when historyIndex > 0:
                        Replace(history.Lines[--historyIndex]);
                        break;
                    case ConsoleKey.DownArrow when historyIndex < history.Lines.Count:
                        historyIndex++;
                        Replace(historyIndex == history.Lines.Count ? "" : history.Lines[historyIndex]);
                        break;
                    case ConsoleKey.Tab:
                        Complete(listCandidates: lastWasTab);
                        break;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            _line.Insert(_cursor++, key.KeyChar);
                            Redraw();
                        }
                        break;
                }
                lastWasTab = tab;
            }
        }
        finally
        {
            Console.TreatControlCAsInput = false;
        }
    }

    private void Complete(bool listCandidates)
    {
        var before = _line.ToString(0, _cursor);
        var completion = completer.Complete(before);
        if (completion.Candidates.Count == 0) return;
        var insert = completion.Candidates.Count == 1 ? completion.Candidates[0] + " " : completion.CommonPrefix;
        if (insert.Length > completion.Prefix.Length || completion.Candidates.Count == 1)
        {
            _line.Remove(completion.ReplaceFrom, _cursor - completion.ReplaceFrom).Insert(completion.ReplaceFrom, insert);
            _cursor = completion.ReplaceFrom + insert.Length;
            Redraw();
        }
        else if (listCandidates)
        {
            Console.WriteLine();
            Console.WriteLine(string.Join("  ", completion.Candidates));
            Redraw();
        }
    }

    private void Replace(string text)
    {
        _line.Clear().Append(text);
        _cursor = text.Length;
        Redraw();
    }

    // Redraws the whole line with ANSI sequences: back to column 0, text, clear the rest, cursor to its place.
    private void Redraw()
    {
        var text = _prompt + _line;
        var back = _line.Length - _cursor;
        Console.Write($"\r{text}\u001b[K{(back > 0 ? $"\u001b[{back}D" : "")}");
    }
}
