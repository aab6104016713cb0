using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using RainStorm.Bench.Micro;

if (args is ["--cpu-time", ..])
{
    if (args.Length > 2 || (args.Length == 2 && !(double.TryParse(args[1], CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 600)))
    {
        Console.Error.WriteLine($"--cpu-time takes one optional number of seconds per benchmark (more than 0, at most 600), but got '{string.Join(" ", args[1..])}'; expected e.g. '--cpu-time 3'.");
        return 2;
    }
    CpuTimeRun.Run(TimeSpan.FromSeconds(args.Length == 2 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(new LinesPerSecondColumn()));
return 0;
