using RainStorm.Actors.Commands.Model;

namespace RainStorm.Actors.Commands.Help;

/// <summary>The text of <c>help</c> and <c>help &lt;command&gt;</c>, built from palettes (shared by every console).</summary>
public static class HelpText
{
    /// <summary>Every command, grouped by palette, plus the console's own commands.</summary>
    public static IReadOnlyList<string> Overview(IReadOnlyList<PaletteInfo> palettes, IReadOnlyList<(string Name, string Description)> builtIns)
    {
        var rows = palettes.SelectMany(p => p.Commands).Select(c => c.Usage).Concat(builtIns.Select(b => b.Name)).ToList();
        var width = Math.Min(48, rows.Count == 0 ? 0 : rows.Max(r => r.Length));
        var lines = new List<string>();
        foreach (var palette in palettes)
        {
            lines.Add($"{palette.Module}: {palette.Description}");
            lines.AddRange(palette.Commands.Select(c => $"  {Pad(c.Usage, width)}  {c.Description}"));
        }
        lines.Add("console");
        lines.AddRange(builtIns.Select(b => $"  {Pad(b.Name, width)}  {b.Description}"));
        lines.Add("'help <command>' shows a command's arguments and an example.");
        return lines;
    }

    /// <summary>One command in detail, or a group's commands (<c>help hydfs</c>); null when nothing matches.</summary>
    public static IReadOnlyList<string>? Command(IReadOnlyList<PaletteInfo> palettes, IReadOnlyList<string> words)
    {
        var specs = palettes.SelectMany(p => p.Commands).ToList();
        var name = string.Join(' ', words);
        var spec = specs.FirstOrDefault(s => s.Names.Contains(name, StringComparer.OrdinalIgnoreCase));
        if (spec is not null) return Detail(spec);
        var group = specs.Where(s => string.Equals(s.Words[0], name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (group.Count == 0) return null;
        var width = group.Max(s => s.Usage.Length);
        return group.Select(s => $"  {Pad(s.Usage, width)}  {s.Description}").ToList();
    }

    private static List<string> Detail(CommandSpec spec)
    {
        var lines = new List<string> { $"usage: {spec.Usage}", $"  {spec.Description}" };
        if (spec.Aliases is { Count: > 0 } aliases) lines.Add($"  also: {string.Join(", ", aliases)}");
        if (spec.Arguments.Count > 0)
        {
            lines.Add("arguments:");
            var shown = spec.Arguments.Select(a => (Text: a.IsNamed ? string.Join(", ", a.Spellings) + (a.Kind == ArgumentKind.Option ? $" {a.ValueName}" : "") : $"<{a.Name}>", Arg: a)).ToList();
            var width = shown.Max(s => s.Text.Length);
            foreach (var (text, arg) in shown)
            {
                var allowed = arg.AllowedValues is { Count: > 0 } v ? $" (one of: {string.Join(", ", v)})" : "";
                var optional = arg.Kind == ArgumentKind.Positional && !arg.Required ? " (optional)" : "";
                lines.Add($"  {Pad(text, width)}  {arg.Description}{allowed}{optional}");
            }
        }
        lines.Add($"example: {spec.Example}");
        return lines;
    }

    private static string Pad(string text, int width) => text.Length >= width ? text : text.PadRight(width);
}
