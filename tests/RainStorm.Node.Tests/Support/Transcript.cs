namespace RainStorm.Node.Tests.Support;

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
