namespace RainStorm.Actors.Commands.Execution;

/// <summary>
/// Where a running command talks to its user. The TCP host sends lines and file bytes over the connection;
/// an in-process console (<c>rainstorm local</c>) writes to the terminal and opens files directly.
/// </summary>
public interface ICommandConsole
{
    /// <summary>One line of output (a table row, an output tuple, a message). Streamed to the user at once.</summary>
    Task WriteLineAsync(string line, CancellationToken ct);

    /// <summary>A line about the command rather than its output (e.g. that it waits for a new leader): the CLI prints
    /// it on standard error, so scripts reading the output never see it.</summary>
    Task WriteNoteAsync(string line, CancellationToken ct);

    /// <summary>Reads a file on the user's machine (<c>hydfs create/append</c>).</summary>
    Task<Stream> OpenReadAsync(string clientPath, CancellationToken ct);

    /// <summary>Creates or overwrites a file on the user's machine (<c>hydfs get/getfromreplica</c>).
    /// Disposing the stream completes the file.</summary>
    Task<Stream> OpenWriteAsync(string clientPath, CancellationToken ct);
}
