using Akka.Actor;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators.BuiltIn;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// The reading half of a source task (at-least-once and exactly_once alike): the lines the task owns, from its HyDFS
/// source chunk by chunk, with one chunk read ahead so that reading overlaps splitting and sending (at most two
/// chunks in memory). The owning actor passes <see cref="SourceReader.Opened"/> and <see cref="SourceReader.ChunkRead"/>
/// on; not thread-safe. Given a prefilter, lines it drops are taken without being decoded (see <see cref="LineSplitter"/>).
/// </summary>
public sealed class SourceFeed
{
    private readonly TaskSpec _spec;
    private readonly IActorRef _owner;
    private readonly CancellationToken _stop;
    private readonly LineSplitter _splitter;
    private SourceReader? _reader;
    private ReadOnlyMemory<byte>? _prefetched;
    private bool _reading;
    private bool _readerDone;
    private bool _finalLineTaken;

    public SourceFeed(TaskSpec spec, IActorRef owner, CancellationToken stop, Filter? prefilter = null)
    {
        _spec = spec;
        _owner = owner;
        _stop = stop;
        _splitter = new LineSplitter(spec.Plan.Source, spec.Id.Index, spec.StageTasks, spec.SourceBlockBytes, prefilter);
    }

    /// <summary>The source's next stage as a prefilter: a built-in <see cref="Filter"/> whose pattern can be matched on
    /// a line's bytes. It drops exactly what that stage would (filtering twice changes nothing), so the lines it drops
    /// need not be decoded, batched and sent; null for any other next stage.</summary>
    public static Filter? PrefilterOf(TaskSpec spec) =>
        spec.Downstream is { Op: "Filter" } next && new Filter(next.Arg) is { MatchesRawLines: true } filter ? filter : null;

    public bool IsOpen => _reader is not null;

    /// <summary>Where the chunks come from, for the task's log.</summary>
    public string Origin => _reader is { IsLocal: true } ? "the local replica" : "the primary";

    /// <summary>Lines of the file started so far, owned by this task or not.</summary>
    public long LinesSeen => _splitter.LinesSeen;

    /// <summary>Every chunk of the file has been handed to the splitter.</summary>
    public bool EndOfFile => _readerDone && _prefetched is null;

    /// <summary>Every owned line, the last one included, has been taken.</summary>
    public bool Exhausted => EndOfFile && _finalLineTaken && _splitter.NeedsChunk;

    public void Open(ActorSystem system, HyDfsClient client)
    {
        _reading = true;
        SourceReader.OpenFor(_owner, system, client, _spec.Plan.Source, _stop);
    }

    public void Opened(SourceReader reader)
    {
        _reader = reader;
        _reading = false;
        ReadAhead();
    }

    public void ChunkRead(ReadOnlyMemory<byte>? chunk)
    {
        _reading = false;
        if (chunk is { } data) _prefetched = data;
        else _readerDone = true;
    }

    /// <summary>Takes owned lines into <paramref name="into"/> until it holds <paramref name="count"/>, across chunks. False
    /// while a chunk is being read (call again when it arrives; what was taken stays); <paramref name="filled"/> tells
    /// whether all were found (false at the end of the file).</summary>
    public bool Fill(TakenLines into, int count, out bool filled)
    {
        filled = false;
        while (into.Lines < count)
        {
            if (!_splitter.NeedsChunk)
            {
                into.Lines += _splitter.Take(into.Tuples, count - into.Lines);
                continue;
            }
            if (_prefetched is { } next)
            {
                _splitter.Feed(next);
                _prefetched = null;
                ReadAhead();
                continue;
            }
            if (!_readerDone)
            {
                ReadAhead();
                return false;
            }
            if (!_finalLineTaken)
            {
                _finalLineTaken = true;
                if (_splitter.TakeLast(into.Tuples)) into.Lines++;
                continue;
            }
            return true;
        }
        filled = true;
        return true;
    }

    private void ReadAhead()
    {
        if (_reading || _readerDone || _prefetched is not null || _reader is null) return;
        _reading = true;
        _reader.ReadNextFor(_owner, _stop);
    }
}
