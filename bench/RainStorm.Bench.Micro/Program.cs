using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using RainStorm.Bench.Micro;

if (args is ["--cpu-time", ..])
{
    CpuTimeRun.Run(TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1]) : 3));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(new LinesPerSecondColumn()));
