using WPAI.Forecasting;

namespace WPAI.Forecasting.Tests;

public sealed class LoadForecasterTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A daily cycle with a weekday/weekend difference and seeded noise, at 5-minute steps.</summary>
    private static LoadSeries Periodic(int days, int seed = 7)
    {
        var rng = new Random(seed);
        var step = TimeSpan.FromMinutes(5);
        var n = days * 288;
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var t = Monday + (step * i);
            var day = t.TimeOfDay.TotalHours / 24;
            var weekend = t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.6 : 1.0;
            var shape = 0.55 - (0.45 * Math.Cos(2 * Math.PI * day)) + (0.25 * Math.Max(0, Math.Sin(4 * Math.PI * day)));
            values[i] = Math.Max(1, 1000 * weekend * shape * (1 + (0.05 * ((rng.NextDouble() * 2) - 1))));
        }

        return new LoadSeries("synthetic", Monday, step, values);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Train_BeatsLastValueClearly_OnPeriodicSeries(bool sharedModel)
    {
        var options = new ForecasterOptions { MinLookAhead = TimeSpan.FromMinutes(15), SharedModel = sharedModel }; // horizon 3 steps
        var series = Periodic(21);
        var split = 14 * 288;
        var training = LoadForecaster.Train(series.Slice(0, split), options);
        Assert.NotNull(training.Model);
        Assert.Null(training.FallbackReason);
        Assert.Equal(3, training.Model.Horizon);

        var h = training.Model.Horizon;
        var predicted = training.Model.PredictRange(series, split, series.Count - h);
        var forecasts = predicted.Select(p => p[h - 1]).ToList();
        var actual = Enumerable.Range(split, predicted.Length).Select(k => series.Values[k + h]).ToList();
        var last = Enumerable.Range(split, predicted.Length).Select(k => series.Values[k]).ToList();
        var model = ForecastAccuracy.Of(forecasts, actual);
        var baseline = ForecastAccuracy.Of(last, actual);

        Assert.True(model.Mape < 0.7 * baseline.Mape, $"forecaster MAPE {model.Mape:0.00} % vs last-value {baseline.Mape:0.00} %");
        Assert.True(model.Mae < baseline.Mae);
    }

    [Fact]
    public void Train_FallsBackWithReason_WhenHistoryTooShort()
    {
        var training = LoadForecaster.Train(Periodic(21).Slice(0, 200), new ForecasterOptions());
        Assert.Null(training.Model);
        Assert.Contains("history too short", training.FallbackReason, StringComparison.Ordinal);
        Assert.Contains("reactive", training.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_RoundTripsThroughBytes_WithIdenticalForecasts()
    {
        var series = Periodic(4);
        var model = LoadForecaster.Train(series, new ForecasterOptions()).Model!;
        var copy = LoadForecastModel.FromBytes(model.ToBytes());
        var history = series.Values.Take(700).ToList();
        var at = series.TimeAt(699);
        Assert.Equal(model.Predict(history, at), copy.Predict(history, at));
        Assert.Equal(model.Horizon, copy.Horizon);
        Assert.Equal(model.Step, copy.Step);
    }

    [Fact]
    public void Predict_MatchesBatchPrediction()
    {
        var series = Periodic(4);
        var model = LoadForecaster.Train(series, new ForecasterOptions()).Model!;
        var batch = model.PredictRange(series, 800, 801)[0];
        var single = model.Predict(series.Values.Take(801).ToList(), series.TimeAt(800));
        Assert.Equal(batch.Length, single.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal(batch[i], single[i], 6);
        }
    }

    [Fact]
    public void Predict_MatchesBatchPrediction_WithYesterdayAndLastWeekInTheHistory()
    {
        // Nine days: the features read the same time yesterday and last week; a single forecast converts only those points.
        var series = Periodic(9);
        var model = LoadForecaster.Train(series.Slice(0, 2400), new ForecasterOptions { MinLookAhead = TimeSpan.FromMinutes(15) }).Model!;
        for (var t = 2450; t < 2460; t++)
        {
            var batch = model.PredictRange(series, t, t + 1)[0];
            var single = model.Predict(series.Values.Take(t + 1).ToList(), series.TimeAt(t));
            Assert.Equal(batch.Length, single.Length);
            for (var i = 0; i < batch.Length; i++)
            {
                Assert.Equal(batch[i], single[i], 6);
            }
        }
    }

    [Fact]
    public void FromBytes_RejectsCorruptBytes_WithRetrainAdvice()
    {
        var e = Assert.Throws<InvalidDataException>(() => LoadForecastModel.FromBytes([1, 0, 0, 0, 9]));
        Assert.Contains("retrain", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(5, 1)]
    [InlineData(30, 1)]
    public void HorizonSteps_CoversFiveMinutesAndStartup(int stepMinutes, int expected)
    {
        Assert.Equal(expected, new ForecasterOptions().HorizonSteps(TimeSpan.FromMinutes(stepMinutes)));
        Assert.Equal(3, new ForecasterOptions { StartupDelay = TimeSpan.FromMinutes(12) }.HorizonSteps(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Accuracy_SkipsZeroActualsInMape()
    {
        var a = ForecastAccuracy.Of([110, 5, 90], [100, 0, 100]);
        Assert.Equal(10, a.Mape, 9);
        Assert.Equal(25.0 / 3, a.Mae, 9);
    }
}
