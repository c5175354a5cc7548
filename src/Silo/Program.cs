using WPAI.Silo.Hosting;

var app = WpaiHost.Build(args);
await app.RunAsync();
