using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace WPAI.Silo.Storage;

public sealed partial class SqliteGrainStorage
{
    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "Grain state {StateName} of {GrainId} in {Path} cannot be deserialized")]
    private static partial void LogUnreadableState(ILogger logger, Exception exception, string stateName, GrainId grainId, string path);
}
