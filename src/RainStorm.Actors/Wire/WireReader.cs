using System.Runtime.Serialization;
using Akka.Actor;

namespace RainStorm.Actors.Wire;

/// <summary>Reads what <see cref="WireWriter"/> wrote, in the same order. <see cref="Version"/>: the layout version
/// the message was written with, so a codec can read every version it ever wrote.</summary>
public sealed class WireReader(BinaryReader reader, ExtendedActorSystem system, byte version)
{
    /// <summary>Counts above this are a broken message, not a list to allocate.</summary>
    private const int MaxCount = 64 * 1024 * 1024;

    public byte Version { get; } = version;

    public byte Byte() => reader.ReadByte();
    public bool Bool() => reader.ReadBoolean();
    public int Int() => reader.ReadInt32();
    public long Long() => reader.ReadInt64();
    public uint UInt() => reader.ReadUInt32();
    public double Double() => reader.ReadDouble();
    public string Str() => reader.ReadString();
    public TimeSpan Time() => TimeSpan.FromTicks(reader.ReadInt64());

    public DateTime Date()
    {
        var ticks = reader.ReadInt64();
        return new DateTime(ticks, (DateTimeKind)reader.ReadByte());
    }

    public DateTimeOffset DateOffset()
    {
        var utcTicks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    public T Enum<T>() where T : struct, System.Enum =>
        System.Enum.TryParse<T>(reader.ReadString(), out var value) ? value : throw new SerializationException($"unknown {typeof(T).Name} value");

    public byte[] Bytes() => reader.ReadBytes(Count());

    public IActorRef Ref() => system.Provider.ResolveActorRef(reader.ReadString());

    public T? Optional<T>(Func<T> read) where T : class => reader.ReadBoolean() ? read() : null;

    public T? OptionalValue<T>(Func<T> read) where T : struct => reader.ReadBoolean() ? read() : null;

    public T[] List<T>(Func<T> read)
    {
        var items = new T[Count()];
        for (var i = 0; i < items.Length; i++) items[i] = read();
        return items;
    }

    public Dictionary<TKey, TValue> Map<TKey, TValue>(Func<TKey> key, Func<TValue> value) where TKey : notnull
    {
        var count = Count();
        var map = new Dictionary<TKey, TValue>(count);
        for (var i = 0; i < count; i++)
        {
            var k = key();
            map[k] = value();
        }
        return map;
    }

    public int[] Ints() => List(Int);
    public string[] Strings() => List(Str);

    private int Count()
    {
        var count = reader.ReadInt32();
        return count is >= 0 and <= MaxCount ? count : throw new SerializationException($"a count of {count} in a message");
    }
}
