using System.Collections;
using System.Reflection;
using Akka.Actor;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>
/// Builds an instance of any message record from its widest constructor, every field set to a value that differs from
/// its default (and from its neighbours'), so a codec that drops or swaps a field fails the round trip. With
/// <c>nulls</c>, every nullable field is null instead (the other side of each optional field).
/// </summary>
public sealed class SampleValues(IActorRef actor, bool nulls)
{
    private static readonly NullabilityInfoContext Nullability = new();
    private int _next = 1;

    public object Of(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                          ?? throw new InvalidOperationException($"{type} has no public constructor to build a sample with");
        var arguments = constructor.GetParameters().Select(p =>
            nulls && IsNullable(p) ? null : Value(p.ParameterType, p.Name ?? "x")).ToArray();
        return constructor.Invoke(arguments);
    }

    private static bool IsNullable(ParameterInfo p) =>
        Nullable.GetUnderlyingType(p.ParameterType) is not null ||
        (!p.ParameterType.IsValueType && Nullability.Create(p).WriteState == NullabilityState.Nullable);

    private object Value(Type type, string name)
    {
        var n = _next++;
        if (Nullable.GetUnderlyingType(type) is { } inner) return Value(inner, name);
        if (type == typeof(string)) return $"{name}-{n} é東";
        if (type == typeof(int)) return 1000 + n;
        if (type == typeof(long)) return 5_000_000_000L + n;
        if (type == typeof(uint)) return 3_000_000_000u + (uint)n;
        if (type == typeof(double)) return n + 0.25;
        if (type == typeof(bool)) return true;
        if (type == typeof(byte)) return (byte)(200 + n % 50);
        if (type == typeof(TimeSpan)) return TimeSpan.FromTicks(12_345_678 + n);
        if (type == typeof(DateTime)) return new DateTime(2026, 12, 7, 15, 4, 5, DateTimeKind.Utc).AddTicks(n);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 12, 7, 17, 4, 5, TimeSpan.FromHours(2)).AddTicks(n);
        if (type.IsEnum) return Enum.GetValues(type).Cast<object>().Last();
        if (typeof(IActorRef).IsAssignableFrom(type)) return actor;
        if (type == typeof(byte[])) return new byte[] { 0, 255, (byte)n, 7 };
        if (type.IsArray) return ArrayOf(type.GetElementType()!, name);
        if (type.IsGenericType && Dictionary(type) is { } map) return map;
        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
            return ArrayOf(type.GetGenericArguments()[0], name);
        if (type.IsClass && !type.IsAbstract) return Of(type);
        throw new InvalidOperationException($"no sample value for {type} ({name}): teach SampleValues this type");
    }

    private Array ArrayOf(Type element, string name)
    {
        var array = Array.CreateInstance(element, 2);
        for (var i = 0; i < array.Length; i++) array.SetValue(Value(element, name), i);
        return array;
    }

    private object? Dictionary(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        if (definition != typeof(IReadOnlyDictionary<,>) && definition != typeof(IDictionary<,>) && definition != typeof(Dictionary<,>)) return null;
        var args = type.GetGenericArguments();
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
        for (var i = 0; i < 2; i++) map[Value(args[0], "key")] = Value(args[1], "value");
        return map;
    }
}
