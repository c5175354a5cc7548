namespace WPAI.Forecasting;

/// <summary>ML.NET's output column.</summary>
internal sealed class ScoreRow
{
    public float Score { get; set; }
}
