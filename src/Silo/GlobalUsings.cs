global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using WPAI.Abstractions.Contracts;
global using WPAI.Abstractions.Hosting;
