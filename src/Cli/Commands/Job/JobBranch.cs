using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Job;

/// <summary><c>wpai job submit|list|show|logs|cancel</c>.</summary>
public static class JobBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("job", job =>
        {
            job.SetDescription("Submit training jobs, watch the queue, see why a job waits or was preempted.");
            job.AddCommand<JobSubmitCommand>("submit")
                .WithDescription("Submit a training job (the same id twice yields one job).")
                .WithExample("job", "submit", "resnet-1", "--dept", "research", "--gpus", "4", "--cpu", "16", "--memory", "64Gi", "--gpu-models", "T4,P40", "--duration", "2h");
            job.AddCommand<JobListCommand>("list")
                .WithDescription("List the newest jobs, optionally of one department or status.")
                .WithExample("job", "list", "--dept", "research", "--status", "pending");
            job.AddCommand<JobShowCommand>("show")
                .WithDescription("Show a job and why it waits (queue position, tier, score) or was preempted.")
                .WithExample("job", "show", "resnet-1");
            job.AddCommand<JobLogsCommand>("logs")
                .WithDescription("Print a run's output (stdout and stderr), read from its node; --follow until it ends.")
                .WithExample("job", "logs", "train-1", "--follow");
            job.AddCommand<JobCancelCommand>("cancel")
                .WithDescription("Cancel a pending or running job.")
                .WithExample("job", "cancel", "resnet-1");
        });
    }
}
