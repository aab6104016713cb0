using System.Text;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class LineSplitterTests
{
    private static List<StreamTuple> Split(byte[] file, int task, int tasks, int blockBytes, int chunkBytes, int takeAtOnce) =>
        SplitCounting(file, task, tasks, blockBytes, chunkBytes, takeAtOnce, prefilter: null).Tuples;

    private static (List<StreamTuple> Tuples, int Lines) SplitCounting(byte[] file, int task, int tasks, int blockBytes, int chunkBytes,
        int takeAtOnce, Filter? prefilter)
    {
        var splitter = new LineSplitter("f.csv", task, tasks, blockBytes, prefilter);
        var tuples = new List<StreamTuple>();
        var lines = 0;
        for (var at = 0; at < file.Length; at += chunkBytes)
        {
            splitter.Feed(file.AsMemory(at, Math.Min(chunkBytes, file.Length - at)));
            while (!splitter.NeedsChunk) lines += splitter.Take(tuples, takeAtOnce);
        }
        if (splitter.TakeLast(tuples)) lines++;
        return (tuples, lines);
    }

    [Theory]
    [InlineData(1, 64, 1000, 1000)]
    [InlineData(3, 64, 7, 3)]
    [InlineData(3, 16, 100, 1)]
    [InlineData(4, 128, 33, 5)]
    [InlineData(2, 4096, 4096, 100)]
    public void Every_line_goes_to_exactly_one_task_with_its_line_number_whatever_the_chunking(int tasks, int blockBytes, int chunkBytes, int takeAtOnce)
    {
        var random = new Random(tasks * 1000 + blockBytes);
        var lines = Enumerable.Range(1, 400).Select(i => random.Next(10) switch
        {
            0 => "",
            1 => new string('x', random.Next(100, 300)) + i,
            2 => $"crlf {i}\r",
            3 => $"ünïcödé {i} 東京",
            _ => $"line {i}," + new string('y', random.Next(0, 40)),
        }).ToList();
        var file = Encoding.UTF8.GetBytes(string.Join('\n', lines));

        var all = Enumerable.Range(0, tasks).SelectMany(t => Split(file, t, tasks, blockBytes, chunkBytes, takeAtOnce)).ToList();

        var expected = lines.Select((l, i) => new StreamTuple($"f.csv:{i + 1}", l.TrimEnd('\r'))).ToList();
        Assert.Equal(expected, all.OrderBy(t => int.Parse(t.Key[6..])).ToList());
    }

    [Fact]
    public void A_file_ending_with_a_line_break_has_no_extra_empty_line_and_blocks_are_shared_out()
    {
        var file = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 100).Select(i => $"{i:D7}\n")));

        var perTask = Enumerable.Range(0, 2).Select(t => Split(file, t, 2, blockBytes: 64, chunkBytes: 50, takeAtOnce: 10)).ToList();

        Assert.Equal(100, perTask.Sum(p => p.Count));
        Assert.All(perTask, p => Assert.InRange(p.Count, 40, 60));
        Assert.Equal("f.csv:1", perTask[0][0].Key);
        Assert.Equal("0000001", perTask[0][0].Value);
    }

    [Theory]
    [InlineData("line", 3, 64, 7, 5, true)]
    [InlineData("東京", 2, 128, 33, 5, true)]
    [InlineData("9", 1, 4096, 4096, 5, true)]
    [InlineData("line 1", 3, 256, 1000, 1000, true)]
    [InlineData("東京", 2, 4096, 777, 40, true)]
    // A line's value has no line break and no trailing CR, so these match the raw bytes but never a line.
    [InlineData("\r", 1, 512, 4096, 1000, false)]
    [InlineData("9\nline", 2, 512, 600, 1000, false)]
    public void A_prefilter_leaves_exactly_the_tuples_its_filter_passes_and_every_line_is_still_taken(string pattern, int tasks, int blockBytes,
        int chunkBytes, int takeAtOnce, bool someLinesPass)
    {
        var random = new Random(blockBytes);
        var lines = Enumerable.Range(1, 400).Select(i => random.Next(4) switch
        {
            0 => $"crlf {i}\r",
            1 => $"ünïcödé {i} 東京",
            2 => "",
            _ => $"line {i}",
        }).ToList();
        var file = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\nlast line without a break");
        var filter = new Filter(pattern);

        for (var task = 0; task < tasks; task++)
        {
            var (all, allLines) = SplitCounting(file, task, tasks, blockBytes, chunkBytes, takeAtOnce, prefilter: null);
            var (kept, keptLines) = SplitCounting(file, task, tasks, blockBytes, chunkBytes, takeAtOnce, prefilter: filter);

            var passed = new List<StreamTuple>();
            filter.Process(all, passed);
            Assert.Equal(passed, kept);
            Assert.Equal(allLines, keptLines);
            Assert.Equal(all.Count, allLines);
        }
        var passedInAll = Enumerable.Range(0, tasks).Sum(t => SplitCounting(file, t, tasks, blockBytes, chunkBytes, takeAtOnce, filter).Tuples.Count);
        Assert.Equal(someLinesPass, passedInAll > 0);
    }
}
