namespace WPAI.Inference.Tools;

/// <summary>
/// Deterministic picture-like inputs for image models when no real images are at hand: a colour gradient, soft blobs and
/// rectangles, low-frequency texture and pixel noise, in 0..255 per channel, minus a per-channel mean (ResNet18's CNTK preprocessing).
/// </summary>
public static class SyntheticImages
{
    public static float[] Create(int seed, int channels = 3, int height = 224, int width = 224, float mean = 114.5f)
    {
        var random = new Random(seed);
        var image = new float[channels * height * width];
        var baseColor = Enumerable.Range(0, channels).Select(_ => 40 + (random.NextSingle() * 170)).ToArray();
        var gradient = Enumerable.Range(0, channels).Select(_ => (random.NextSingle() - 0.5f) * 120).ToArray();
        var angle = random.NextSingle() * MathF.PI * 2;
        var (gx, gy) = (MathF.Cos(angle), MathF.Sin(angle));
        for (var c = 0; c < channels; c++)
        {
            var f1 = 2 + (random.NextSingle() * 10);
            var f2 = 2 + (random.NextSingle() * 10);
            var phase = random.NextSingle() * 6.28f;
            var amplitude = 10 + (random.NextSingle() * 30);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var u = (float)x / width;
                    var v = (float)y / height;
                    image[(c * height * width) + (y * width) + x] = baseColor[c] + (gradient[c] * ((u * gx) + (v * gy))) + (amplitude * MathF.Sin((f1 * u * 6.28f) + phase) * MathF.Cos(f2 * v * 6.28f));
                }
            }
        }

        var shapes = 3 + random.Next(6);
        for (var s = 0; s < shapes; s++)
        {
            var cx = random.NextSingle() * width;
            var cy = random.NextSingle() * height;
            var rx = 10 + (random.NextSingle() * width / 3);
            var ry = 10 + (random.NextSingle() * height / 3);
            var ellipse = random.Next(2) == 0;
            var color = Enumerable.Range(0, channels).Select(_ => random.NextSingle() * 255).ToArray();
            for (var y = (int)Math.Max(0, cy - ry); y < Math.Min(height, cy + ry); y++)
            {
                for (var x = (int)Math.Max(0, cx - rx); x < Math.Min(width, cx + rx); x++)
                {
                    var dx = (x - cx) / rx;
                    var dy = (y - cy) / ry;
                    if (ellipse && (dx * dx) + (dy * dy) > 1)
                    {
                        continue;
                    }

                    for (var c = 0; c < channels; c++)
                    {
                        image[(c * height * width) + (y * width) + x] = color[c];
                    }
                }
            }
        }

        for (var i = 0; i < image.Length; i++)
        {
            image[i] = Math.Clamp(image[i] + ((random.NextSingle() - 0.5f) * 16), 0, 255) - mean;
        }

        return image;
    }

    /// <summary>Writes <paramref name="count"/> samples as .npy files of shape [1,C,H,W] (for <c>model int8 --calibration DIR</c>).</summary>
    public static void WriteCalibrationFolder(string folder, int count, int firstSeed)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            NpyFile.Write(Path.Combine(folder, $"sample{i:D4}.npy"), Create(firstSeed + i), [1, 3, 224, 224]);
        }
    }
}
