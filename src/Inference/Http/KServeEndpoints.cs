using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WPAI.Inference.Batching;
using WPAI.Inference.Hosting;
using WPAI.Inference.Metrics;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>The KServe v2 / Open Inference Protocol REST endpoints and the Prometheus <c>/metrics</c> endpoint.</summary>
public static class KServeEndpoints
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapKServeV2(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", (HttpContext c) => WriteJsonAsync(c, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", "wpai-inference");
            w.WriteString("version", typeof(KServeEndpoints).Assembly.GetName().Version?.ToString() ?? "0");
            w.WriteStartArray("extensions");
            w.WriteStringValue("model_repository");
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        app.MapGet("/v2/health/live", (HttpContext c) => WriteJsonAsync(c, 200, w => { w.WriteStartObject(); w.WriteBoolean("live", true); w.WriteEndObject(); }));
        app.MapGet("/v2/health/ready", ServerReadyAsync);
        app.MapGet("/v2/models/{name}", (HttpContext c, string name) => MetadataAsync(c, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}", (HttpContext c, string name, string version) => MetadataAsync(c, name, version));
        app.MapGet("/v2/models/{name}/ready", (HttpContext c, string name) => ModelReadyAsync(c, name, null));
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (HttpContext c, string name, string version) => ModelReadyAsync(c, name, version));
        app.MapPost("/v2/models/{name}/infer", (HttpContext c, string name) => InferAsync(c, name, null));
        app.MapPost("/v2/models/{name}/versions/{version}/infer", (HttpContext c, string name, string version) => InferAsync(c, name, version));
        app.MapPost("/v2/repository/index", RepositoryIndexAsync);
        app.MapGet("/metrics", (HttpContext c) =>
        {
            var repository = c.RequestServices.GetRequiredService<ModelRepository>();
            c.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return c.Response.WriteAsync(PrometheusWriter.Render(repository.AllVersions), c.RequestAborted);
        });
        return app;
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message) => WriteJsonAsync(context, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    private static Task ServerReadyAsync(HttpContext context)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        var options = context.RequestServices.GetRequiredService<IOptions<InferenceServerOptions>>().Value;
        var notReady = repository.AllVersions.Where(v => !v.IsReady).Select(v => $"{v.Model}/{v.Version}").ToArray();
        var ready = repository.Loaded && (!options.StrictReadiness || notReady.Length == 0);
        return WriteJsonAsync(context, ready ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ready", ready);
            if (!repository.Loaded)
            {
                w.WriteString("error", "the model repository is still loading");
            }
            else if (!ready)
            {
                w.WriteString("error", $"model version(s) not ready: {string.Join(", ", notReady)} (see POST /v2/repository/index for the reasons)");
            }

            w.WriteEndObject();
        });
    }

    private static Task MetadataAsync(HttpContext context, string name, string? version)
    {
        var model = Resolve(context, name, version, out var error);
        if (model is null)
        {
            return error!;
        }

        if (!model.IsReady)
        {
            return WriteErrorAsync(context, 503, $"model '{name}' version {model.Version} is not ready: {model.FailureReason}");
        }

        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        return WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteStartArray("versions");
            foreach (var v in repository.Versions(name))
            {
                w.WriteStringValue(v.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            w.WriteEndArray();
            w.WriteString("platform", "onnxruntime_onnx");
            WriteSpecs(w, "inputs", model.Session!.Inputs, model);
            WriteSpecs(w, "outputs", model.Session!.Outputs, model);
            w.WriteStartObject("parameters");
            w.WriteNumber("max_batch_size", model.Config.MaxBatchSize);
            w.WriteBoolean("dynamic_batching", model.Config.DynamicBatching.Enabled);
            w.WriteString("execution_providers", string.Join(",", model.Session.Providers));
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static void WriteSpecs(Utf8JsonWriter w, string property, IReadOnlyList<Runtime.TensorSpec> specs, ModelVersion model)
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
        var model = Resolve(context, name, version, out var error);
        if (model is null)
        {
            return error!;
        }

        return WriteJsonAsync(context, model.IsReady ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("version", model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBoolean("ready", model.IsReady);
            if (!model.IsReady)
            {
                w.WriteString("error", model.FailureReason);
            }

            w.WriteEndObject();
        });
    }

    private static Task RepositoryIndexAsync(HttpContext context)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        return WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var v in repository.AllVersions)
            {
                w.WriteStartObject();
                w.WriteString("name", v.Model);
                w.WriteString("version", v.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("state", v.IsReady ? "READY" : "UNAVAILABLE");
                w.WriteString("reason", v.FailureReason ?? string.Empty);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static async Task InferAsync(HttpContext context, string name, string? version)
    {
        var model = Resolve(context, name, version, out var error);
        if (model is null)
        {
            await error!;
            return;
        }

        if (!model.IsReady)
        {
            await WriteErrorAsync(context, 503, $"model '{name}' version {model.Version} is not ready: {model.FailureReason}");
            return;
        }

        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var options = context.RequestServices.GetRequiredService<IOptions<InferenceServerOptions>>().Value;
        var start = time.GetTimestamp();
        var success = false;
        ParsedInferRequest? request = null;
        TensorBuffer[]? outputs = null;
        try
        {
            if (context.Request.ContentLength > options.MaxRequestBodyBytes)
            {
                throw new InferenceRequestException(413, $"request body of {context.Request.ContentLength} bytes exceeds the limit of {options.MaxRequestBodyBytes} bytes (Inference:MaxRequestBodyBytes); send fewer rows per request");
            }

            using (var doc = await ReadJsonAsync(context, options))
            {
                request = InferRequestReader.Parse(doc.RootElement, model);
            }

            var job = new InferenceJob(request.Inputs, request.Rows, time.GetTimestamp());
            outputs = await model.Scheduler!.EnqueueAsync(job, context.RequestAborted);
            var selected = request.Outputs.Select(spec => outputs.First(o => o.Name == spec.Name)).ToArray();
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
            {
                InferResponseWriter.Write(writer, name, model.Version, request.Id, selected);
            }

            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
            success = true;
        }
        catch (InferenceRequestException ex)
        {
            if (ex.StatusCode == 413)
            {
                // The unread body stays on the wire: close the connection so the client does not reuse it.
                context.Response.Headers.Connection = "close";
            }

            await WriteErrorAsync(context, ex.StatusCode, ex.Message);
        }
        catch (QueueFullException ex)
        {
            await WriteErrorAsync(context, 503, ex.Message);
        }
        catch (ArgumentException ex)
        {
            await WriteErrorAsync(context, 400, ex.Message);
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException)
        {
            await WriteErrorAsync(context, 500, $"model '{name}' failed to run: {ex.Message}");
        }
        finally
        {
            if (request is not null)
            {
                foreach (var input in request.Inputs)
                {
                    input.Dispose();
                }
            }

            if (outputs is not null)
            {
                foreach (var output in outputs)
                {
                    output.Dispose();
                }
            }

            model.Statistics.AddRequest(success, time.GetElapsedTime(start));
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpContext context, InferenceServerOptions options)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new InferenceRequestException(400, $"the request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message.Split(" LineNumber", 2)[0]}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            throw new InferenceRequestException(413, $"request body exceeds the limit of {options.MaxRequestBodyBytes} bytes (Inference:MaxRequestBodyBytes); send fewer rows per request");
        }
    }

    private static ModelVersion? Resolve(HttpContext context, string name, string? version, out Task? error)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        var model = repository.Find(name, version);
        error = null;
        if (model is null)
        {
            var known = string.Join(", ", repository.ModelNames.Select(n => $"'{n}'"));
            error = version is null || repository.Versions(name).Count == 0
                ? WriteErrorAsync(context, 404, $"unknown model '{name}'; models in the repository: {(known.Length == 0 ? "none" : known)}")
                : WriteErrorAsync(context, 404, $"model '{name}' has no version '{version}'; versions: {string.Join(", ", repository.Versions(name))}");
        }

        return model;
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            write(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
