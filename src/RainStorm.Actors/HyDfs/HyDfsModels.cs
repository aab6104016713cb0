namespace RainStorm.Actors.HyDfs;

/// <summary>A hydfs node on the ring. Node = host:port.</summary>
public sealed record RingMember(string Node, long RingId);

/// <summary>Where a file lives: its id on the ring and its replicas, primary first.</summary>
public sealed record FileLocation(string File, long FileId, IReadOnlyList<RingMember> Replicas);

public sealed record StoredFile(string Name, long FileId, long Length);

/// <summary>The files stored on one node.</summary>
public sealed record StoreListing(string Node, long RingId, IReadOnlyList<StoredFile> Files);
