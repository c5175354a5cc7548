using Microsoft.ML.Data;

namespace WPAI.Forecasting;

/// <summary>One training or scoring row for ML.NET.</summary>
internal sealed class FeatureRow
{
    [VectorType]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}
