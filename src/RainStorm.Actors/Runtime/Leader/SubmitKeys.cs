using Akka.Actor;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// Idempotent submits: which job each submit key created (journaled with the job, so a leader taking over knows it
/// too), and the clients of copies that arrived while the first copy of a key was still being checked or journaled.
/// A copy of a known key is answered with its job; a copy of a pending key waits for the first one's outcome.
/// </summary>
public sealed class SubmitKeys
{
    /// <summary>A client waiting for a submit's outcome; <paramref name="Follow"/>: it also follows the job.</summary>
    public sealed record Client(IActorRef Ref, bool Follow);

    private readonly Dictionary<string, string> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Client>> _pending = new(StringComparer.Ordinal);

    /// <summary>The job an earlier copy of this key created, if any.</summary>
    public string? JobOf(string? key) => key is not null && _jobs.TryGetValue(key, out var job) ? job : null;

    /// <summary>True when a copy of <paramref name="key"/> is already under way: <paramref name="client"/> then waits
    /// for its outcome. Otherwise this copy goes ahead and later copies wait for it.</summary>
    public bool JoinPending(string? key, Client client)
    {
        if (key is null) return false;
        if (_pending.TryGetValue(key, out var waiting))
        {
            waiting.Add(client);
            return true;
        }
        _pending[key] = [];
        return false;
    }

    /// <summary>The first copy's job was journaled: the key names it from now on. Returns the clients of the other copies.</summary>
    public IReadOnlyList<Client> Accepted(string? key, string jobId)
    {
        if (key is null) return [];
        _jobs[key] = jobId;
        return _pending.Remove(key, out var waiting) ? waiting : [];
    }

    /// <summary>The first copy was refused: a later copy may try again. Returns the clients of the other copies.</summary>
    public IReadOnlyList<Client> Refused(string? key) => key is not null && _pending.Remove(key, out var waiting) ? waiting : [];

    /// <summary>A job from the journal (a leader taking over).</summary>
    public void Recovered(string? key, string jobId)
    {
        if (key is not null) _jobs[key] = jobId;
    }
}
