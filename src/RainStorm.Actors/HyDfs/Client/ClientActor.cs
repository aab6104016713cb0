using Akka.Actor;
using Akka.Cluster;
using RainStorm.Actors.HyDfs.Ring;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Client;

/// <summary>
/// Runs the append pipelines of every HyDfsClient of this actor system: per (file, client) the appends go out in
/// sequence order, many in flight at once, from this one actor to the file's primary (so Akka keeps their order).
/// Acks are cumulative; a refused, lost or re-routed append is resent together with everything after it, and the
/// primary drops what it already applied.
/// </summary>
internal sealed class ClientActor : ReceiveActor, IWithTimers
{
    public sealed record Submit(string Name, byte[] Data, string ClientId, long Seq, TaskCompletionSource Done);
    private sealed record Tick;
    private sealed record Resend(string Name, string ClientId);
    private sealed record SendPending
    {
        public static readonly SendPending Instance = new();
    }

    private sealed class Pending(Submit submit, long prevSeq, DateTime deadline)
    {
        public Submit Submit { get; } = submit;
        public long PrevSeq { get; set; } = prevSeq;
        public DateTime Deadline { get; } = deadline;
        public long Seq => Submit.Seq;
    }

    private sealed class Pipeline(string name, string clientId)
    {
        public string Name { get; } = name;
        public string ClientId { get; } = clientId;
        public List<Pending> Items { get; } = [];
        public int Sent { get; set; }
        public long SentBytes { get; set; }
        public string? SentTo { get; set; }
        public DateTime LastProgress { get; set; } = DateTime.UtcNow;
    }

    private const long MaxBytesInFlight = 16L * 1024 * 1024;
    private const long MaxMessageBytes = 1024 * 1024;
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(3);

    private readonly HyDfsExtension _ext;
    private readonly Dictionary<(string, string), Pipeline> _pipelines = new();
    private readonly Membership _membership = new();
    private readonly HashSet<Pipeline> _toSend = new();
    private bool _sendPending;

    public ClientActor(HyDfsExtension ext)
    {
        _ext = ext;
        Receive<Submit>(OnSubmit);
        Receive<SendPending>(_ => OnSendPending());
        Receive<AppendAck>(ack => Acked(ack.Name, ack.ClientId, ack.Seq));
        Receive<AppendGap>(gap =>
        {
            Acked(gap.Name, gap.ClientId, gap.Highest);
            if (_pipelines.TryGetValue((gap.Name, gap.ClientId), out var p)) ResendAll(p);
        });
        Receive<Retry>(retry => retry.ClientId is not null, retry =>
            Timers.StartSingleTimer(("resend", retry.Name, retry.ClientId), new Resend(retry.Name, retry.ClientId!), TimeSpan.FromMilliseconds(150)));
        Receive<Resend>(r =>
        {
            if (_pipelines.TryGetValue((r.Name, r.ClientId), out var p)) ResendAll(p);
        });
        Receive<Failed>(OnFailed);
        Receive<Tick>(_ => OnTick());
        Receive<ClusterEvent.IMemberEvent>(OnRingMaybeChanged);
        Receive<ClusterEvent.CurrentClusterState>(OnRingMaybeChanged);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(HyDfsExtension ext) => Akka.Actor.Props.Create(() => new ClientActor(ext));

    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.FromMilliseconds(500));
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        foreach (var item in _pipelines.Values.SelectMany(p => p.Items))
            item.Submit.Done.TrySetException(new HyDfsException("the HyDFS client stopped (actor system shutting down)."));
    }

    private void OnRingMaybeChanged(object clusterEvent)
    {
        if (!_membership.Apply(clusterEvent)) return;
        _ext.Ring = _membership.Ring;
        _ext.Peers.Retain(_membership.Ring);
        foreach (var pipeline in _pipelines.Values)
            if (pipeline.Sent > 0 && _ext.Ring.Primary(pipeline.Name) != pipeline.SentTo) ResendAll(pipeline);
    }

    private void OnSubmit(Submit submit)
    {
        var key = (submit.Name, submit.ClientId);
        if (!_pipelines.TryGetValue(key, out var pipeline)) _pipelines[key] = pipeline = new Pipeline(submit.Name, submit.ClientId);
        var prev = pipeline.Items.Count > 0 ? pipeline.Items[^1].Seq : NoPrevious;
        if (pipeline.Items.Count == 0) pipeline.LastProgress = DateTime.UtcNow;
        pipeline.Items.Add(new Pending(submit, prev, DateTime.UtcNow + _ext.Settings.RequestTimeout));
        // Submits already in the mailbox are handled before SendPending: they leave together in one message.
        _toSend.Add(pipeline);
        if (_sendPending) return;
        _sendPending = true;
        Self.Tell(SendPending.Instance);
    }

    private void OnSendPending()
    {
        _sendPending = false;
        foreach (var pipeline in _toSend)
            if (_pipelines.ContainsKey((pipeline.Name, pipeline.ClientId))) SendMore(pipeline);
        _toSend.Clear();
    }

    private void SendMore(Pipeline pipeline)
    {
        var primary = _ext.Ring.Primary(pipeline.Name);
        if (primary is null) return;
        if (pipeline.Sent > 0 && primary != pipeline.SentTo)
        {
            ResendAll(pipeline);
            return;
        }
        var target = _ext.Peers.Of(primary);
        var batch = new List<Pending>();
        long batchBytes = 0;
        while (pipeline.Sent < pipeline.Items.Count && pipeline.Sent < _ext.Settings.ClientMaxInFlight
               && (pipeline.Sent == 0 || pipeline.SentBytes < MaxBytesInFlight))
        {
            var item = pipeline.Items[pipeline.Sent++];
            pipeline.SentBytes += item.Submit.Data.Length;
            if (batch.Count > 0 && batchBytes + item.Submit.Data.Length > MaxMessageBytes)
            {
                Send(target, pipeline, batch);
                batch.Clear();
                batchBytes = 0;
            }
            batch.Add(item);
            batchBytes += item.Submit.Data.Length;
        }
        if (batch.Count > 0) Send(target, pipeline, batch);
        pipeline.SentTo = primary;
    }

    /// <summary>What waits to be sent goes as one message: per-message remoting cost, not per-append, bounds throughput.</summary>
    private void Send(ICanTell target, Pipeline pipeline, List<Pending> batch)
    {
        if (batch.Count == 1)
        {
            var item = batch[0];
            target.Tell(new Append(pipeline.Name, item.Submit.Data, pipeline.ClientId, item.Seq, item.PrevSeq), Self);
            return;
        }
        target.Tell(new AppendBatch(pipeline.Name, pipeline.ClientId, batch.Select(p => p.Seq).ToArray(),
            batch.Select(p => p.PrevSeq).ToArray(), batch.Select(p => p.Submit.Data).ToArray()), Self);
    }

    private void ResendAll(Pipeline pipeline)
    {
        pipeline.Sent = 0;
        pipeline.SentBytes = 0;
        pipeline.LastProgress = DateTime.UtcNow;
        SendMore(pipeline);
    }

    private void Acked(string name, string clientId, long seq)
    {
        if (!_pipelines.TryGetValue((name, clientId), out var pipeline)) return;
        var done = 0;
        while (done < pipeline.Items.Count && pipeline.Items[done].Seq <= seq)
        {
            pipeline.Items[done].Submit.Done.TrySetResult();
            pipeline.SentBytes -= done < pipeline.Sent ? pipeline.Items[done].Submit.Data.Length : 0;
            done++;
        }
        if (done == 0) return;
        pipeline.Items.RemoveRange(0, done);
        pipeline.Sent = Math.Max(0, pipeline.Sent - done);
        pipeline.LastProgress = DateTime.UtcNow;
        if (pipeline.Items.Count == 0) _pipelines.Remove((name, clientId));
        else SendMore(pipeline);
    }

    private void OnFailed(Failed failed)
    {
        if (failed.ClientId is null || !_pipelines.TryGetValue((failed.Name, failed.ClientId), out var pipeline)) return;
        var index = pipeline.Items.FindIndex(p => p.Seq == failed.Seq);
        if (index < 0) return;
        Remove(pipeline, index, new HyDfsException(failed.Message));
    }

    private void Remove(Pipeline pipeline, int index, Exception error)
    {
        var item = pipeline.Items[index];
        item.Submit.Done.TrySetException(error);
        if (index + 1 < pipeline.Items.Count) pipeline.Items[index + 1].PrevSeq = item.PrevSeq;
        if (index < pipeline.Sent)
        {
            pipeline.Sent--;
            pipeline.SentBytes -= item.Submit.Data.Length;
        }
        pipeline.Items.RemoveAt(index);
        if (pipeline.Items.Count == 0) _pipelines.Remove((pipeline.Name, pipeline.ClientId));
        else SendMore(pipeline);
    }

    private void OnTick()
    {
        var now = DateTime.UtcNow;
        foreach (var pipeline in _pipelines.Values.ToList())
        {
            for (var i = pipeline.Items.Count - 1; i >= 0; i--)
                if (pipeline.Items[i].Deadline < now)
                    Remove(pipeline, i, new HyDfsException($"append to '{pipeline.Name}' was not acknowledged within {_ext.Settings.RequestTimeout.TotalSeconds:0}s (is a hydfs node up?)."));
            if (!_pipelines.ContainsKey((pipeline.Name, pipeline.ClientId))) continue;
            if (pipeline.Sent == 0 || now - pipeline.LastProgress > AckTimeout) ResendAll(pipeline);
        }
    }
}
