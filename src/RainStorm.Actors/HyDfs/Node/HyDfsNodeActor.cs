using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using RainStorm.Actors.HyDfs.Client;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.HyDfs.Storage;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.HyDfs.Node;

/// <summary>
/// The <c>hydfs</c> actor of a node with role hydfs: keeps the ring from cluster membership, opens the files
/// stored under <c>&lt;data&gt;/hydfs</c> on start, and routes every file message to that file's child actor.
/// </summary>
public sealed class HyDfsNodeActor : ReceiveActor
{
    private readonly string _directory;
    private readonly HyDfsSettings _settings;
    private readonly StoreIndex _index = new();
    private readonly PeerDirectory _peers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly string _self;
    private readonly HashSet<string> _unreachable = new();
    private readonly Membership _membership = new();
    private readonly Dictionary<string, IActorRef> _files = new();
    private readonly Dictionary<IActorRef, string> _keys = new();
    private readonly Dictionary<string, string> _keyOfName = new(StringComparer.Ordinal);
    private HashRing _ring = HashRing.Empty;
    private long _incarnation;

    public HyDfsNodeActor(string directory, HyDfsSettings settings)
    {
        _directory = directory;
        _settings = settings;
        _peers = new PeerDirectory(Context.System);
        _self = NodeName.Of(_cluster.SelfAddress);

        Receive<ClusterEvent.CurrentClusterState>(RefreshRing);
        Receive<ClusterEvent.IMemberEvent>(RefreshRing);
        Receive<ClusterEvent.IReachabilityEvent>(RefreshRing);
        Receive<ListStore>(_ => Sender.Tell(new StoreListing(_self, StableHash.Of(_self), _index.Snapshot())));
        Receive<AppendLocalFile>(OnAppendLocalFile);
        Receive<IFileMessage>(Route);
        Receive<Terminated>(t =>
        {
            if (_keys.Remove(t.ActorRef, out var key)) _files.Remove(key);
        });
    }

    public static Props Props(string directory, HyDfsSettings settings) =>
        Akka.Actor.Props.Create(() => new HyDfsNodeActor(directory, settings)).WithDispatcher(HyDfsSettings.Dispatcher);

    protected override void PreStart()
    {
        Directory.CreateDirectory(_directory);
        HyDfsMetrics.For(Context.System).Track(_index);
        foreach (var meta in Directory.EnumerateFiles(_directory, "*.meta"))
        {
            LocalFile? file;
            try
            {
                file = LocalFile.Open(meta, _settings.Fsync);
            }
            catch (InvalidDataException e)
            {
                _log.Error("hydfs: {0} is not served and left as it is on disk", e.Message);
                continue;
            }
            if (file is null) continue;
            _index.Set(file.Name, file.Length);
            Spawn(file.Name, file);
        }
        _log.Info("hydfs: serving {0} stored files from {1}", _index.Snapshot().Count, _directory);
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private RingChanged Current => new(_ring, new HashSet<string>(_unreachable));

    private void RefreshRing(object clusterEvent)
    {
        if (!_membership.Apply(clusterEvent)) return;
        _ring = _membership.Ring;
        _peers.Retain(_ring);
        _unreachable.Clear();
        _unreachable.UnionWith(_membership.Unreachable);
        _log.Info("hydfs: ring is now [{0}]{1}", _ring, _unreachable.Count > 0 ? $" (unreachable: {string.Join(", ", _unreachable)})" : "");
        var changed = Current;
        foreach (var child in _files.Values) child.Tell(changed);
    }

    private void Route(IFileMessage message)
    {
        var name = message.Name ?? "";
        if (!_keyOfName.TryGetValue(name, out var key))
        {
            if (FileNames.Problem(message.Name) is { } problem)
            {
                Sender.Tell(new Failed(name, $"bad HyDFS file name: {problem}"));
                return;
            }
            if (_keyOfName.Count > 10_000) _keyOfName.Clear();
            key = _keyOfName[name] = FileNames.DiskKey(name);
        }
        if (!_files.TryGetValue(key, out var child))
        {
            switch (message)
            {
                case Query:
                    Sender.Tell(new QueryResult(name, _self, false, 0));
                    return;
                case Pull or ReadLocal:
                    Sender.Tell(new Failed(name, $"{_self} holds no replica of '{name}'"));
                    return;
                case ReplicaProgress:
                    return;
                case IPrimaryRequest request when _ring.Primary(name) != _self:
                    Sender.Tell(new Retry(name, $"{_self} is not the primary of '{name}'",
                        FileActor.ClientOf(request), FileActor.SeqOf(request)));
                    return;
            }
            child = Spawn(message.Name!, null);
        }
        child.Forward(message);
    }

    private IActorRef Spawn(string name, LocalFile? file)
    {
        var key = FileNames.DiskKey(name);
        // A stopping child may still hold its name, so every incarnation gets a fresh one.
        var child = Context.ActorOf(FileActor.Props(name, _self, _directory, _settings, _index, _peers, file, Current), $"{key}-{++_incarnation}");
        Context.Watch(child);
        _files[key] = child;
        _keys[child] = key;
        return child;
    }

    private void OnAppendLocalFile(AppendLocalFile request)
    {
        var replyTo = Sender;
        var name = request.Name;
        HyDfsClient.For(Context.System).AppendFromFileAsync(name, request.LocalPath).ContinueWith(task =>
            task.IsCompletedSuccessfully
                ? new Done(name)
                : (object)new Failed(name, task.Exception?.GetBaseException() is HyDfsException e ? e.Message : $"{_self}: {task.Exception?.GetBaseException().Message}"))
            .PipeTo(replyTo);
    }
}
