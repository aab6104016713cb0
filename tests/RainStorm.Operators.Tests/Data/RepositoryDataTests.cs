using RainStorm.TestData;

namespace RainStorm.Operators.Tests.Data;

public sealed class RepositoryDataTests
{
    [Fact]
    public void The_traffic_sign_file_is_found_in_the_repository_itself()
    {
        var path = RepositoryData.TrafficSigns;

        Assert.Equal(Path.Combine(RepositoryData.FindRoot(AppContext.BaseDirectory)!, "tests", "data", "Traffic_Signs.csv"), path);
        Assert.Equal(2_843_222, new FileInfo(path).Length);
    }

    [Fact]
    public void A_missing_data_file_is_one_sentence_naming_where_it_should_be()
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-data-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, RepositoryData.SolutionFile), "");
            var below = Directory.CreateDirectory(Path.Combine(root, "tests", "X", "bin")).FullName;

            var e = Assert.Throws<FileNotFoundException>(() => RepositoryData.Require("Traffic_Signs.csv", below));

            Assert.Contains(Path.Combine(root, "tests", "data", "Traffic_Signs.csv"), e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Single(e.Message.Split(". ", StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Outside_any_repository_the_message_says_the_solution_was_not_found()
    {
        var outside = Directory.CreateTempSubdirectory("rainstorm-nodata-").FullName;
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => RepositoryData.Require("Traffic_Signs.csv", outside));

            Assert.Contains("RainStorm.sln", e.Message);
            Assert.Contains(outside, e.Message);
        }
        finally
        {
            Directory.Delete(outside);
        }
    }
}
