global using System.Collections.Immutable;
global using WPAI.Abstractions.Contracts;
global using WPAI.Abstractions.Errors;
