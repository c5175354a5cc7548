using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts;

/// <summary>What a submit learns from the department: whether it exists, and earlier measured runs of the job's template.</summary>
[GenerateSerializer, Immutable, Alias("wpai.submit-context")]
public sealed record SubmitContext(bool Exists, ImmutableArray<RunUsage> TemplateRuns);
