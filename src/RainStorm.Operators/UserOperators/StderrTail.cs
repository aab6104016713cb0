namespace RainStorm.Operators.UserOperators;

/// <summary>Keeps the last few lines a child wrote to stderr, for error messages.</summary>
internal sealed class StderrTail
{
    private const int MaxLines = 8;
    private const int MaxLineChars = 300;
    private readonly Queue<string> _lines = new();

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_lines)
        {
            _lines.Enqueue(line.Length > MaxLineChars ? line[..MaxLineChars] + "..." : line);
            if (_lines.Count > MaxLines) _lines.Dequeue();
        }
    }

    /// <summary>"stderr: 'a / b'" or "stderr was empty", for the end of a sentence.</summary>
    public string Describe()
    {
        lock (_lines)
            return _lines.Count == 0 ? "stderr was empty" : $"stderr: '{string.Join(" / ", _lines)}'";
    }
}
