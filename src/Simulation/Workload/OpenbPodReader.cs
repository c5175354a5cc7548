using System.Collections.Immutable;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>
/// Reads an openb pod list (<c>name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time</c>).
/// Duration = deletion − creation; <c>gpu_spec</c> (<c>A|B</c>) is the ordered list of acceptable models;
/// a GPU-sharing pod (<c>gpu_milli</c> &lt; 1000) takes one whole GPU. Submit times are relative to the first creation.
/// </summary>
public static class OpenbPodReader
{
    private static readonly string[] Columns =
        ["name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "creation_time", "deletion_time"];

    public static IReadOnlyList<SimJob> Read(string path)
    {
        var jobs = new List<SimJob>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var table = CsvTable.ReadTrace(path, Columns);
        foreach (var row in table.Rows)
        {
            var name = table.Text(row, "name");
            if (name.Length == 0)
            {
                throw table.ErrorAt(row, "name", "the pod name is empty", "Give every pod a unique name.");
            }

            if (!names.Add(name))
            {
                throw table.ErrorAt(row, "name", $"the pod name '{name}' appears twice", "Give every pod a unique name.");
            }

            var cpu = table.Int(row, "cpu_milli", 0);
            var memory = table.Long(row, "memory_mib", 0);
            var numGpu = table.Int(row, "num_gpu", 0);
            var gpuMilli = table.Int(row, "gpu_milli", 0);
            if (gpuMilli > 1000)
            {
                throw table.ErrorAt(row, "gpu_milli", $"{gpuMilli} is above 1000", "gpu_milli is the share of one GPU per GPU (0–1000).");
            }

            if (numGpu > 0 && gpuMilli == 0)
            {
                throw table.ErrorAt(row, "gpu_milli", "a GPU pod asks for 0 milli-GPU", "Write gpu_milli between 1 and 1000 for a pod with num_gpu > 0.");
            }

            if (numGpu > 1 && gpuMilli < 1000)
            {
                throw table.ErrorAt(row, "gpu_milli", $"a {numGpu}-GPU pod shares a GPU ({gpuMilli} milli)", "Only single-GPU pods may share a GPU; write 1000.");
            }

            var specText = table.Text(row, "gpu_spec");
            var models = specText.Length == 0
                ? []
                : specText.Split('|').Select(m => m.Trim()).ToImmutableArray();
            if (models.Any(m => m.Length == 0))
            {
                throw table.ErrorAt(row, "gpu_spec", $"'{specText}' has an empty model name", "List models separated by '|', e.g. V100M16|V100M32, or leave it empty for any.");
            }

            var created = table.Long(row, "creation_time", 0);
            var deleted = table.Long(row, "deletion_time", 0);
            if (deleted < created)
            {
                throw table.ErrorAt(row, "deletion_time", $"{deleted} is before creation_time {created}", "deletion_time must not precede creation_time.");
            }

            jobs.Add(new SimJob(
                name,
                TimeSpan.FromSeconds(created),
                TimeSpan.FromSeconds(deleted - created),
                numGpu,
                numGpu == 0 ? 0 : gpuMilli,
                cpu,
                memory,
                models,
                table.Text(row, "qos")));
        }

        if (jobs.Count == 0)
        {
            throw new WpaiValidationException(path, "the file lists no pod", "Pass an openb pod list (openb_pod_list_*.csv).");
        }

        var origin = jobs.Min(j => j.Submit);
        return jobs
            .Select(j => j with { Submit = j.Submit - origin })
            .OrderBy(j => j.Submit)
            .ThenBy(j => j.Id, StringComparer.Ordinal)
            .ToList();
    }
}
