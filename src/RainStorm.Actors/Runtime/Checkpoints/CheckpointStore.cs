using Akka.Actor;
using RainStorm.Actors.Runtime.Serialization;
using RainStorm.Actors.HyDfs;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;

namespace RainStorm.Actors.Runtime.Checkpoints;

/// <summary>
/// Checkpoint files on HyDFS (<c>_rainstorm/checkpoints/job/...</c>): a task's part when too large to travel inline,
/// and each completed checkpoint's manifest. Every file is written once under a fresh name (a checkpoint number may be
/// tried again after a leader move), in RainStorm's own binary layout (<see cref="CheckpointSerializer"/>).
/// </summary>
public sealed class CheckpointStore(ActorSystem system)
{
    private HyDfsClient? _client;
    private readonly Akka.Serialization.Serialization _serialization = system.Serialization;

    private HyDfsClient Client => _client ??= HyDfsClient.For(system);

    public static string Folder(string jobId) => $"_rainstorm/checkpoints/{Uri.EscapeDataString(jobId)}";

    private static string Fresh() => Guid.NewGuid().ToString("N")[..12];

    public byte[] Encode(object record) => _serialization.FindSerializerFor(record).ToBinary(record);

    private T Decode<T>(byte[] bytes) => (T)_serialization.Deserialize(bytes, CheckpointSerializer.SerializerId, CheckpointSerializer.ManifestOf(typeof(T)));

    /// <summary>Stores a task's part of checkpoint <paramref name="id"/>; the file's name.</summary>
    public async Task<string> SaveTaskAsync(string jobId, long id, int stage, int index, byte[] encoded)
    {
        var name = $"{Folder(jobId)}/{id}-s{stage}-t{index}-{Fresh()}";
        await Client.CreateAsync(name, encoded);
        return name;
    }

    public async Task<string> SaveManifestAsync(CheckpointManifest manifest)
    {
        var name = $"{Folder(manifest.JobId)}/{manifest.Id}-manifest-{Fresh()}";
        await Client.CreateAsync(name, Encode(manifest));
        return name;
    }

    public async Task<CheckpointManifest> LoadManifestAsync(string name) => Decode<CheckpointManifest>(await Client.GetAsync(name));

    /// <summary>The parts of <paramref name="entries"/>, read from their files where not inline.</summary>
    public async Task<IReadOnlyList<(int Index, TaskCheckpoint State)>> LoadPartsAsync(IEnumerable<CheckpointEntry> entries)
    {
        var parts = new List<(int, TaskCheckpoint)>();
        foreach (var entry in entries)
            parts.Add((entry.Index, entry.State ?? Decode<TaskCheckpoint>(await Client.GetAsync(entry.File!))));
        return parts;
    }
}
