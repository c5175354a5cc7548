using WPAI.Agent.Hosting;

return await AgentHost.RunAsync(args);
