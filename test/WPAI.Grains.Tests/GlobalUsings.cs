global using System.Collections.Immutable;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Time.Testing;
global using Orleans.TestingHost;
global using WPAI.Abstractions.Contracts;
global using WPAI.Abstractions.Errors;
global using WPAI.Abstractions.Grains;
global using WPAI.Abstractions.Hosting;
