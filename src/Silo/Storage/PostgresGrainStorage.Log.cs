using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace WPAI.Silo.Storage;

public sealed partial class PostgresGrainStorage
{
    [LoggerMessage(EventId = 4123, Level = LogLevel.Error, Message = "Grain state {StateName} of {GrainId} in {Target} cannot be deserialized")]
    private static partial void LogUnreadableState(ILogger logger, Exception exception, string stateName, GrainId grainId, string target);
}
