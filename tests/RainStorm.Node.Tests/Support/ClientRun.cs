using RainStorm.Node.Client;

namespace RainStorm.Node.Tests.Support;

/// <summary>Runs the real client (<c>rainstorm host:port command …</c>) in-process over real TCP.</summary>
public static class ClientRun
{
    public static async Task<RunResult> RunAsync(string endpoint, params string[] command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ClientCommand.RunAsync([endpoint, .. command], TextReader.Null, output, error, new Interrupts(), terminal: false)
            .WaitAsync(TimeSpan.FromSeconds(60));
        return new RunResult(exit, output.ToString(), error.ToString());
    }
}
