using System.Xml.Linq;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.Layout;

/// <summary>Issue 2's layout rules that code can check: the operators are plain C#, and Akka is pinned to one version.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_operators_assembly_references_nothing_from_akka()
    {
        var references = typeof(Filter).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("System.Runtime", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Akka", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_akka_package_is_pinned_to_1_5_73()
    {
        var props = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props"));
        var akka = props.Descendants("PackageVersion")
            .Where(p => ((string?)p.Attribute("Include"))?.StartsWith("Akka", StringComparison.OrdinalIgnoreCase) == true)
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string?)p.Attribute("Version"));
        Assert.Contains("Akka", akka.Keys);
        Assert.Contains("Akka.Cluster.Hosting", akka.Keys);
        Assert.All(akka, package => Assert.Equal("1.5.73", package.Value));
    }
}
