using Microsoft.Extensions.Logging;

namespace WPAI.Client;

public sealed partial class WpaiClient
{
    [LoggerMessage(1, LogLevel.Debug, "The fleet lists {Kind} '{Id}' but it does not exist; left out of the listing")]
    private partial void LogListedButMissing(string kind, string id);
}
