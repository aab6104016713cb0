using RainStorm.Actors.HyDfs;
using RainStorm.Operators.Jobs;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>HyDFS and the job parser apply one set of name rules, so a job line is never accepted with a source or
/// destination that HyDFS would refuse, nor refused for one that HyDFS takes.</summary>
public sealed class FileNamesSpec
{
    [Theory]
    [InlineData("out.txt", true)]
    [InlineData("dir/sub/out.txt", true)]
    [InlineData("Traffic Signs.csv", true)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("C:x", false)]
    [InlineData("../escape", false)]
    [InlineData("a..b", false)]
    [InlineData("dir\\x", false)]
    [InlineData("dir//x", false)]
    [InlineData("./x", false)]
    [InlineData("x/", false)]
    [InlineData(" x", false)]
    [InlineData("x\u0001", false)]
    public void HyDfs_and_the_job_parser_take_the_same_names(string name, bool valid)
    {
        Assert.Equal(valid, FileNames.Problem(name) is null);
        Assert.Equal(valid, HydfsNames.Problem(name) is null);
        if (!valid) Assert.Throws<HyDfsException>(() => FileNames.Validate(name));
    }

    [Fact]
    public void Names_longer_than_the_limit_are_refused_by_both()
    {
        var longest = new string('a', FileNames.MaxLength);
        Assert.Null(FileNames.Problem(longest));
        Assert.Contains("at most 255 characters", FileNames.Problem(longest + "a"));
        Assert.NotNull(HydfsNames.Problem(longest + "a"));
    }
}
