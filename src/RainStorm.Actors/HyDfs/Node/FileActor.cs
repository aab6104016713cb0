using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.HyDfs.Storage;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Node;

/// <summary>
/// One file on one node. Its role follows from the ring: the primary (first replica) orders and coalesces
/// appends, writes them, forwards each batch to the other replicas and acknowledges once every in-sync live
/// replica has it on disk; a replica applies the primary's batches in order and pulls what it misses; a node
/// that is no longer a replica hands its copy to the owners and then deletes it.
/// Copies are always prefixes of the primary's byte sequence, so a shorter copy is completed by pulling
/// the missing tail, chunk by chunk.
/// </summary>
internal sealed partial class FileActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private sealed record Tick;
    private sealed record Flush;
    private sealed record VerifyTimeout(int Round);

    private readonly string _name;
    private readonly string _self;
    private readonly string _directory;
    private readonly HyDfsSettings _settings;
    private readonly StoreIndex _index;
    private readonly PeerDirectory _peers;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private LocalFile? _file;
    private IReadOnlyList<string> _replicas = [];
    private IReadOnlySet<string> _unreachable = new HashSet<string>();
    private bool _isPrimary;
    private readonly RingChanged _initialRing;

    public FileActor(string name, string self, string directory, HyDfsSettings settings, StoreIndex index,
        PeerDirectory peers, LocalFile? file, RingChanged ring)
    {
        _name = name;
        _self = self;
        _directory = directory;
        _settings = settings;
        _index = index;
        _peers = peers;
        _file = file;
        if (file is not null) _ackedLength = file.Length;

        Receive<RingChanged>(OnRingChanged);
        Receive<Tick>(_ => OnTick());
        ReceiveRepair();
        ReceivePrimary();
        ReceiveReplica();
        Receive<ReceiveTimeout>(_ => StopIfIdle());
        _initialRing = ring;
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string name, string self, string directory, HyDfsSettings settings, StoreIndex index,
        PeerDirectory peers, LocalFile? file, RingChanged ring) =>
        Akka.Actor.Props.Create(() => new FileActor(name, self, directory, settings, index, peers, file, ring)).WithDispatcher(HyDfsSettings.Dispatcher);

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("tick", new Tick(), _settings.ReplicaRetryInterval);
        Context.SetReceiveTimeout(TimeSpan.FromSeconds(60));
        OnRingChanged(_initialRing);
    }

    protected override void PostStop() => _file?.Dispose();

    private long Length => _file?.Length ?? 0;

    private IEnumerable<string> LiveOthers => _replicas.Where(r => r != _self && !_unreachable.Contains(r));

    private void OnRingChanged(RingChanged changed)
    {
        _unreachable = changed.Unreachable;
        _replicas = changed.Ring.Replicas(_name, _settings.ReplicationFactor).Select(m => m.Node).ToList();
        var wasPrimary = _isPrimary;
        _isPrimary = _replicas.Count > 0 && _replicas[0] == _self;
        _inSync.IntersectWith(_replicas);
        // A node that left and comes back (maybe on an empty disk) must report its length afresh.
        foreach (var node in _replicaLength.Keys.Where(n => !_replicas.Contains(n)).ToList()) _replicaLength.Remove(node);
        if (_isPrimary && !wasPrimary) BeginVerify();
        else if (!_isPrimary && wasPrimary) StepDown();
        if (_isPrimary && _verified) ReleaseAcks();
        if (!_replicas.Contains(_self) && _file is null && _pullSource is null) StopIfIdle();
    }

    private void OnTick()
    {
        var now = DateTime.UtcNow;
        if (_pullSource is not null && now - _pullActivity > _settings.VerifyTimeout * 3)
        {
            _log.Warning("hydfs: pull of {0} from {1} stalled; giving up for now", _name, _pullSource);
            _pullSource = null;
            PullFinished();
        }
        RepairTick(now);
        if (_isPrimary) PrimaryTick(now);
        else if (!_replicas.Contains(_self) && _file is not null && _replicas.Count > 0) HandOffTick();
    }

    private void StopIfIdle()
    {
        if (_file is null && _pullSource is null && !_isPrimary && _queue.Count == 0)
            Context.Stop(Self);
        else if (_file is null && _isPrimary && _queue.Count == 0 && _verified)
            Context.Stop(Self);
    }

    private void Unstash() => Stash.UnstashAll();

    private void EnsureFile()
    {
        if (_file is not null) return;
        _file = LocalFile.Create(_directory, _name, _settings.Fsync);
        _index.Set(_name, 0);
    }

    private void Deleted()
    {
        _file?.Delete();
        _file = null;
        _index.Remove(_name);
        _log.Info("hydfs: handed {0} to its owners; local copy deleted", _name);
        Context.Stop(Self);
    }
}
