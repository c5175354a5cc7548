namespace WPAI.Inference.Models;

/// <summary>How models get loaded, after Triton's <c>--model-control-mode</c>.</summary>
public enum ModelControlMode
{
    /// <summary>Every model in the repository is loaded at start-up; load and unload requests are refused.</summary>
    None,

    /// <summary>Every model is loaded at start-up, and <c>POST /v2/repository/models/{m}/load|unload</c> (or gRPC) loads, reloads and unloads them.</summary>
    Explicit,
}
