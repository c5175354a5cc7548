using WPAI.Benchmarks;

return await BenchmarkCommands.RunAsync(args);
