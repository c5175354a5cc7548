namespace WPAI.Client;

/// <summary>Retries a failed gateway connection a fixed number of times with a pause (Orleans' default retries forever).</summary>
internal sealed class ConnectRetryFilter(int retries, TimeSpan delay) : IClientConnectionRetryFilter
{
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) > retries)
        {
            return false;
        }

        await Task.Delay(delay, cancellationToken);
        return true;
    }
}
