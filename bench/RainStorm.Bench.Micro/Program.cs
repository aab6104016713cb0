using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using RainStorm.Bench.Micro;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(new LinesPerSecondColumn()));
