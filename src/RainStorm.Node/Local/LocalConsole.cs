using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Help;
using RainStorm.Operators.Jobs;

namespace RainStorm.Node.Local;

/// <summary>The interactive side of `rainstorm local`: the node CLI's command language (the same palettes, names and
/// tables, run in this process), except that a job line also uploads a local source file and prints the job's output
/// as it comes. The console's old spellings stay as aliases: <c>kill_job</c> for <c>kill</c>, <c>upload</c> for
/// <c>hydfs create</c>.</summary>
public sealed class LocalConsole(LocalCluster cluster, TextReader input, TextWriter output)
{
    public const string UploadHint = "upload it first (hydfs create <local file> {source}), or start local in the directory that holds it.";

    private static readonly IReadOnlyList<(string Name, string Description)> ConsoleCommands =
    [
        ("upload <local file> [name]", "same as hydfs create (name defaults to the file's name)"),
        ("kill_job <job>", "same as kill"),
        ("exit", "stop the cluster and leave"),
    ];

    private readonly CommandExecutor _executor = new(cluster.First);

    public async Task<int> RunAsync()
    {
        await output.WriteLineAsync("type 'help' for commands");
        while (true)
        {
            await output.WriteAsync("rainstorm> ");
            await output.FlushAsync();
            var line = await input.ReadLineAsync();
            if (line is null) return 0;
            IReadOnlyList<string> words;
            try
            {
                words = ShellTokens.Split(line);
            }
            catch (FormatException e)
            {
                await output.WriteLineAsync($"error: {e.Message}");
                continue;
            }
            if (words.Count == 0) continue;
            if (words[0] is "exit" or "quit") return 0;
            await ExecuteAsync(line, words);
        }
    }

    private async Task ExecuteAsync(string line, IReadOnlyList<string> words)
    {
        switch (words[0])
        {
            case "help" when words.Count == 1:
                foreach (var text in HelpText.Overview(CommandRegistry.Get(cluster.First).Infos, ConsoleCommands)) await output.WriteLineAsync(text);
                return;
            case "help":
                var detail = HelpText.Command(CommandRegistry.Get(cluster.First).Infos, words.Skip(1).ToList());
                foreach (var text in detail ?? [$"error: no command '{string.Join(' ', words.Skip(1))}' (type 'help' for the list)."])
                    await output.WriteLineAsync(text);
                return;
            case "RainStorm" or "submit":
                await SubmitAndFollowAsync(words[0] == "submit" ? "RainStorm " + line.TrimStart()["submit".Length..].Trim() : line.Trim());
                return;
            case "upload" when words.Count is 2 or 3:
                await RunPaletteCommandAsync(["hydfs", "create", words[1], words.Count == 3 ? words[2] : Path.GetFileName(words[1])]);
                return;
            case "kill_job":
                await RunPaletteCommandAsync(["kill", .. words.Skip(1)]);
                return;
            default:
                await RunPaletteCommandAsync(words);
                return;
        }
    }

    private async Task RunPaletteCommandAsync(IReadOnlyList<string> words)
    {
        var outcome = await _executor.ExecuteAsync(words, new TextWriterConsole(output), CancellationToken.None);
        if (outcome.Error is { } error) await output.WriteLineAsync($"error: {error}");
    }

    private async Task SubmitAndFollowAsync(string jobLine)
    {
        try
        {
            await JobRunner.EnsureSourceForLocalAsync(cluster.HyDfs, jobLine, output, UploadHint);
            string? jobId = null;
            var followed = await JobRunner.SubmitAndFollowAsync(cluster.First, cluster.Leader, jobLine, lines =>
            {
                lock (output) foreach (var text in lines) output.WriteLine($"[{jobId}] {text}");
            });
            jobId = followed.JobId;
            await output.WriteLineAsync($"Job {jobId} submitted");
            _ = followed.Ended.ContinueWith(t =>
            {
                lock (output) output.WriteLine(t.IsCompletedSuccessfully ? JobRunner.Describe(t.Result) : $"{jobId}: {t.Exception?.InnerException?.Message}");
            });
        }
        catch (Exception e) when (e is JobRunner.JobRefusedException or TimeoutException or IOException or RainStorm.Actors.HyDfs.HyDfsException)
        {
            await output.WriteLineAsync($"error: {e.Message}");
        }
    }
}
