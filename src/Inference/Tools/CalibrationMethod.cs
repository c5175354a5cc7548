namespace WPAI.Inference.Tools;

/// <summary>How activation ranges are chosen from calibration data.</summary>
public enum CalibrationMethod
{
    /// <summary>Observed minimum and maximum.</summary>
    MinMax,

    /// <summary>The clipping range with the least expected 8-bit quantization error (histogram search).</summary>
    Mse,
}
