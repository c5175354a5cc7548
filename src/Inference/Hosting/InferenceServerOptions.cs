using System.ComponentModel.DataAnnotations;

namespace WPAI.Inference.Hosting;

/// <summary>Options of the model server (section <c>Inference</c>, or <c>--models DIR</c> on the command line).</summary>
public sealed class InferenceServerOptions
{
    public const string Section = "Inference";

    /// <summary>The model repository folder (<c>DIR/&lt;model&gt;/&lt;version&gt;/model.onnx</c>).</summary>
    [Required]
    public string ModelRepository { get; set; } = string.Empty;

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Triton's strict readiness: the server is ready only when every model version loaded.</summary>
    public bool StrictReadiness { get; set; } = true;

    /// <summary>How often a load snapshot goes to the <see cref="Load.ILoadReporter"/>.</summary>
    public TimeSpan LoadReportInterval { get; set; } = TimeSpan.FromSeconds(15);
}
