using Akka.Actor;

namespace RainStorm.Actors.Wire;

/// <summary>Writes one message's fields in order: little-endian numbers, length-prefixed UTF-8 strings, counted lists,
/// enums by name (so reordering an enum never changes a meaning), actor refs as full paths with this node's address.</summary>
public sealed class WireWriter(BinaryWriter writer)
{
    public void Byte(byte value) => writer.Write(value);
    public void Bool(bool value) => writer.Write(value);
    public void Int(int value) => writer.Write(value);
    public void Long(long value) => writer.Write(value);
    public void UInt(uint value) => writer.Write(value);
    public void Double(double value) => writer.Write(value);
    public void Str(string value) => writer.Write(value);
    public void Time(TimeSpan value) => writer.Write(value.Ticks);

    /// <summary>Ticks and kind: a UTC time reads back as UTC.</summary>
    public void Date(DateTime value)
    {
        writer.Write(value.Ticks);
        writer.Write((byte)value.Kind);
    }

    public void DateOffset(DateTimeOffset value)
    {
        writer.Write(value.UtcTicks);
        writer.Write((short)value.Offset.TotalMinutes);
    }

    public void Enum<T>(T value) where T : struct, System.Enum => writer.Write(value.ToString());

    public void Bytes(byte[] value)
    {
        writer.Write(value.Length);
        writer.Write(value);
    }

    /// <summary>The ref's path with this node's address (Akka's transport-aware form): it resolves on any node.</summary>
    public void Ref(IActorRef value) => writer.Write(Akka.Serialization.Serialization.SerializedActorPath(value));

    /// <summary>A presence flag, then the value when there is one.</summary>
    public void Optional<T>(T? value, Action<T> write) where T : class
    {
        writer.Write(value is not null);
        if (value is not null) write(value);
    }

    public void Optional<T>(T? value, Action<T> write) where T : struct
    {
        writer.Write(value.HasValue);
        if (value.HasValue) write(value.Value);
    }

    public void List<T>(IReadOnlyCollection<T> items, Action<T> write)
    {
        writer.Write(items.Count);
        foreach (var item in items) write(item);
    }

    public void Map<TKey, TValue>(IReadOnlyCollection<KeyValuePair<TKey, TValue>> entries, Action<TKey> key, Action<TValue> value)
    {
        writer.Write(entries.Count);
        foreach (var (k, v) in entries)
        {
            key(k);
            value(v);
        }
    }

    public void Ints(IReadOnlyCollection<int> values) => List(values, Int);
    public void Strings(IReadOnlyCollection<string> values) => List(values, Str);
}
