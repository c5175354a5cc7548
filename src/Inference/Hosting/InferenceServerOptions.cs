using System.ComponentModel.DataAnnotations;
using WPAI.Inference.Models;

namespace WPAI.Inference.Hosting;

/// <summary>Options of the model server (section <c>Inference</c>, or the command-line switches named on each).</summary>
public sealed class InferenceServerOptions
{
    public const string Section = "Inference";

    /// <summary>The model repository folder (<c>DIR/&lt;model&gt;/&lt;version&gt;/model.onnx</c>; <c>--models DIR</c>).</summary>
    [Required]
    public string ModelRepository { get; set; } = string.Empty;

    /// <summary>Largest request body accepted; larger ones get 413 before the body is read (<c>--max-body-bytes</c>).</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Triton's strict readiness: the server is ready only when every model version loaded.</summary>
    public bool StrictReadiness { get; set; } = true;

    /// <summary><c>none</c> (load everything at start) or <c>explicit</c> (also load/unload on request; <c>--model-control-mode</c>).</summary>
    public ModelControlMode ModelControlMode { get; set; } = ModelControlMode.None;

    /// <summary>Addresses for the gRPC service (HTTP/2), <c>;</c>-separated (<c>--grpc-urls http://127.0.0.1:8001</c>); none by default.</summary>
    public string? GrpcUrls { get; set; }

    /// <summary>When set, every request but the health probes must carry this key (<c>--api-key</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Allows listening on a non-loopback address without an API key or client certificates (<c>--insecure</c>; logged as a warning).</summary>
    public bool Insecure { get; set; }

    /// <summary>How often a load snapshot goes to the <see cref="Load.ILoadReporter"/>.</summary>
    public TimeSpan LoadReportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>When set, each load snapshot is written to this file as JSON (<c>--load-report-file</c>; the node agent reads it).</summary>
    public string? LoadReportFile { get; set; }
}
