using System.Collections;
using Akka.Actor;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>Compares two messages field by field (records by their constructor's fields, lists and maps by their
/// items, actor refs by path, times with their kind and offset); returns where they first differ, or null.</summary>
public static class DeepEquality
{
    public static string? Difference(object? expected, object? actual, string at = "")
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{at}: {Show(expected)} vs {Show(actual)}";
        if (expected.GetType() != actual.GetType() && !(expected is IEnumerable && actual is IEnumerable))
            return $"{at}: type {expected.GetType().Name} vs {actual.GetType().Name}";
        switch (expected)
        {
            case IActorRef e:
                return e.Path.Equals(((IActorRef)actual).Path) ? null : $"{at}: {e.Path} vs {((IActorRef)actual).Path}";
            case DateTime e:
                var a = (DateTime)actual;
                return e.Ticks == a.Ticks && e.Kind == a.Kind ? null : $"{at}: {e:O} ({e.Kind}) vs {a:O} ({a.Kind})";
            case DateTimeOffset e:
                var o = (DateTimeOffset)actual;
                return e.UtcTicks == o.UtcTicks && e.Offset == o.Offset ? null : $"{at}: {e:O} vs {o:O}";
            case string or ValueType:
                return expected.Equals(actual) ? null : $"{at}: {Show(expected)} vs {Show(actual)}";
            case IDictionary e:
                var map = (IDictionary)actual;
                if (e.Count != map.Count) return $"{at}: {e.Count} entries vs {map.Count}";
                foreach (DictionaryEntry entry in e)
                {
                    if (!map.Contains(entry.Key)) return $"{at}[{entry.Key}]: missing";
                    if (Difference(entry.Value, map[entry.Key], $"{at}[{entry.Key}]") is { } d) return d;
                }
                return null;
            case IEnumerable e:
                var left = e.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                if (left.Count != right.Count) return $"{at}: {left.Count} items vs {right.Count}";
                for (var i = 0; i < left.Count; i++)
                    if (Difference(left[i], right[i], $"{at}[{i}]") is { } d) return d;
                return null;
        }
        foreach (var field in FieldsOf(expected.GetType()))
        {
            if (Difference(field.GetValue(expected), field.GetValue(actual), $"{at}.{field.Name}") is { } d) return d;
        }
        return null;
    }

    /// <summary>The properties named like the widest constructor's parameters: a record's data, not what it computes.</summary>
    private static IEnumerable<System.Reflection.PropertyInfo> FieldsOf(Type type)
    {
        var names = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()?.GetParameters()
            .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return type.GetProperties().Where(p => p.GetIndexParameters().Length == 0 && names.Contains(p.Name));
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
