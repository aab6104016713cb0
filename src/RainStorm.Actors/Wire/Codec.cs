namespace RainStorm.Actors.Wire;

/// <summary>How one message type is written and read: its manifest (a short name that never changes, not a CLR type
/// name) and its fields in order.</summary>
public sealed record Codec(Type Type, string Manifest, Action<WireWriter, object> Write, Func<WireReader, object> Read)
{
    public static Codec Of<T>(string manifest, Action<WireWriter, T> write, Func<WireReader, T> read) where T : notnull =>
        new(typeof(T), manifest, (w, o) => write(w, (T)o), r => read(r));

    /// <summary>A message without fields: nothing is written, a new one is read.</summary>
    public static Codec Empty<T>(string manifest) where T : notnull, new() => Of<T>(manifest, (_, _) => { }, _ => new T());
}
