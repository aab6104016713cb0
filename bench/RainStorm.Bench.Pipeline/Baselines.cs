using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.IO;
using RainStorm.Operators.Contract;

namespace RainStorm.Bench.Pipeline;

/// <summary>What RainStorm is compared with: the same operators over the same file in one thread, and fused in one
/// Akka.Streams graph in one process. Both write their output lines to a local file.</summary>
public static class Baselines
{
    private const int Batch = 1024;

    public static (long Lines, long Outputs, TimeSpan Elapsed) SingleThread(App app, string path, string outputPath)
    {
        var clock = Stopwatch.StartNew();
        var operators = app.CreateOperators();
        var name = Path.GetFileName(path);
        using var reader = new StreamReader(path, Encoding.UTF8, false, 1 << 20);
        using var writer = new StreamWriter(outputPath, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        var batch = new List<StreamTuple>(Batch);
        List<StreamTuple> a = [], b = [];
        long lines = 0, outputs = 0;
        void Flush()
        {
            foreach (var t in App.Run(operators, batch, a, b)) { writer.WriteLine(t.Value); outputs++; }
            batch.Clear();
        }
        while (reader.ReadLine() is { } line)
        {
            batch.Add(new StreamTuple($"{name}:{++lines}", line));
            if (batch.Count == Batch) Flush();
        }
        Flush();
        return (lines, outputs, clock.Elapsed);
    }

    public static async Task<(long Lines, long Outputs, TimeSpan Elapsed)> AkkaStreams(App app, string path, string outputPath)
    {
        using var system = ActorSystem.Create("bench-streams", "akka.loglevel = WARNING");
        var materializer = system.Materializer();
        var clock = Stopwatch.StartNew();
        var operators = app.CreateOperators();
        var name = Path.GetFileName(path);
        long lines = 0, outputs = 0;
        List<StreamTuple> a = [], b = [];
        var result = await FileIO.FromFile(new FileInfo(path), 1 << 20)
            .Via(Framing.Delimiter(ByteString.FromString("\n"), 1 << 20, allowTruncation: true))
            .Select(bytes => new StreamTuple($"{name}:{++lines}", bytes.ToString(Encoding.UTF8).TrimEnd('\r')))
            .Grouped(Batch)
            .Select(batch =>
            {
                var outs = App.Run(operators, batch.ToList(), a, b);
                var text = new StringBuilder();
                foreach (var t in outs) text.Append(t.Value).Append('\n');
                outputs += outs.Count;
                return ByteString.FromString(text.ToString());
            })
            .RunWith(FileIO.ToFile(new FileInfo(outputPath)), materializer);
        if (!result.WasSuccessful) throw new IOException("the Akka.Streams baseline failed", result.Error);
        return (lines, outputs, clock.Elapsed);
    }
}
