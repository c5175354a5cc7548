namespace WPAI.Domain.Validation;

/// <summary>Checks of what a job runs: command, directory, environment, retries and grace period.</summary>
public static partial class Validate
{
    public const int MaxRetries = 100;
    public const int MaxCommandArguments = 4096;
    public static readonly TimeSpan MaxGracePeriod = TimeSpan.FromHours(1);

    /// <summary>Variables the node agent sets for every run; a job cannot override them.</summary>
    public static readonly ImmutableHashSet<string> ReservedVariables = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "CUDA_VISIBLE_DEVICES",
        "NVIDIA_VISIBLE_DEVICES",
        "WPAI_JOB_ID",
        "WPAI_ATTEMPT",
        "WPAI_GPUS",
        "WPAI_CHECKPOINT_DIR",
        "WPAI_RUN_DIR",
        "WPAI_LOG_FILE");

    public static void RunSettings(JobSpec spec)
    {
        if (!spec.Command.IsDefault)
        {
            if (spec.Command.Length > MaxCommandArguments)
            {
                throw new WpaiValidationException("spec.command", $"has {spec.Command.Length} arguments", $"Pass at most {MaxCommandArguments}; put long argument lists in a file.");
            }

            if (spec.Command.Length > 0 && string.IsNullOrWhiteSpace(spec.Command[0]))
            {
                throw new WpaiValidationException("spec.command[0]", "the program is empty", "Name the program to run, e.g. -- python train.py.");
            }

            for (var i = 0; i < spec.Command.Length; i++)
            {
                if (spec.Command[i] is null || spec.Command[i].Contains('\0', StringComparison.Ordinal))
                {
                    throw new WpaiValidationException($"spec.command[{i}]", "is missing or contains a NUL character", "Pass plain text arguments.");
                }
            }
        }

        if (spec.WorkingDirectory is { } dir && (string.IsNullOrWhiteSpace(dir) || !Path.IsPathFullyQualified(dir)))
        {
            throw new WpaiValidationException("spec.workingDirectory", $"'{Printable(dir, 40)}' is not an absolute path", "Give an absolute directory on the node, e.g. /data/train, or leave it out for a fresh per-attempt directory.");
        }

        foreach (var (name, value) in spec.Environment ?? ImmutableDictionary<string, string>.Empty)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) || value is null || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new WpaiValidationException("spec.environment", $"'{Printable(name, 40)}' is not a valid variable", "Use NAME=value with a non-empty name without '='.");
            }

            if (ReservedVariables.Contains(name))
            {
                throw new WpaiValidationException($"spec.environment[{name}]", "is set by the node agent for every run", $"Leave it out; the agent sets {string.Join(", ", ReservedVariables.Order(StringComparer.Ordinal))}.");
            }
        }

        if (spec.Image is not null && string.IsNullOrWhiteSpace(spec.Image))
        {
            throw new WpaiValidationException("spec.image", "is empty", "Leave it out or name a container image, e.g. pytorch/pytorch:2.4.");
        }

        if (spec.MaxRetries is < 0 or > MaxRetries)
        {
            throw new WpaiValidationException("spec.maxRetries", $"must be between 0 and {MaxRetries} (got {spec.MaxRetries})", "Use e.g. 2 to start a failed run again twice.");
        }

        if (spec.GracePeriod is { } grace && (grace <= TimeSpan.Zero || grace > MaxGracePeriod))
        {
            throw new WpaiValidationException("spec.gracePeriod", $"must be positive and at most {MaxGracePeriod:g} (got {grace})", "Use e.g. 30s: the time a stopped run gets between SIGTERM and SIGKILL.");
        }

        if (spec.CheckpointGrace is { } checkpoint && (!spec.Checkpointable || checkpoint <= TimeSpan.Zero || checkpoint > MaxGracePeriod))
        {
            throw new WpaiValidationException(
                "spec.checkpointGrace",
                spec.Checkpointable ? $"must be positive and at most {MaxGracePeriod:g} (got {checkpoint})" : "is given but the job is not checkpointable",
                "Declare the job checkpointable and give e.g. 5m: the time a warned run gets to save a checkpoint before its lent node is taken back.");
        }
    }
}
