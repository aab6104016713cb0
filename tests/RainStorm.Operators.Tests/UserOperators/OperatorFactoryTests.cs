using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Jobs;
using RainStorm.Operators.Tests.Support;
using RainStorm.Operators.UserOperators;

namespace RainStorm.Operators.Tests.UserOperators;

[Collection(ChildProcessCollection.Name)]
public sealed class OperatorFactoryTests(OperatorScripts scripts)
{
    [Fact]
    public void Built_ins_are_created_by_their_exact_names()
    {
        Assert.IsType<Filter>(OperatorFactory.Create(new StageSpec("Filter", "x"), scripts.Directory));
        Assert.Equal([0, 3, 8], Assert.IsType<Transform>(OperatorFactory.Create(new StageSpec("Transform", "0,3,8"), scripts.Directory)).Columns);
        Assert.Equal(8, Assert.IsType<AggregateByKey>(OperatorFactory.Create(new StageSpec("AggregateByKey", "8"), scripts.Directory)).Column);
        Assert.True(OperatorFactory.IsBuiltIn("Filter"));
        Assert.False(OperatorFactory.IsBuiltIn("filter"));
    }

    [Fact]
    public void Other_names_are_user_operators_from_the_directory()
    {
        using var op = OperatorFactory.Create(new StageSpec("upper", ""), scripts.Directory);
        Assert.Equal(Path.Combine(scripts.Directory, "upper"), Assert.IsType<UserOperator>(op).ExecutablePath);
        var e = Assert.Throws<OperatorException>(() => OperatorFactory.Create(new StageSpec("filter", "x"), scripts.Directory));
        Assert.StartsWith("op 'filter' is not one of the built-ins Filter, Transform and AggregateByKey (did you mean Filter? names are case-sensitive), nor a user operator in the operator directory", e.Message);
    }

    [Theory]
    [InlineData("filter", "Filter")]
    [InlineData("FILTER", "Filter")]
    [InlineData("Fliter", "Filter")]
    [InlineData("Filtr", "Filter")]
    [InlineData("transfrom", "Transform")]
    [InlineData("AggregateBykey", "AggregateByKey")]
    [InlineData("AgregateByKey", "AggregateByKey")]
    [InlineData("upper", null)]
    [InlineData("Grep", null)]
    [InlineData("Fit", null)]
    [InlineData("Filter", null)]
    public void A_name_close_to_a_built_in_suggests_it(string name, string? expected) =>
        Assert.Equal(expected, BuiltInNames.Suggest(name));

    [Fact]
    public void An_unknown_name_without_an_operator_directory_still_lists_the_built_ins_first()
    {
        var e = Assert.Throws<OperatorException>(() => OperatorFactory.Create(new StageSpec("Fliter", "x"), Path.Combine(scripts.Directory, "none")));
        Assert.StartsWith("op 'Fliter' is not one of the built-ins Filter, Transform and AggregateByKey (did you mean Filter? names are case-sensitive), and no user operator", e.Message);
    }

    [Fact]
    public void Partition_keys_are_known_without_creating_the_operator()
    {
        var tuple = new Contract.StreamTuple("f:7", "a,\"b,c\",d");
        Assert.Equal("b,c", OperatorFactory.PartitionKeyOf(new StageSpec("AggregateByKey", "1"))(tuple));
        Assert.Equal("f:7", OperatorFactory.PartitionKeyOf(new StageSpec("AggregateByKey", "5"))(tuple));
        Assert.Equal("f:7", OperatorFactory.PartitionKeyOf(new StageSpec("Filter", "x"))(tuple));
        Assert.Equal("f:7", OperatorFactory.PartitionKeyOf(new StageSpec("no_such_user_op", "x"))(tuple));
    }

    [Fact]
    public void A_bad_built_in_argument_is_one_sentence()
    {
        var e = Assert.Throws<OperatorException>(() => OperatorFactory.Create(new StageSpec("AggregateByKey", "x"), scripts.Directory));
        Assert.Equal("AggregateByKey column is 'x'; expected a 0-based column number from 0 to 9999.", e.Message);
    }
}
