using System.Diagnostics;
using System.Globalization;
using Microsoft.VisualBasic.FileIO;
using WPAI.Agent.Hosting;

namespace WPAI.Agent.Measuring;

/// <summary>
/// Reads the node's GPUs through <c>nvidia-smi</c> (when it is installed): the device list at registration and each
/// GPU's utilization and memory at every sample. The CSV it prints is parsed with the framework's
/// <see cref="TextFieldParser"/> (quoting and trimming handled there).
/// </summary>
public sealed partial class NvidiaSmi(IOptions<AgentOptions> options, ILogger<NvidiaSmi> logger)
{
    public const string DevicesQuery = "--query-gpu=index,name,memory.total --format=csv,noheader";
    public const string UsageQuery = "--query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits";

    /// <summary>The GPUs nvidia-smi lists; null when it is not installed or fails.</summary>
    public async Task<IReadOnlyList<GpuDevice>?> DevicesAsync(CancellationToken cancellationToken)
    {
        var output = await RunAsync(DevicesQuery, cancellationToken);
        return output is null ? null : ParseDevices(output);
    }

    /// <summary>Every GPU's reading now; null when nvidia-smi is not installed or fails.</summary>
    public async Task<IReadOnlyList<GpuReading>?> ReadAsync(CancellationToken cancellationToken)
    {
        var output = await RunAsync(UsageQuery, cancellationToken);
        return output is null ? null : ParseUsage(output);
    }

    /// <summary>Parses <c>index, name, memory.total</c> lines, e.g. <c>0, NVIDIA H100 80GB HBM3, 81559 MiB</c>.</summary>
    public static IReadOnlyList<GpuDevice> ParseDevices(string csv) =>
        [.. Rows(csv, 3).Select(f => new GpuDevice(Int(f[0]), f[1], Mib(f[2])))];

    /// <summary>Parses <c>index, utilization.gpu, memory.used</c> lines without units, e.g. <c>0, 87, 40321</c>; "[N/A]" reads as 0.</summary>
    public static IReadOnlyList<GpuReading> ParseUsage(string csv) =>
        [.. Rows(csv, 3).Select(f => new GpuReading(Int(f[0]), Number(f[1]) / 100.0, (long)Number(f[2])))];

    private static IEnumerable<string[]> Rows(string csv, int fields)
    {
        using var parser = new TextFieldParser(new StringReader(csv)) { TextFieldType = FieldType.Delimited, TrimWhiteSpace = true, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        while (!parser.EndOfData)
        {
            var row = parser.ReadFields();
            if (row is null || row.Length == 0 || (row.Length == 1 && row[0].Length == 0))
            {
                continue;
            }

            if (row.Length < fields)
            {
                throw new FormatException($"nvidia-smi printed '{string.Join(',', row)}' with {row.Length} fields; expected {fields}");
            }

            yield return row;
        }
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0; // "[N/A]", "[Not Supported]"

    private static long Mib(string text)
    {
        var value = text.EndsWith("MiB", StringComparison.OrdinalIgnoreCase) ? text[..^3].Trim() : text;
        return (long)Number(value);
    }

    private async Task<string?> RunAsync(string query, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Value.NvidiaSmi) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in query.Split(' '))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                LogFailed(logger, options.Value.NvidiaSmi, process.ExitCode);
                return null;
            }

            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed: no GPU driver on this node
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Program} exited with {ExitCode}; GPUs not measured this time")]
    private static partial void LogFailed(ILogger logger, string program, int exitCode);
}
