using RainStorm.Node;

return await Cli.RunAsync(args);
