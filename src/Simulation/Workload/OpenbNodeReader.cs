using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>Reads the openb node list (<c>sn,cpu_milli,memory_mib,gpu,model</c>); the GPU model is the node's pool.</summary>
public static class OpenbNodeReader
{
    private static readonly string[] Columns = ["sn", "cpu_milli", "memory_mib", "gpu", "model"];

    /// <summary>
    /// Reads GPU nodes; rows with no GPU (CPU-only nodes) are skipped unless <paramref name="includeCpuNodes"/>, when they
    /// become nodes of the <c>cpu</c> pool (the pool of CPU-only machines, <see cref="Domain.Validation.Validate.CpuPool"/>).
    /// </summary>
    public static IReadOnlyList<SimNode> Read(string path, bool includeCpuNodes = false)
    {
        var nodes = new List<SimNode>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var table = CsvTable.ReadTrace(path, Columns);
        foreach (var row in table.Rows)
        {
            var name = table.Text(row, "sn");
            if (name.Length == 0)
            {
                throw table.ErrorAt(row, "sn", "the node name is empty", "Give every node a unique name.");
            }

            if (!names.Add(name))
            {
                throw table.ErrorAt(row, "sn", $"the node name '{name}' appears twice", "Give every node a unique name.");
            }

            var gpus = table.Int(row, "gpu", 0);
            var cpu = table.Int(row, "cpu_milli", 1);
            var memory = table.Long(row, "memory_mib", 1);
            var model = table.Text(row, "model");
            if (gpus == 0)
            {
                if (includeCpuNodes)
                {
                    nodes.Add(new SimNode(name, Domain.Validation.Validate.CpuPool, 0, cpu, memory));
                }

                continue;
            }

            if (model.Length == 0)
            {
                throw table.ErrorAt(row, "model", "a GPU node has no GPU model", "Name the node's GPU model (its pool), e.g. V100M16.");
            }

            nodes.Add(new SimNode(name, model, gpus, cpu, memory));
        }

        if (!nodes.Any(n => n.Gpus > 0) && !(includeCpuNodes && nodes.Count > 0))
        {
            throw new WpaiValidationException(path, "the file lists no GPU node", "Pass the GPU node list (openb_node_list_gpu_node.csv).");
        }

        return nodes;
    }
}
