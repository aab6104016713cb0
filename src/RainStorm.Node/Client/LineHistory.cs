namespace RainStorm.Node.Client;

/// <summary>The lines entered in this interactive session, oldest first (consecutive repeats kept once).</summary>
public sealed class LineHistory
{
    private const int Capacity = 500;
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || (_lines.Count > 0 && _lines[^1] == line)) return;
        _lines.Add(line);
        if (_lines.Count > Capacity) _lines.RemoveAt(0);
    }
}
