using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WPAI.Inference.Batching;
using WPAI.Inference.Hosting;
using WPAI.Inference.Http;
using WPAI.Inference.Runtime;

namespace WPAI.Inference.Models;

/// <summary>
/// A Triton-style model repository: <c>DIR/&lt;model&gt;/config.json</c> and <c>DIR/&lt;model&gt;/&lt;version&gt;/model.onnx</c>.
/// Every version gets one session; a version that fails to load is kept as not ready with its reason. In explicit
/// model control mode a model can be loaded (re-reading its folder, so a new version dropped in is picked up),
/// reloaded and unloaded while the server runs; requests already holding the old versions finish on them.
/// </summary>
public sealed partial class ModelRepository(IOptions<InferenceServerOptions> options, TimeProvider timeProvider, ILogger<ModelRepository> logger) : IAsyncDisposable
{
    private const string UnloadedReason = "unloaded";
    private readonly ConcurrentDictionary<string, SortedDictionary<long, ModelVersion>> _models = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _control = new(1, 1);

    public bool Loaded { get; private set; }

    public ModelControlMode ControlMode => options.Value.ModelControlMode;

    /// <summary>Every version of every loaded model, ready or failed.</summary>
    public IEnumerable<ModelVersion> AllVersions => _models.Values.SelectMany(v => v.Values);

    /// <summary>Names of the loaded models.</summary>
    public IEnumerable<string> ModelNames => _models.Keys.Order(StringComparer.Ordinal);

    /// <summary>Scans the repository folder and loads every model version found.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var modelDir in Directory.EnumerateDirectories(options.Value.ModelRepository).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = System.IO.Path.GetFileName(modelDir);
            _models[name] = await LoadVersionsAsync(name, modelDir, cancellationToken);
        }

        Loaded = true;
    }

    /// <summary>Loads (or reloads) a model from its folder; the previous versions serve until the new ones are in place.</summary>
    public async Task LoadModelAsync(string name, CancellationToken cancellationToken)
    {
        RequireExplicitMode("load");
        var dir = ModelDirectory(name);
        await _control.WaitAsync(cancellationToken);
        try
        {
            var versions = await LoadVersionsAsync(name, dir, cancellationToken);
            _models.TryGetValue(name, out var previous);
            _models[name] = versions;
            await RetireAsync(previous);
            var failed = versions.Values.Where(v => !v.IsReady).ToArray();
            if (failed.Length == versions.Count)
            {
                throw new ModelControlException($"failed to load '{name}': {string.Join("; ", failed.Select(v => $"version {v.Version}: {v.FailureReason}"))}");
            }
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Unloads a model: new requests are refused at once, running ones finish, then its sessions are released.</summary>
    public async Task UnloadModelAsync(string name, CancellationToken cancellationToken)
    {
        RequireExplicitMode("unload");
        await _control.WaitAsync(cancellationToken);
        try
        {
            if (!_models.TryRemove(name, out var previous) && !Directory.Exists(System.IO.Path.Combine(options.Value.ModelRepository, name)))
            {
                throw new ModelControlException($"failed to unload '{name}': no such model in the repository (models: {string.Join(", ", IndexNames())})", notFound: true);
            }

            await RetireAsync(previous);
            LogUnloaded(logger, name);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>The index: every model in the repository folder or loaded, with each version's state and reason.</summary>
    public IReadOnlyList<RepositoryIndexEntry> Index(bool readyOnly)
    {
        var entries = new List<RepositoryIndexEntry>();
        foreach (var name in IndexNames())
        {
            if (!_models.TryGetValue(name, out var versions))
            {
                if (!readyOnly)
                {
                    entries.Add(new RepositoryIndexEntry(name, null, RepositoryIndexEntry.Unavailable, UnloadedReason));
                }

                continue;
            }

            foreach (var v in versions.Values.Where(v => !readyOnly || v.IsReady))
            {
                entries.Add(new RepositoryIndexEntry(name, v.Version.ToString(CultureInfo.InvariantCulture), v.IsReady ? RepositoryIndexEntry.Ready : RepositoryIndexEntry.Unavailable, v.FailureReason ?? string.Empty));
            }
        }

        return entries;
    }

    /// <summary>Finds a model version; <paramref name="version"/> null means the newest ready version (or the newest when none is ready).</summary>
    public ModelVersion? Find(string name, string? version)
    {
        if (!_models.TryGetValue(name, out var versions))
        {
            return null;
        }

        if (version is null)
        {
            return versions.Values.LastOrDefault(v => v.IsReady) ?? versions.Values.LastOrDefault();
        }

        return long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && versions.TryGetValue(number, out var found) ? found : null;
    }

    /// <summary>
    /// Admits one request to a ready model version, or says why not: 404 unknown model or version, 503 not ready,
    /// 503 with Retry-After when the version already has its limit of requests in flight.
    /// </summary>
    public ModelLease? Acquire(string name, string? version, out InferenceRequestException? refusal)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var model = Find(name, version);
            refusal = model is null ? NotFound(name, version) : model.IsReady ? null : NotReady(model);
            if (refusal is not null)
            {
                return null;
            }

            if (model!.TryEnter(out var overLimit))
            {
                return new ModelLease(model);
            }

            if (overLimit)
            {
                refusal = new InferenceRequestException(503, $"model '{name}' version {model.Version} already has {model.Config.EffectiveMaxInFlight} requests in flight (config.json maxInFlightRequests, by default instanceCount × max(1, maxBatchSize) + dynamicBatching.maxQueueSize); retry later or add replicas", retryAfterSeconds: 1);
                return null;
            }

            // The version was replaced or unloaded between the lookup and the admission: look again.
        }

        refusal = new InferenceRequestException(503, $"model '{name}' is being reloaded; retry", retryAfterSeconds: 1);
        return null;
    }

    /// <summary>Server readiness (Triton's strict readiness: every loaded version ready); <paramref name="reason"/> says why not.</summary>
    public bool IsServerReady(out string? reason)
    {
        var notReady = AllVersions.Where(v => !v.IsReady).Select(v => $"{v.Model}/{v.Version}").ToArray();
        reason = !Loaded ? "the model repository is still loading"
            : options.Value.StrictReadiness && notReady.Length > 0 ? $"model version(s) not ready: {string.Join(", ", notReady)} (see the repository index for the reasons)"
            : null;
        return reason is null;
    }

    /// <summary>The versions whose statistics are asked for: all ready versions, a model's, or one version (404 when unknown).</summary>
    public IReadOnlyList<ModelVersion> ForStatistics(string? name, string? version)
    {
        if (name is null)
        {
            return AllVersions.Where(v => v.IsReady).ToArray();
        }

        if (version is null)
        {
            return _models.TryGetValue(name, out var versions) ? versions.Values.Where(v => v.IsReady).ToArray() : throw NotFound(name, null);
        }

        return [Find(name, version) ?? throw NotFound(name, version)];
    }

    /// <summary>The 404 for a model or version that is not loaded, naming what is.</summary>
    public InferenceRequestException NotFound(string name, string? version)
    {
        if (!_models.ContainsKey(name))
        {
            var onDisk = Directory.Exists(System.IO.Path.Combine(options.Value.ModelRepository, name));
            return new InferenceRequestException(404, onDisk
                ? $"model '{name}' is not loaded; load it with POST /v2/repository/models/{name}/load"
                : $"unknown model '{name}'; models in the repository: {(IndexNames().Count == 0 ? "none" : string.Join(", ", IndexNames().Select(n => $"'{n}'")))}");
        }

        return new InferenceRequestException(404, $"model '{name}' has no version '{version}'; versions: {string.Join(", ", Versions(name))}");
    }

    public IReadOnlyList<long> Versions(string name) => _models.TryGetValue(name, out var v) ? v.Keys.ToArray() : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var version in AllVersions)
        {
            await version.RetireAsync();
        }

        _models.Clear();
        _control.Dispose();
    }

    private static InferenceRequestException NotReady(ModelVersion model) =>
        new(503, $"model '{model.Model}' version {model.Version} is not ready: {model.FailureReason}");

    private static async Task RetireAsync(SortedDictionary<long, ModelVersion>? versions)
    {
        foreach (var v in versions?.Values ?? Enumerable.Empty<ModelVersion>())
        {
            await v.RetireAsync();
        }
    }

    private List<string> IndexNames() =>
        Directory.EnumerateDirectories(options.Value.ModelRepository).Select(d => System.IO.Path.GetFileName(d)!)
            .Union(_models.Keys).Order(StringComparer.Ordinal).ToList();

    private void RequireExplicitMode(string action)
    {
        if (ControlMode != ModelControlMode.Explicit)
        {
            throw new ModelControlException($"cannot {action} models: the server runs with model control mode '{ControlMode.ToString().ToLowerInvariant()}'; start it with --model-control-mode explicit");
        }
    }

    private string ModelDirectory(string name)
    {
        var dir = System.IO.Path.Combine(options.Value.ModelRepository, name);
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name is "." or ".." || !Directory.Exists(dir))
        {
            throw new ModelControlException($"failed to load '{name}': no folder '{dir}' in the model repository (models: {string.Join(", ", IndexNames())})", notFound: true);
        }

        return dir;
    }

    private async Task<SortedDictionary<long, ModelVersion>> LoadVersionsAsync(string name, string modelDir, CancellationToken cancellationToken)
    {
        var versions = new SortedDictionary<long, ModelVersion>();
        ModelConfig config;
        string? configError = null;
        try
        {
            config = ModelConfigReader.Read(System.IO.Path.Combine(modelDir, "config.json"));
        }
        catch (ModelConfigException ex)
        {
            config = ModelConfig.Default;
            configError = ex.Message;
        }

        foreach (var versionDir in Directory.EnumerateDirectories(modelDir))
        {
            if (!long.TryParse(System.IO.Path.GetFileName(versionDir), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var version = new ModelVersion(name, number, System.IO.Path.Combine(versionDir, "model.onnx"), config);
            versions[number] = version;
            if (configError is not null)
            {
                version.MarkFailed(configError);
            }
            else
            {
                await Task.Run(() => Load(version), cancellationToken);
            }

            if (version.IsReady)
            {
                LogLoaded(logger, name, number, string.Join(",", version.Session!.Providers), config.MaxBatchSize, config.DynamicBatching.Enabled);
            }
            else
            {
                LogFailed(logger, name, number, version.FailureReason!);
            }
        }

        if (versions.Count == 0)
        {
            var missing = new ModelVersion(name, 0, modelDir, config);
            missing.MarkFailed($"'{modelDir}' has no numbered version folder with a model.onnx: lay it out as {name}/1/model.onnx");
            LogFailed(logger, name, 0, missing.FailureReason!);
            versions[0] = missing;
        }

        return versions;
    }

    private void Load(ModelVersion version)
    {
        if (!File.Exists(version.Path))
        {
            version.MarkFailed($"'{version.Path}' does not exist: put the model file there as model.onnx");
            return;
        }

        ModelSession? session = null;
        try
        {
            session = ModelSession.Open(version.Path, version.Config, version.Model, logger);
            if (version.Config.MaxBatchSize > 0)
            {
                var fixedInput = session.Inputs.FirstOrDefault(i => i.Shape.Length == 0 || i.Shape[0] > 0);
                if (fixedInput is not null)
                {
                    throw new ModelLoadException($"maxBatchSize is {version.Config.MaxBatchSize} but input '{fixedInput.Name}' has a fixed first dimension {Tensors.ShapeMath.Format(fixedInput.Shape)}: run 'model batch --dynamic' on the model or set maxBatchSize to 0");
                }
            }

            var executor = new BatchExecutor(session, version.Statistics, timeProvider, version.Config.MaxBatchSize > 0);
            IInferenceScheduler scheduler = version.Config.DynamicBatching.Enabled
                ? new DynamicBatcher($"{version.Model}/{version.Version}", version.Config, executor, timeProvider)
                : new DirectScheduler($"{version.Model}/{version.Version}", version.Config.InstanceCount, version.Config.DynamicBatching.MaxQueueSize, executor);
            version.MarkReady(session, scheduler);
        }
        catch (ModelLoadException ex)
        {
            session?.Dispose();
            version.MarkFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Model} version {Version} on {Providers} (maxBatchSize {MaxBatchSize}, dynamic batching {Batching})")]
    private static partial void LogLoaded(ILogger logger, string model, long version, string providers, int maxBatchSize, bool batching);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Model} version {Version} is not ready: {Reason}")]
    private static partial void LogFailed(ILogger logger, string model, long version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded model {Model}")]
    private static partial void LogUnloaded(ILogger logger, string model);
}
