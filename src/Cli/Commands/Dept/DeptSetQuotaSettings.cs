using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using Rules = WPAI.Domain.Validation.Validate;

namespace WPAI.Cli.Commands.Dept;

public sealed class DeptSetQuotaSettings : WpaiSettings
{
    [CommandArgument(0, "<DEPARTMENT>")]
    [Description("Department name")]
    public string Department { get; set; } = string.Empty;

    [CommandArgument(1, "<POOL=GPUS>")]
    [Description("GPU quota per pool, e.g. T4=8 P40=4")]
    public string[] Quotas { get; set; } = [];

    public IReadOnlyDictionary<string, int> ToQuota()
    {
        if (string.IsNullOrWhiteSpace(Department))
        {
            throw new WpaiValidationException("DEPARTMENT", "is empty", "Name the department, e.g. ./wpai dept set-quota research T4=8");
        }

        if (Quotas.Length == 0)
        {
            throw new WpaiValidationException("POOL=GPUS", "is missing", "Give at least one pool quota, e.g. T4=8");
        }

        Rules.Id(Department.Trim(), "DEPARTMENT");
        var quota = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in Quotas)
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                throw new WpaiValidationException("POOL=GPUS", $"'{item}' is not POOL=GPUS", "Write each quota as pool=gpus, e.g. T4=8");
            }

            if (parts[1].Length > 0 && parts[1].All(char.IsAsciiDigit) && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new WpaiValidationException("POOL=GPUS", $"'{item}': {parts[1]} GPUs is too large (max {Rules.MaxQuotaGpus})", $"Write at most {parts[0]}={Rules.MaxQuotaGpus}");
            }

            if (!int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var gpus) || gpus < 0)
            {
                throw new WpaiValidationException("POOL=GPUS", $"'{item}' has '{parts[1]}' GPUs, which is not a whole number of 0 or more", "Write e.g. T4=8 (T4=0 removes the quota)");
            }

            Rules.Quota(parts[0], gpus);

            if (!quota.TryAdd(parts[0], gpus))
            {
                throw new WpaiValidationException("POOL=GPUS", $"pool '{parts[0]}' is given twice", "Name each pool once");
            }
        }

        return quota;
    }

    protected override void ValidateOptions() => _ = ToQuota();
}
