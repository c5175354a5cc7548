namespace WPAI.Inference.Tools;

/// <summary>How close two model outputs are: the measure the FP16/INT8 acceptance thresholds use.</summary>
public static class Similarity
{
    /// <summary>Cosine similarity of two equally long vectors, accumulated in double precision.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"vectors differ in length ({a.Length} and {b.Length})", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
