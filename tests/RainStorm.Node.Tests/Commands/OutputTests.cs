using System.Text.Json;
using RainStorm.Actors.Commands.Help;
using RainStorm.Actors.Commands.Output;

namespace RainStorm.Node.Tests.Commands;

public sealed class OutputTests
{
    [Fact]
    public void A_table_aligns_its_columns()
    {
        var table = new Table(new Column("ADDRESS", "address"), new Column("ROLES", "roles"), new Column("STATUS", "status"))
            .Add("127.0.0.1:4053", new[] { "leader", "worker" }, "Up")
            .Add("10.0.0.12:14054", new[] { "hydfs" }, "Leaving");
        var lines = table.ToLines();
        Assert.Equal(3, lines.Count);
        Assert.Equal("ADDRESS          ROLES          STATUS", lines[0]);
        Assert.Equal("127.0.0.1:4053   leader,worker  Up", lines[1]);
        Assert.Equal(lines[0].IndexOf("STATUS"), lines[2].IndexOf("Leaving"));
    }

    [Fact]
    public void Json_rows_are_keyed_by_column_and_keep_value_types()
    {
        var table = new Table(new Column("TASK", "task"), new Column("PID", "pid"), new Column("IN/s", "in_per_s"), new Column("ROLES", "roles"))
            .Add("j1-s1-t0", 4242, 12.5, new[] { "worker" });
        using var doc = JsonDocument.Parse(table.ToJsonText());
        var row = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("j1-s1-t0", row.GetProperty("task").GetString());
        Assert.Equal(4242, row.GetProperty("pid").GetInt32());
        Assert.Equal(12.5, row.GetProperty("in_per_s").GetDouble());
        Assert.Equal("worker", row.GetProperty("roles")[0].GetString());
        Assert.Equal("[]", new Table(new Column("A", "a")).ToJsonText());
    }

    [Fact]
    public void Help_lists_every_command_and_details_one()
    {
        var infos = PaletteSpecs.Palettes.Select(p => p.Info).ToList();
        var overview = HelpText.Overview(infos, [("exit", "leave")]);
        foreach (var spec in PaletteSpecs.All)
            Assert.Contains(overview, l => l.Contains(spec.Usage) && l.Contains(spec.Description));
        var wait = HelpText.Command(infos, ["wait"])!;
        Assert.Equal("usage: wait <job> [--timeout s] [--follow]", wait[0]);
        Assert.Contains(wait, l => l.StartsWith("example: wait "));
        var group = HelpText.Command(infos, ["cluster"])!;
        Assert.Equal(4, group.Count);
        Assert.Contains(HelpText.Command(infos, ["jobs"])!, l => l.Contains("one of: table, json"));
        Assert.Null(HelpText.Command(infos, ["nope"]));
        Assert.Contains(HelpText.Command(infos, ["submit"])!, l => l.Contains("also: submit"));
    }
}
