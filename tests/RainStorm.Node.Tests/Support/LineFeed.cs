using System.Collections.Concurrent;

namespace RainStorm.Node.Tests.Support;

/// <summary>Redirected stdin that a test types into line by line; ReadLine blocks until the next line (null = EOF).</summary>
public sealed class LineFeed : TextReader
{
    private readonly BlockingCollection<string?> _lines = new();

    public void Type(string line) => _lines.Add(line);

    public void End() => _lines.Add(null);

    public override string? ReadLine() => _lines.Take();
}

/// <summary>A writer several threads may write to while a test reads what has been written so far.</summary>
public sealed class Transcript
{
    private readonly StringWriter _inner = new();

    public Transcript() => Writer = TextWriter.Synchronized(_inner);

    public TextWriter Writer { get; }

    public string Text
    {
        get
        {
            lock (Writer) return _inner.ToString();
        }
    }
}
