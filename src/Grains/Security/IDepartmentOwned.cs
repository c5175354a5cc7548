namespace WPAI.Grains.Security;

/// <summary>
/// A grain whose state belongs to one department (a job): the silo's authorization filter reads it to let a
/// department's submitter act on its own department's grains only.
/// </summary>
public interface IDepartmentOwned
{
    /// <summary>The owning department; null while the grain holds nothing (a job never submitted).</summary>
    string? OwningDepartment { get; }
}
