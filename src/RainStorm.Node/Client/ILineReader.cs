namespace RainStorm.Node.Client;

/// <summary>Reads the next command line after showing the prompt; null at end of input.</summary>
public interface ILineReader
{
    /// <summary>Asynchronous, so that waiting for a line needs no thread of its own when the input can be awaited: a
    /// caller that starts the prompt and then types into it from the same thread must get that thread back, even when
    /// connecting completed at once and the prompt is reached before <c>RunAsync</c> returns.</summary>
    Task<string?> ReadLineAsync(string prompt);
}
