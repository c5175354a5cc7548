namespace WPAI.Abstractions.Contracts;

/// <summary>The answer to a submit: the job, and whether this call created it (false for a repeated id).</summary>
[GenerateSerializer, Immutable, Alias("wpai.submit-result")]
public sealed record SubmitResult(JobView Job, bool Created);
