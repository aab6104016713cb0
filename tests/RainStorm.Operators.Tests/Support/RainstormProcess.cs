using System.Diagnostics;
using System.Text;

namespace RainStorm.Operators.Tests.Support;

/// <summary>Runs the built <c>rainstorm</c> executable (rainstorm.dll, copied next to the tests by the project reference)
/// as a child process, and kills it on dispose if it still runs.</summary>
public sealed class RainstormProcess : IDisposable
{
    private readonly Process _process;

    public RainstormProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rainstorm.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        StandardError = _process.StandardError.ReadToEndAsync();
    }

    public StreamWriter StandardInput => _process.StandardInput;
    public StreamReader StandardOutput => _process.StandardOutput;
    public Task<string> StandardError { get; }

    /// <summary>Copies a file to stdin (raw bytes), closes it, and returns stdout, stderr and the exit code.</summary>
    public async Task<(byte[] Stdout, string Stderr, int ExitCode)> RunWithInputAsync(byte[] input)
    {
        var writing = Task.Run(async () =>
        {
            await _process.StandardInput.BaseStream.WriteAsync(input);
            _process.StandardInput.Close();
        });
        using var stdout = new MemoryStream();
        await _process.StandardOutput.BaseStream.CopyToAsync(stdout).WaitAsync(TimeSpan.FromMinutes(2));
        await writing.WaitAsync(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (stdout.ToArray(), await StandardError, _process.ExitCode);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
