using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Inference.Metrics;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>
/// The KServe v2 / Open Inference Protocol REST endpoints with Triton's extensions (binary tensor data, model
/// configuration, statistics, model repository) and the Prometheus <c>/metrics</c> endpoint.
/// </summary>
public static class KServeEndpoints
{
    /// <summary>The extensions listed in the server metadata.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data", "model_configuration", "statistics", "model_repository"];

    public static IEndpointRouteBuilder MapKServeV2(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", (HttpContext c) => JsonResponses.WriteAsync(c, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", "wpai-inference");
            w.WriteString("version", typeof(KServeEndpoints).Assembly.GetName().Version?.ToString() ?? "0");
            w.WriteStartArray("extensions");
            foreach (var e in Extensions)
            {
                w.WriteStringValue(e);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
        app.MapGet("/v2/health/live", (HttpContext c) => JsonResponses.WriteAsync(c, 200, w => { w.WriteStartObject(); w.WriteBoolean("live", true); w.WriteEndObject(); }));
        app.MapGet("/v2/health/ready", ServerReadyAsync);
        app.MapGet("/v2/models/stats", (HttpContext c) => StatisticsAsync(c, null, null));
        app.MapGet("/v2/models/{name}/stats", (HttpContext c, string name) => StatisticsAsync(c, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}/stats", (HttpContext c, string name, string version) => StatisticsAsync(c, name, version));
        app.MapGet("/v2/models/{name}/config", (HttpContext c, string name) => ConfigAsync(c, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}/config", (HttpContext c, string name, string version) => ConfigAsync(c, name, version));
        app.MapGet("/v2/models/{name}", (HttpContext c, string name) => MetadataAsync(c, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}", (HttpContext c, string name, string version) => MetadataAsync(c, name, version));
        app.MapGet("/v2/models/{name}/ready", (HttpContext c, string name) => ModelReadyAsync(c, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (HttpContext c, string name, string version) => ModelReadyAsync(c, name, version));
        app.MapPost("/v2/models/{name}/infer", (HttpContext c, string name) => InferEndpoint.InferAsync(c, name, null));
        app.MapPost("/v2/models/{name}/versions/{version}/infer", (HttpContext c, string name, string version) => InferEndpoint.InferAsync(c, name, version));
        app.MapPost("/v2/repository/index", RepositoryIndexAsync);
        app.MapPost("/v2/repository/models/{name}/load", (HttpContext c, string name) => ModelControlAsync(c, name, load: true));
        app.MapPost("/v2/repository/models/{name}/unload", (HttpContext c, string name) => ModelControlAsync(c, name, load: false));
        app.MapGet("/metrics", (HttpContext c) =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return c.RequestServices.GetRequiredService<TritonMetrics>().WriteAsync(c.Response.Body, c.RequestAborted);
        });
        return app;
    }

    private static Task ServerReadyAsync(HttpContext context)
    {
        var ready = context.RequestServices.GetRequiredService<ModelRepository>().IsServerReady(out var reason);
        return JsonResponses.WriteAsync(context, ready ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ready", ready);
            if (reason is not null)
            {
                w.WriteString("error", reason);
            }

            w.WriteEndObject();
        });
    }

    private static Task MetadataAsync(HttpContext context, string name, string? version)
    {
        if (ResolveReady(context, name, version, out var error) is not { } model)
        {
            return error!;
        }

        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        return JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteStartArray("versions");
            foreach (var v in repository.Versions(name))
            {
                w.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndArray();
            w.WriteString("platform", "onnxruntime_onnx");
            WriteSpecs(w, "inputs", model.Session!.Inputs);
            WriteSpecs(w, "outputs", model.Session!.Outputs);
            w.WriteStartObject("parameters");
            w.WriteNumber("max_batch_size", model.Config.MaxBatchSize);
            w.WriteBoolean("dynamic_batching", model.Config.DynamicBatching.Enabled);
            w.WriteString("execution_providers", string.Join(",", model.Session.Providers));
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static Task ConfigAsync(HttpContext context, string name, string? version)
    {
        if (ResolveReady(context, name, version, out var error) is not { } model)
        {
            return error!;
        }

        return JsonResponses.WriteAsync(context, 200, w => TritonModelConfig.Write(w, model));
    }

    private static Task StatisticsAsync(HttpContext context, string? name, string? version)
    {
        var versions = context.RequestServices.GetRequiredService<ModelRepository>().ForStatistics(name, version);
        return JsonResponses.WriteAsync(context, 200, w => TritonStatistics.Write(w, versions));
    }

    private static void WriteSpecs(Utf8JsonWriter w, string property, IReadOnlyList<Runtime.TensorSpec> specs)
    {
        w.WriteStartArray(property);
        foreach (var spec in specs)
        {
            w.WriteStartObject();
            w.WriteString("name", spec.Name);
            w.WriteString("datatype", spec.DataType.ToKServe());
            w.WriteStartArray("shape");
            foreach (var d in spec.Shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static Task ModelReadyAsync(HttpContext context, string name, string? version)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        var model = repository.Find(name, version);
        if (model is null)
        {
            return InferEndpoint.WriteRefusalAsync(context, repository.NotFound(name, version));
        }

        return JsonResponses.WriteAsync(context, model.IsReady ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("version", model.Version.ToString(CultureInfo.InvariantCulture));
            w.WriteBoolean("ready", model.IsReady);
            if (!model.IsReady)
            {
                w.WriteString("error", model.FailureReason);
            }

            w.WriteEndObject();
        });
    }

    private static async Task RepositoryIndexAsync(HttpContext context)
    {
        var readyOnly = false;
        if (context.Request.ContentLength is > 0 or null)
        {
            using var body = await ReadSmallJsonAsync(context);
            readyOnly = body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("ready", out var r) && r.ValueKind == JsonValueKind.True;
        }

        var entries = context.RequestServices.GetRequiredService<ModelRepository>().Index(readyOnly);
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("name", e.Name);
                if (e.Version is not null)
                {
                    w.WriteString("version", e.Version);
                }

                w.WriteString("state", e.State);
                w.WriteString("reason", e.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static async Task ModelControlAsync(HttpContext context, string name, bool load)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        using (var body = await ReadSmallJsonAsync(context))
        {
            if (body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("parameters", out var p)
                && p.ValueKind == JsonValueKind.Object && p.EnumerateObject().FirstOrDefault(x => x.Name == "config" || x.Name.StartsWith("file:", StringComparison.Ordinal)) is { Value.ValueKind: not JsonValueKind.Undefined } unsupported)
            {
                throw new InferenceRequestException(400, $"load parameter '{unsupported.Name}' is not supported: edit {name}/config.json and the version folders in the repository instead");
            }
        }

        try
        {
            if (load)
            {
                await repository.LoadModelAsync(name, context.RequestAborted);
            }
            else
            {
                await repository.UnloadModelAsync(name, context.RequestAborted);
            }
        }
        catch (ModelControlException ex)
        {
            throw new InferenceRequestException(ex.NotFound ? 404 : 400, ex.Message);
        }

        context.Response.StatusCode = 200;
    }

    private static async Task<JsonDocument?> ReadSmallJsonAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > 1024 * 1024)
        {
            throw new InferenceRequestException(413, "the request body is over 1 MiB; this endpoint takes a small JSON object");
        }

        try
        {
            var text = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            return string.IsNullOrWhiteSpace(text) ? null : JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InferenceRequestException(400, $"the request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
    }

    private static ModelVersion? ResolveReady(HttpContext context, string name, string? version, out Task? error)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        var model = repository.Find(name, version);
        error = model is null ? InferEndpoint.WriteRefusalAsync(context, repository.NotFound(name, version))
            : !model.IsReady ? JsonResponses.WriteErrorAsync(context, 503, $"model '{name}' version {model.Version} is not ready: {model.FailureReason}")
            : null;
        return error is null ? model : null;
    }
}
