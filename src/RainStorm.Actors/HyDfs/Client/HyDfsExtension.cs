using Akka.Actor;
using Akka.Cluster;
using RainStorm.Actors.HyDfs.Ring;

namespace RainStorm.Actors.HyDfs.Client;

/// <summary>Per actor system: the current ring as clients see it, and the actor that runs the clients' append pipelines.</summary>
internal sealed class HyDfsExtension : IExtension
{
    private volatile HashRing _ring;

    public HyDfsExtension(ExtendedActorSystem system)
    {
        System = system;
        Settings = HyDfsSettings.Create(system);
        Peers = new PeerDirectory(system);
        _ring = ClusterRing.From(Cluster.Get(system).State.Members);
        Appender = system.SystemActorOf(ClientActor.Props(this), "hydfs-client");
    }

    public ExtendedActorSystem System { get; }
    public HyDfsSettings Settings { get; }
    public PeerDirectory Peers { get; }
    public IActorRef Appender { get; }

    private volatile TaskCompletionSource _ringChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HashRing Ring
    {
        get => _ring;
        set
        {
            _ring = value;
            Interlocked.Exchange(ref _ringChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>Completes at the next ring change: a request waiting on a node that left can be re-routed at once.</summary>
    public Task NextRingChange => _ringChanged.Task;

    public static HyDfsExtension Get(ActorSystem system) => system.WithExtension<HyDfsExtension, HyDfsExtensionProvider>();
}

internal sealed class HyDfsExtensionProvider : ExtensionIdProvider<HyDfsExtension>
{
    public override HyDfsExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
