namespace RainStorm.Testing;

/// <summary>Node log lines saying a message could not be serialized or deserialized: a message type that crosses the
/// network without a codec (refused by RainStorm's unbound-type serializer) or a codec that broke. A cluster fixture
/// fails its test class when its nodes logged any.</summary>
public static class SerializationFailures
{
    public static IReadOnlyList<string> In(IEnumerable<string> logLines) => logLines
        .Where(l => l.Contains(" WARN ", StringComparison.Ordinal) || l.Contains(" ERROR ", StringComparison.Ordinal))
        .Where(l => l.Contains("serializ", StringComparison.OrdinalIgnoreCase) || l.Contains("has no serializer", StringComparison.Ordinal))
        .ToList();

    public static void ThrowIfAny(IEnumerable<string> logLines)
    {
        var failures = In(logLines);
        if (failures.Count > 0)
            throw new InvalidOperationException($"the nodes logged {failures.Count} serialization failures:\n" + string.Join("\n", failures.Take(20)));
    }
}
