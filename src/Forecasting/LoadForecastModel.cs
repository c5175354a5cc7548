using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace WPAI.Forecasting;

/// <summary>
/// A trained forecaster: predicts the load at +1…+<see cref="Horizon"/> steps after the last observed point.
/// Serializable to bytes (<see cref="ToBytes"/> / <see cref="FromBytes"/>) so a service can persist it.
/// Not thread-safe: use one instance per caller.
/// </summary>
public sealed class LoadForecastModel
{
    private const int FormatVersion = 1;
    private readonly MLContext _ml;
    private readonly ITransformer[] _models;
    private readonly PredictionEngine<FeatureRow, ScoreRow>?[] _engines;
    private double[] _x = [];

    internal LoadForecastModel(MLContext ml, ITransformer[] models, TimeSpan step, int stepsPerDay, int horizon)
    {
        _ml = ml;
        _models = models;
        _engines = new PredictionEngine<FeatureRow, ScoreRow>?[models.Length];
        Step = step;
        StepsPerDay = stepsPerDay;
        Horizon = horizon;
    }

    public TimeSpan Step { get; }

    public int StepsPerDay { get; }

    public int Horizon { get; }

    /// <summary>The fewest points of history <see cref="Predict"/> needs.</summary>
    public static int MinHistoryPoints => LoadFeatures.MinIndex + 1;

    /// <summary>Forecasts for +1…+H steps after the last point of <paramref name="history"/>, observed at <paramref name="lastTime"/>.</summary>
    public double[] Predict(IReadOnlyList<double> history, DateTimeOffset lastTime)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count < MinHistoryPoints)
        {
            throw new ArgumentException($"a forecast needs at least {MinHistoryPoints} points of history, got {history.Count}", nameof(history));
        }

        // Only the points the features read are converted (the last 25, yesterday's and last week's around the
        // target times), into a buffer reused between calls: a forecast per evaluation stays cheap on a month of history.
        var t = history.Count - 1;
        if (_x.Length < history.Count)
        {
            _x = new double[Math.Max(history.Count, _x.Length * 2)];
        }

        for (var k = 0; k <= LoadFeatures.MinIndex; k++)
        {
            _x[t - k] = LoadFeatures.ToLog(history[t - k]);
        }

        foreach (var back in (ReadOnlySpan<int>)[StepsPerDay, 7 * StepsPerDay])
        {
            for (var j = t - back; j <= t - back + Horizon; j++)
            {
                if (j >= 0 && j <= t)
                {
                    _x[j] = LoadFeatures.ToLog(history[j]);
                }
            }
        }

        var x = _x.AsSpan(0, history.Count);
        var result = new double[Horizon];
        var row = new FeatureRow { Features = new float[LoadFeatures.Count] };
        for (var h = 1; h <= Horizon; h++)
        {
            LoadFeatures.Fill(x, t, h, lastTime + (Step * h), StepsPerDay, row.Features);
            _engines[h - 1] ??= _ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(_models[h - 1], inputSchemaDefinition: LoadForecaster.SchemaFor(_ml));
            result[h - 1] = LoadFeatures.FromLog(x[t] + _engines[h - 1]!.Predict(row).Score);
        }

        return result;
    }

    /// <summary>
    /// Forecasts for every index t in [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="series"/>
    /// (t ≥ <see cref="LoadFeatures.MinIndex"/>), each from x[0..t] only: result[t − from][h − 1] is the forecast of
    /// the load at t + h. Batch scoring, for simulations and evaluation.
    /// </summary>
    public double[][] PredictRange(LoadSeries series, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(series);
        from = Math.Max(from, LoadFeatures.MinIndex);
        var x = series.Values.Select(LoadFeatures.ToLog).ToArray();
        var result = new double[Math.Max(0, to - from)][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new double[Horizon];
        }

        for (var h = 1; h <= Horizon; h++)
        {
            var rows = new List<FeatureRow>(result.Length);
            for (var t = from; t < to; t++)
            {
                var f = new float[LoadFeatures.Count];
                LoadFeatures.Fill(x, t, h, series.TimeAt(t + h), series.StepsPerDay, f);
                rows.Add(new FeatureRow { Features = f });
            }

            var scores = Score(h, rows);
            for (var i = 0; i < result.Length; i++)
            {
                result[i][h - 1] = LoadFeatures.FromLog(x[from + i] + scores[i]);
            }
        }

        return result;
    }

    /// <summary>The model as bytes: a small header, then one ML.NET model zip per horizon step.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatVersion);
            w.Write(Step.Ticks);
            w.Write(StepsPerDay);
            w.Write(Horizon);
            var schema = _ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), LoadForecaster.SchemaFor(_ml)).Schema;
            foreach (var model in _models)
            {
                using var one = new MemoryStream();
                _ml.Model.Save(model, schema, one);
                w.Write(one.Length);
                w.Write(one.GetBuffer(), 0, (int)one.Length);
            }
        }

        return buffer.ToArray();
    }

    public static LoadForecastModel FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
            var version = r.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"forecast model format {version} is not supported (expected {FormatVersion}); retrain the forecaster"));
            }

            var step = TimeSpan.FromTicks(r.ReadInt64());
            var stepsPerDay = r.ReadInt32();
            var horizon = r.ReadInt32();
            if (horizon is < 1 or > 1440 || step <= TimeSpan.Zero || stepsPerDay < 1)
            {
                throw new InvalidDataException("forecast model header is corrupt; retrain the forecaster");
            }

            var ml = new MLContext(1);
            var models = new ITransformer[horizon];
            for (var h = 0; h < horizon; h++)
            {
                var length = r.ReadInt64();
                using var one = new MemoryStream(r.ReadBytes(checked((int)length)), writable: false);
                models[h] = ml.Model.Load(one, out _);
            }

            return new LoadForecastModel(ml, models, step, stepsPerDay, horizon);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("forecast model bytes are truncated; retrain the forecaster", e);
        }
    }

    private float[] Score(int h, IReadOnlyList<FeatureRow> rows)
    {
        var data = _ml.Data.LoadFromEnumerable(rows, LoadForecaster.SchemaFor(_ml));
        var scored = _models[h - 1].Transform(data);
        return scored.GetColumn<float>("Score").ToArray();
    }
}
