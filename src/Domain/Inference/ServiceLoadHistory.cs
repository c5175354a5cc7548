using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Domain.Common;
using WPAI.Domain.Mixing;
using WPAI.Domain.Scaling;

namespace WPAI.Domain.Inference;

/// <summary>
/// A service's per-minute load history, the forecaster's training data: reports are bucketed to their minute (the
/// highest QPS of a minute counts), a gap is filled linearly, reports older than the history are ignored, and the
/// history keeps at most <c>maxPoints</c> minutes. It also pairs each forecast with the load realized at its target
/// minute (newest last, at most one day of pairs) for the forecaster's online error and the quantile uplift.
/// <para>It works on the lists it is given (the grain's persisted state) and changes them in place; <see cref="Start"/>
/// is the time of the first point, to be persisted with them.</para>
/// </summary>
public sealed class ServiceLoadHistory
{
    /// <summary>Realized (forecast, actual) pairs kept: one day of minutes.</summary>
    public const int MaxRealized = 1440;

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private readonly List<double> _values;
    private readonly List<KeyValuePair<double, double>> _realized;
    private readonly Dictionary<long, double> _pending = [];
    private readonly int _maxPoints;

    public ServiceLoadHistory(DateTimeOffset? start, List<double> values, List<KeyValuePair<double, double>> realized, TimeSpan maxHistory)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(realized);
        if (start is null && values.Count > 0)
        {
            throw new ArgumentException("a history with points needs the time of its first point", nameof(start));
        }

        _maxPoints = (int)(maxHistory / Step);
        if (_maxPoints < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxHistory), maxHistory, "the history must hold at least one minute");
        }

        Start = start;
        _values = values;
        _realized = realized;
    }

    /// <summary>The minute of the first point; null while the history is empty.</summary>
    public DateTimeOffset? Start { get; private set; }

    /// <summary>Per-minute QPS, oldest first.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>Realized (forecast, actual) pairs, newest last.</summary>
    public IReadOnlyList<KeyValuePair<double, double>> Realized => _realized;

    public int Count => _values.Count;

    /// <summary>Changes with every report added: the same version means the same points (a forecast of it can be reused).</summary>
    public long Version { get; private set; }

    /// <summary>The minute of the newest point; null while empty.</summary>
    public DateTimeOffset? Last => Start is { } s && _values.Count > 0 ? s + (Step * (_values.Count - 1)) : null;

    /// <summary>Adds a report of <paramref name="qps"/> at <paramref name="at"/>.</summary>
    public void Add(DateTimeOffset at, double qps)
    {
        if (!double.IsFinite(qps) || qps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(qps), qps, "load is a finite non-negative QPS");
        }

        Version++;

        var minute = new DateTimeOffset(at.UtcDateTime.Ticks - (at.UtcDateTime.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        if (Start is not { } start)
        {
            Start = minute;
            _values.Add(qps);
            return;
        }

        var index = (long)((minute - start) / Step);
        if (index < 0)
        {
            return; // older than the history: ignored
        }

        if (index < _values.Count)
        {
            _values[(int)index] = Math.Max(_values[(int)index], qps);
            return;
        }

        // Fill a gap linearly, then append.
        var lastValue = _values[^1];
        var gap = index - _values.Count;
        for (var i = 1; i <= gap; i++)
        {
            _values.Add(lastValue + ((qps - lastValue) * i / (gap + 1)));
        }

        _values.Add(qps);
        if (_pending.Remove(_values.Count - 1, out var predicted))
        {
            BoundedList.AddNewestLast(_realized, new KeyValuePair<double, double>(predicted, qps), MaxRealized);
        }

        var drop = BoundedList.TrimOldestFirst(_values, _maxPoints);
        if (drop > 0)
        {
            Start = start + (Step * drop);
            _pending.Clear();
        }
    }

    /// <summary>Remembers a forecast of the load <paramref name="stepsAhead"/> minutes after the newest point, to pair it with the load realized then.</summary>
    public void Expect(int stepsAhead, double forecast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsAhead, 1);
        _pending[_values.Count - 1 + stepsAhead] = forecast;
    }

    /// <summary>True when the newest point is more than <paramref name="maxAge"/> before <paramref name="now"/> (or there is none).</summary>
    public bool IsStale(DateTimeOffset now, TimeSpan maxAge) => Last is not { } last || now - last > maxAge;

    /// <summary>The last-value baseline at <paramref name="horizon"/> minutes over the newest day: (value at t, value at t + horizon) pairs.</summary>
    public (List<double> Forecasts, List<double> Actuals) LastValuePairs(int horizon)
    {
        var forecasts = new List<double>();
        var actuals = new List<double>();
        for (var t = Math.Max(0, _values.Count - MaxRealized - horizon); t + horizon < _values.Count; t++)
        {
            forecasts.Add(_values[t]);
            actuals.Add(_values[t + horizon]);
        }

        return (forecasts, actuals);
    }

    /// <summary>
    /// The seasonal demand forecast (<see cref="DailyProfileForecast"/>) every <paramref name="step"/> up to
    /// <paramref name="span"/> ahead, with the replicas the spec needs for it; empty for no span or no history.
    /// </summary>
    public ImmutableArray<ReplicaForecast> DemandForecast(InferenceServiceSpec spec, DateTimeOffset now, TimeSpan span, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (span <= TimeSpan.Zero || Start is not { } start)
        {
            return [];
        }

        var target = InferenceServiceSpecs.QpsTarget(spec);
        return [.. DailyProfileForecast.Forecast(_values, start, now, span, step)
            .Select(p => new ReplicaForecast(
                p.At,
                p.Qps,
                DailyProfileForecast.Replicas(p.Qps, target, spec.MinReplicas, spec.MaxReplicas),
                DailyProfileForecast.Replicas(p.BusiestQps, target, spec.MinReplicas, spec.MaxReplicas)))];
    }

    /// <summary>The realized pairs as (forecast, actual) tuples for <see cref="Scaling.ForecastUplift"/>.</summary>
    public IReadOnlyList<(double Forecast, double Actual)> RealizedPairs() => [.. _realized.Select(p => (p.Key, p.Value))];
}
