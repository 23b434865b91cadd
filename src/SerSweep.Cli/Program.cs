using SerSweep.Cli;

return await SersweepCli.RunAsync(args);
