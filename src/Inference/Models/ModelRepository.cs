using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WPAI.Inference.Batching;
using WPAI.Inference.Hosting;
using WPAI.Inference.Runtime;

namespace WPAI.Inference.Models;

/// <summary>
/// A Triton-style model repository: <c>DIR/&lt;model&gt;/config.json</c> and <c>DIR/&lt;model&gt;/&lt;version&gt;/model.onnx</c>.
/// Every version gets one session; a version that fails to load is kept as not ready with its reason.
/// </summary>
public sealed partial class ModelRepository(IOptions<InferenceServerOptions> options, TimeProvider timeProvider, ILogger<ModelRepository> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SortedDictionary<long, ModelVersion>> _models = new(StringComparer.Ordinal);

    public bool Loaded { get; private set; }

    public IEnumerable<ModelVersion> AllVersions => _models.Values.SelectMany(v => v.Values);

    public IEnumerable<string> ModelNames => _models.Keys.Order(StringComparer.Ordinal);

    /// <summary>Scans the repository folder and loads every model version found.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var root = options.Value.ModelRepository;
        foreach (var modelDir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = System.IO.Path.GetFileName(modelDir);
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

                var file = System.IO.Path.Combine(versionDir, "model.onnx");
                var version = new ModelVersion(name, number, file, config);
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

            _models[name] = versions;
        }

        Loaded = true;
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

    public IReadOnlyList<long> Versions(string name) => _models.TryGetValue(name, out var v) ? v.Keys.ToArray() : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var version in AllVersions)
        {
            await version.DisposeAsync();
        }

        _models.Clear();
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
}
