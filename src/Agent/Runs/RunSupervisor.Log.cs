namespace WPAI.Agent.Runs;

public sealed partial class RunSupervisor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Started {JobId} attempt {Attempt} as process group {Pid} on GPUs [{Gpus}]")]
    private static partial void LogStarted(ILogger logger, string jobId, int attempt, int pid, string gpus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-adopted {JobId} attempt {Attempt} (process group {Pid}, still running)")]
    private static partial void LogReadopted(ILogger logger, string jobId, int attempt, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {JobId} attempt {Attempt}: SIGTERM sent ({Reason}); SIGKILL after {Grace} s")]
    private static partial void LogStopping(ILogger logger, string jobId, int attempt, string reason, double grace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{JobId} attempt {Attempt} outlived its {Grace} s grace period: SIGKILL sent")]
    private static partial void LogKilled(ILogger logger, string jobId, int attempt, double grace);

    [LoggerMessage(Level = LogLevel.Information, Message = "{JobId} attempt {Attempt} ended: {Detail}")]
    private static partial void LogEnded(ILogger logger, string jobId, int attempt, string detail);
}
