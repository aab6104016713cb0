namespace RainStorm.Node.Client;

/// <summary>Reads the next command line after showing the prompt; null at end of input.</summary>
public interface ILineReader
{
    string? ReadLine(string prompt);
}
