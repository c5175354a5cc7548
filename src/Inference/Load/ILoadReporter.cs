namespace WPAI.Inference.Load;

/// <summary>
/// Port through which the server pushes its load to the WPAI inference service it belongs to (for autoscaling).
/// The default does nothing; the autoscaling work wires an implementation that calls the service grain via the client SDK.
/// </summary>
public interface ILoadReporter
{
    Task ReportAsync(LoadSnapshot snapshot, CancellationToken cancellationToken);
}
