using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WPAI.Inference.Hosting;
using WPAI.Inference.Batching;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary><c>POST /v2/models/{name}[/versions/{version}]/infer</c>: JSON or binary tensor data in, JSON or binary out.</summary>
public static class InferEndpoint
{
    public static async Task InferAsync(HttpContext context, string name, string? version)
    {
        var repository = context.RequestServices.GetRequiredService<ModelRepository>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var start = time.GetTimestamp();
        using var lease = repository.Acquire(name, version, out var refusal);
        if (lease is null)
        {
            await WriteRefusalAsync(context, refusal!);
            return;
        }

        var model = lease.Version;
        var success = false;
        if (context.Request.ContentLength > context.RequestServices.GetRequiredService<IOptions<InferenceServerOptions>>().Value.MaxRequestBodyBytes)
        {
            await WriteRefusalAsync(context, TooLarge(context));
            model.Statistics.AddRequest(false, time.GetElapsedTime(start), time.GetUtcNow());
            return;
        }

        ParsedInferRequest? request = null;
        TensorBuffer[]? outputs = null;
        try
        {
            request = await InferRequestReader.ReadAsync(context.Request, model, context.RequestAborted);
            var job = new InferenceJob(request.Inputs, request.Rows, time.GetTimestamp());
            outputs = await model.Scheduler!.EnqueueAsync(job, context.RequestAborted);
            lease.Answered(); // a binary answer has a Content-Length: the caller has it all before this method returns
            var selected = request.Outputs.Select(o => (outputs.First(t => t.Name == o.Spec.Name), o.Binary)).ToArray();
            await InferResponseWriter.WriteAsync(context.Response, name, model.Version, request.Id, selected, context.RequestAborted);
            success = true;
        }
        catch (InferenceRequestException ex)
        {
            await WriteRefusalAsync(context, ex);
        }
        catch (QueueFullException ex)
        {
            await WriteRefusalAsync(context, new InferenceRequestException(503, ex.Message, retryAfterSeconds: 1));
        }
        catch (ArgumentException ex)
        {
            await JsonResponses.WriteErrorAsync(context, 400, ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            await WriteRefusalAsync(context, TooLarge(context));
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException or ObjectDisposedException)
        {
            await JsonResponses.WriteErrorAsync(context, 500, $"model '{name}' failed to run: {ex.Message}");
        }
        finally
        {
            foreach (var input in request?.Inputs ?? [])
            {
                input.Dispose();
            }

            foreach (var output in outputs ?? [])
            {
                output.Dispose();
            }

            model.Statistics.AddRequest(success, time.GetElapsedTime(start), time.GetUtcNow());
        }
    }

    /// <summary>The 413 for a body over <see cref="InferenceServerOptions.MaxRequestBodyBytes"/>.</summary>
    public static InferenceRequestException TooLarge(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<InferenceServerOptions>>().Value.MaxRequestBodyBytes;
        var size = context.Request.ContentLength is { } length ? $"of {length} bytes " : string.Empty;
        return new InferenceRequestException(413, $"request body {size}exceeds the limit of {limit} bytes (Inference:MaxRequestBodyBytes, --max-body-bytes); send fewer rows per request");
    }

    /// <summary>Writes a refusal: its status, a <c>Retry-After</c> when it has one, and a closed connection when the body was left unread.</summary>
    public static Task WriteRefusalAsync(HttpContext context, InferenceRequestException refusal)
    {
        if (refusal.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (refusal.StatusCode == 413)
        {
            // The unread body stays on the wire: close the connection so the client does not reuse it.
            context.Response.Headers.Connection = "close";
        }

        return JsonResponses.WriteErrorAsync(context, refusal.StatusCode, refusal.Message);
    }
}
