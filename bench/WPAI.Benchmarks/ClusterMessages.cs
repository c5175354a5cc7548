using System.Globalization;
using System.Text;
using WPAI.Kubernetes;

namespace WPAI.Benchmarks;

/// <summary>
/// The messages the silos exchanged over a measured batch, read from each silo's <c>/metrics</c> before and after it:
/// from Orleans' own meters (any silo build) the messages each silo sent to the other silo by message direction
/// (requests, responses, one-way: grain calls, client calls a gateway forwarded, grain-directory and membership traffic)
/// and the client messages the gateways received; and, when the silos count call origins (<c>--count-calls</c>,
/// <see cref="WPAI.Silo.Metrics.CallOrigins"/>), the grain calls by origin, those from the other silo by interface and
/// method (the grain directory's lookups and registrations among them). Each reading scrapes the silos' metrics, whose
/// collection itself makes a few dozen grain calls (the cluster's state), counted in the reading after the batch.
/// </summary>
internal sealed class ClusterMessages
{
    private const string Orleans = "microsoft_orleans_orleans_";
    private const string Sent = Orleans + "messaging_sent_messages_size_count";
    private const string GatewayReceived = Orleans + "gateway_received";
    private const string Calls = "wpai_grain_calls_total";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    // Messages a silo sent over the network by connection and message direction (SiloToSilo/Request, GatewayToClient/Response, …).
    private readonly Dictionary<(string Connection, string Message), double> _sent;
    private readonly double _gatewayReceived;
    private readonly Dictionary<(string Call, string Origin), double> _calls;

    private ClusterMessages(Dictionary<(string, string), double> sent, double gatewayReceived, Dictionary<(string, string), double> calls)
    {
        _sent = sent;
        _gatewayReceived = gatewayReceived;
        _calls = calls;
    }

    /// <summary>Reads every silo's counters now (the sum over the silos).</summary>
    public static async Task<ClusterMessages> ReadAsync(IEnumerable<BenchSiloProcess> silos)
    {
        var sent = new Dictionary<(string, string), double>();
        var received = 0.0;
        var calls = new Dictionary<(string, string), double>();
        foreach (var silo in silos)
        {
            var text = await Http.GetStringAsync(silo.MetricsUrl);
            foreach (var sample in PrometheusText.Samples(text, Sent))
            {
                var key = (Label(sample, "ConnectionDirection"), Label(sample, "MessageDirection"));
                sent[key] = sent.GetValueOrDefault(key) + sample.Value;
            }

            received += PrometheusText.Sum(text, GatewayReceived) ?? 0;
            foreach (var sample in PrometheusText.Samples(text, Calls))
            {
                var key = ($"{Label(sample, "interface")}.{Label(sample, "method")}", Label(sample, "origin"));
                calls[key] = calls.GetValueOrDefault(key) + sample.Value;
            }
        }

        return new ClusterMessages(sent, received, calls);
    }

    /// <summary>Per job between <paramref name="before"/> and this reading.</summary>
    public Counts Since(ClusterMessages before, int jobs)
    {
        ArgumentNullException.ThrowIfNull(before);
        double SiloToSilo(string direction) => _sent.Where(s => s.Key.Connection == "SiloToSilo" && s.Key.Message == direction).Sum(s => s.Value - before._sent.GetValueOrDefault(s.Key)) / jobs;
        var crossing = _calls.Where(c => c.Key.Origin == WPAI.Silo.Metrics.CallOrigins.OtherSilo)
            .Select(c => (c.Key.Call, PerJob: (c.Value - before._calls.GetValueOrDefault(c.Key)) / jobs))
            .Where(c => c.PerJob >= 0.005)
            .OrderByDescending(c => c.PerJob)
            .ToList();
        double Total(string origin) => _calls.Where(c => c.Key.Origin == origin).Sum(c => c.Value - before._calls.GetValueOrDefault(c.Key)) / jobs;
        var counted = _calls.Count > 0;
        return new Counts(
            SiloToSilo("Request"), SiloToSilo("Response"), SiloToSilo("OneWay"), (_gatewayReceived - before._gatewayReceived) / jobs,
            counted ? Total(WPAI.Silo.Metrics.CallOrigins.Local) + Total(WPAI.Silo.Metrics.CallOrigins.OtherSilo) + Total(WPAI.Silo.Metrics.CallOrigins.Client) : null,
            counted ? Total(WPAI.Silo.Metrics.CallOrigins.OtherSilo) : null,
            counted ? Total(WPAI.Silo.Metrics.CallOrigins.Client) : null,
            crossing);
    }

    private static string Label(PrometheusSample sample, string name) =>
        sample.Labels.FirstOrDefault(l => string.Equals(l.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? "";

    /// <summary>Messages and calls per job over a batch.</summary>
    internal sealed record Counts(
        double SiloToSiloRequests, double SiloToSiloResponses, double SiloToSiloOneWay, double ClientMessagesAtGateways,
        double? GrainCalls, double? CallsFromOtherSilo, double? CallsFromClients, IReadOnlyList<(string Call, double PerJob)> Crossing)
    {
        /// <summary>All messages sent from one silo to the other, per job.</summary>
        public double SiloToSilo => SiloToSiloRequests + SiloToSiloResponses + SiloToSiloOneWay;

        public override string ToString()
        {
            var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"per job {SiloToSilo:0.00} messages sent silo to silo (Orleans' meters: {SiloToSiloRequests:0.00} requests, {SiloToSiloResponses:0.00} responses, {SiloToSiloOneWay:0.00} one-way), {ClientMessagesAtGateways:0.00} client messages received by the gateways"));
            if (GrainCalls is { } calls && CallsFromOtherSilo is { } remote && CallsFromClients is { } clients)
            {
                // A client call that reached the gateway of the other silo travels on as a silo-to-silo request that no grain
                // call filter sees as coming from a silo: the requests beyond the calls counted from the other silo.
                line.Append(string.Create(CultureInfo.InvariantCulture,
                    $"; {calls:0.00} grain calls ({clients:0.00} from clients), {remote:0.00} from the other silo, about {Math.Max(0, SiloToSiloRequests + SiloToSiloOneWay - remote):0.00} client calls forwarded by a gateway; from the other silo:"));
                foreach (var (call, perJob) in Crossing)
                {
                    line.Append(string.Create(CultureInfo.InvariantCulture, $" {call} {perJob:0.00}"));
                }
            }

            return line.ToString();
        }
    }
}
