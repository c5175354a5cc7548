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
        foreach (var row in CsvTable.Read(path, Columns))
        {
            var name = row.Text("name");
            if (name.Length == 0)
            {
                throw row.Error("name", "the pod name is empty", "Give every pod a unique name.");
            }

            if (!names.Add(name))
            {
                throw row.Error("name", $"the pod name '{name}' appears twice", "Give every pod a unique name.");
            }

            var cpu = row.Int("cpu_milli", 0);
            var memory = row.Long("memory_mib", 0);
            var numGpu = row.Int("num_gpu", 0);
            var gpuMilli = row.Int("gpu_milli", 0);
            if (gpuMilli > 1000)
            {
                throw row.Error("gpu_milli", $"{gpuMilli} is above 1000", "gpu_milli is the share of one GPU per GPU (0–1000).");
            }

            if (numGpu > 0 && gpuMilli == 0)
            {
                throw row.Error("gpu_milli", "a GPU pod asks for 0 milli-GPU", "Write gpu_milli between 1 and 1000 for a pod with num_gpu > 0.");
            }

            if (numGpu > 1 && gpuMilli < 1000)
            {
                throw row.Error("gpu_milli", $"a {numGpu}-GPU pod shares a GPU ({gpuMilli} milli)", "Only single-GPU pods may share a GPU; write 1000.");
            }

            var specText = row.Text("gpu_spec");
            var models = specText.Length == 0
                ? []
                : specText.Split('|').Select(m => m.Trim()).ToImmutableArray();
            if (models.Any(m => m.Length == 0))
            {
                throw row.Error("gpu_spec", $"'{specText}' has an empty model name", "List models separated by '|', e.g. V100M16|V100M32, or leave it empty for any.");
            }

            var created = row.Long("creation_time", 0);
            var deleted = row.Long("deletion_time", 0);
            if (deleted < created)
            {
                throw row.Error("deletion_time", $"{deleted} is before creation_time {created}", "deletion_time must not precede creation_time.");
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
                row.Text("qos")));
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
